package dev.dnsd.sqlite;

import static dev.dnsd.sqlite.Fixtures.name;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.store.Change;
import dev.dnsd.zone.Zone;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A commit that returned is durable: a child JVM commits in a loop and prints each version as its
 * commit returns; it is killed with SIGKILL at a random point, and the store must then open,
 * be consistent, and hold every version the child printed.
 *
 * <p>What this can catch: a commit that returns before its transaction committed, a batch that
 * is not atomic, a version published before it is stored, recovery that fails. What no test in
 * one machine's process can catch is a missing fsync: the OS keeps a killed process's writes.
 * That part rests on {@code synchronous=FULL}, documented on {@link SqliteRecordStore}.
 */
class CrashTest {
  private static final int ROUNDS = 20;
  /** Rounds that must run whatever the machine's load; more run while the budget lasts. */
  private static final int MIN_ROUNDS = 3;
  private static final Duration BUDGET = Duration.ofSeconds(50);
  /** What one round may take at the most: a child JVM's start, its commits, a reopen. */
  private static final Duration ROUND = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void everyPrintedVersionSurvivesKillNine() throws Exception {
    Path db = dir.resolve("crash.db");
    long seed = System.nanoTime();
    Random random = new Random(seed);
    long budgetEnd = System.nanoTime() + BUDGET.toNanos();
    long lastPrinted = 0;
    for (int round = 0; round < ROUNDS && (round < MIN_ROUNDS || System.nanoTime() < budgetEnd); round++) {
      long deadline = System.nanoTime() + ROUND.toNanos();
      String context = "round " + round + " (seed " + seed + ")";
      // Two committing threads, so that kills also land inside group commits.
      TreeSet<Long> printed = new TreeSet<>();
      try (ChildStore child = ChildStore.start("commit", db.toString(), "2")) {
        String opened = child.nextLine(deadline);
        assertThat(opened).as(context).startsWith("opened ");
        assertThat(Long.parseLong(opened.substring(7))).as(context).isGreaterThanOrEqualTo(lastPrinted);
        int wanted = 1 + random.nextInt(40);
        while (printed.size() < wanted) {
          printed.add(Long.parseLong(child.nextLine(deadline)));
        }
        child.kill();
        for (String line : child.drain()) {
          printed.add(Long.parseLong(line));
        }
      }
      lastPrinted = Math.max(lastPrinted, printed.last());
      try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
        long version = store.version();
        assertThat(version).as(context).isGreaterThanOrEqualTo(lastPrinted);
        // Consistent: version 1 created the zone, every later version added one record.
        Zone zone = store.zones().get(name("example.com."));
        assertThat(zone.recordCount()).as(context).isEqualTo(version + 1);
        assertThat(zone.serial()).as(context).isEqualTo(version);
        List<Change> log = store.changesSince(0, Integer.MAX_VALUE).orElseThrow();
        assertThat(log).as(context).hasSize((int) version);
        for (int i = 0; i < log.size(); i++) {
          assertThat(log.get(i).version()).as(context).isEqualTo(i + 1);
        }
        for (long v : printed) {
          for (Record added : log.get((int) v - 1).zones().get(0).added()) {
            if (added.getType() == Type.A) {
              assertThat(zone.rrset(added.getName(), Type.A))
                  .as(context + ": the record of printed version " + v).isNotNull();
            }
          }
        }
      }
    }
  }
}
