package dev.dnsd.sqlite;

import static dev.dnsd.sqlite.Fixtures.createZone;
import static dev.dnsd.sqlite.Fixtures.dump;
import static dev.dnsd.sqlite.Fixtures.name;
import static dev.dnsd.sqlite.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.StoreException;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A store on a small tmpfs that fills up for real (see {@link Tmpfs}: root only, and required
 * under CI). A commit that does not fit fails with an error that says so, changes nothing, and
 * the store commits again once there is room, without a restart.
 */
class FullDiskTest {
  private static final long SIZE = 4L << 20;
  private static final Duration BUDGET = Duration.ofSeconds(60);

  @TempDir Path dir;

  /** {@code count} TXT records of 200 bytes each, at names no other batch uses. */
  private static ChangeSet bulk(String prefix, int count) {
    ChangeSet.Builder b = ChangeSet.builder();
    for (int i = 0; i < count; i++) {
      b.add(record(prefix + i + ".example.com.", Type.TXT, 300, "\"" + "x".repeat(200) + "\""));
    }
    return b.build();
  }

  private static List<String> siblings(Path file) throws IOException {
    try (Stream<Path> s = Files.list(file.getParent())) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  @Test
  @DisplayName("a commit the full disk cannot take fails clearly, changes nothing, and commits resume once there is room")
  void fullDiskThenRoom() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("fs"), SIZE)) {
      Path file = fs.dir.resolve("store.db");
      List<String> acknowledged;
      try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
        store.commit(createZone("example.com."));
        store.commit(bulk("before", 100));
        ZoneTable before = store.zones();
        fs.fill();

        for (int round = 0; round < 3; round++) {
          ChangeSet tooBig = bulk("round" + round + "-", 2000);
          assertThatThrownBy(() -> store.commit(tooBig))
              .isInstanceOf(StoreException.class)
              .hasMessageContaining(file.toString())
              .hasMessageContaining("the disk is full")
              .hasMessageContaining("nothing of the commit was kept");
          assertThat(store.zones()).as("queries are answered from the last good snapshot").isSameAs(before);
        }
        assertThat(siblings(file)).as("no shared-memory file to fault").doesNotContain("store.db-shm");

        fs.free();
        Change resumed = store.commit(bulk("after", 2000));
        assertThat(resumed.version()).isEqualTo(before.version() + 1);
        assertThat(store.changesSince(before.version(), 10).orElseThrow()).extracting(Change::version)
            .containsExactly(resumed.version());
        assertThat(siblings(file)).doesNotContain("store.db-shm");
        acknowledged = dump(store.zones());
      }
      try (SqliteRecordStore again = SqliteRecordStore.open(file)) {
        assertThat(dump(again.zones())).isEqualTo(acknowledged);
      }
    }
  }

  @Test
  @DisplayName("a process whose disk fills up stays up, and every commit it acknowledged survives kill -9")
  void fullDiskInAChildThatIsKilled() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("fs"), SIZE)) {
      Path file = fs.dir.resolve("store.db");
      long deadline = System.nanoTime() + BUDGET.toNanos();
      TreeSet<Long> printed = new TreeSet<>();
      try (ChildStore child = ChildStore.start("commit-through-faults", file.toString())) {
        assertThat(child.nextLine(deadline)).startsWith("opened ");
        readOks(child, deadline, 20, printed);
        fs.fill();
        int failed = 0;
        while (failed < 10) {
          String line = child.nextLine(deadline);
          if (line.startsWith("failed ")) {
            assertThat(line).contains(file.toString()).contains("the disk is full");
            failed++;
          } else {
            printed.add(Long.parseLong(line.substring(3))); // commits that fit before it was full
          }
        }
        fs.free();
        readOks(child, deadline, 20, printed);
        child.kill();
        for (String line : child.drain()) {
          if (line.startsWith("ok ")) {
            printed.add(Long.parseLong(line.substring(3)));
          }
        }
      }
      try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
        long version = store.version();
        assertThat(version).isGreaterThanOrEqualTo(printed.last());
        // Version 1 created the zone and every later one added one record: no failed commit left
        // anything behind, and none took a version.
        Zone zone = store.zones().get(name("example.com."));
        assertThat(zone.recordCount()).isEqualTo(version + 1);
        List<Change> log = store.changesSince(0, Integer.MAX_VALUE).orElseThrow();
        for (long v : printed) {
          Record added = log.get((int) v - 1).zones().get(0).added().get(0);
          assertThat(zone.rrset(added.getName(), Type.A)).as("the record of printed version " + v).isNotNull();
        }
      }
    }
  }

  /** Reads lines until {@code count} commits succeeded one after another, keeping their versions. */
  private static void readOks(ChildStore child, long deadline, int count, TreeSet<Long> printed)
      throws InterruptedException {
    for (int run = 0; run < count; ) {
      String line = child.nextLine(deadline);
      if (line.startsWith("ok ")) {
        printed.add(Long.parseLong(line.substring(3)));
        run++;
      } else {
        run = 0;
      }
    }
  }
}
