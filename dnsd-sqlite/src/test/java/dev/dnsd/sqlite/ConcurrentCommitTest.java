package dev.dnsd.sqlite;

import static dev.dnsd.sqlite.Fixtures.a;
import static dev.dnsd.sqlite.Fixtures.createZone;
import static dev.dnsd.sqlite.Fixtures.dump;
import static dev.dnsd.sqlite.Fixtures.name;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/** Commits from several threads at once, while readers look at the zones and the log. */
class ConcurrentCommitTest {
  private static final int WRITERS = 6;
  private static final int COMMITS_EACH = 40;
  private static final int READERS = 2;
  private static final Name ORIGIN = name("example.com.");

  @TempDir Path dir;

  @Test
  void everyCommitGetsItsOwnVersionAndReadersOnlySeeWholeChanges() throws Exception {
    Path db = dir.resolve("concurrent.db");
    Map<Long, Record> addedAt = new ConcurrentHashMap<>();
    List<String> finalState;
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
    try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
      store.commit(createZone("example.com."));
      CyclicBarrier start = new CyclicBarrier(WRITERS + READERS);
      AtomicBoolean writing = new AtomicBoolean(true);
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < COMMITS_EACH; i++) {
            Record r = a("w" + writer + "-" + i + ".example.com.", "192.0.2." + (i + 1));
            Change c = store.commit(ChangeSet.builder().add(r).build());
            assertThat(addedAt.put(c.version(), r)).as("version %d given twice", c.version()).isNull();
          }
          return null;
        }));
      }
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < READERS; r++) {
        readers.add(pool.submit(() -> {
          start.await();
          int looks = 0;
          long last = 0;
          // Runs at least once after the writers are done, so it also sees the final state.
          boolean more = true;
          while (more) {
            more = writing.get();
            ZoneTable table = store.zones();
            assertThat(table.version()).isGreaterThanOrEqualTo(last);
            last = table.version();
            Zone zone = table.get(ORIGIN);
            // Version 1 made the zone with SOA and NS; each later version added one record.
            assertThat(zone.recordCount()).isEqualTo(table.version() + 1);
            assertThat(zone.serial()).isEqualTo(table.version());
            List<Change> tail = store.changesSince(last - 1, 1000).orElseThrow();
            assertThat(tail).isNotEmpty();
            assertThat(tail.get(0).version()).isEqualTo(last);
            for (int i = 1; i < tail.size(); i++) {
              assertThat(tail.get(i).version()).isEqualTo(tail.get(i - 1).version() + 1);
            }
            looks++;
          }
          return looks;
        }));
      }
      for (Future<?> f : writers) {
        f.get(60, TimeUnit.SECONDS);
      }
      writing.set(false);
      for (Future<Integer> f : readers) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isPositive();
      }

      long total = 1 + WRITERS * COMMITS_EACH;
      assertThat(store.version()).isEqualTo(total);
      List<Change> log = store.changesSince(0, 10_000).orElseThrow();
      assertThat(log).hasSize((int) total);
      for (Change c : log.subList(1, log.size())) {
        assertThat(c.zones().get(0).added()).contains(addedAt.get(c.version()));
      }
      finalState = dump(store.zones());
    } finally {
      pool.shutdownNow();
    }
    try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
      assertThat(dump(store.zones())).isEqualTo(finalState);
    }
  }
}
