package dev.dnsd.store;

import static dev.dnsd.store.Fixtures.ORIGIN;
import static dev.dnsd.store.Fixtures.a;
import static dev.dnsd.store.Fixtures.name;
import static dev.dnsd.store.Fixtures.zoneRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.zone.RRset;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

class InMemoryRecordStoreTest {
  private InMemoryRecordStore store;
  private ExecutorService pool;

  @BeforeEach
  void setUp() {
    store = new InMemoryRecordStore(50);
    store.commit(ChangeSet.builder().createZone(ORIGIN, zoneRecords(ORIGIN, 1)).build());
    pool = Executors.newFixedThreadPool(4);
  }

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
    store.close();
  }

  private Change addHost(int i) {
    return store.commit(ChangeSet.builder().add(a("h" + i, i)).build());
  }

  @Test
  @DisplayName("versions increase by one per commit, with no gaps, and zones() carries the last")
  void versions() {
    assertThat(store.version()).isEqualTo(1);
    for (int i = 0; i < 5; i++) {
      assertThat(addHost(i).version()).isEqualTo(2 + i);
    }
    assertThat(store.zones().version()).isEqualTo(6);
    assertThat(store.changesSince(0, 100).orElseThrow()).extracting(Change::version).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
  }

  @Test
  @DisplayName("changesSince answers from the log, honours the limit, and says when history is gone")
  void changesSince() {
    for (int i = 0; i < 60; i++) {
      addHost(i);
    }
    long current = store.version(); // 61; the log keeps versions 12..61
    assertThat(store.changesSince(current, 10)).contains(List.of());
    assertThat(store.changesSince(current - 3, 10).orElseThrow()).extracting(Change::version).containsExactly(59L, 60L, 61L);
    assertThat(store.changesSince(20, 2).orElseThrow()).extracting(Change::version).containsExactly(21L, 22L);
    assertThat(store.changesSince(11, 100).orElseThrow()).hasSize(50);
    assertThat(store.changesSince(10, 100)).as("version 11 is no longer kept").isEmpty();
    assertThat(store.changesSince(current + 1, 10)).as("a version this store never had").isEmpty();
  }

  @Test
  @DisplayName("a store that keeps no history sends everyone to a full transfer")
  void noHistory() {
    InMemoryRecordStore bare = new InMemoryRecordStore(0);
    bare.commit(ChangeSet.builder().createZone(ORIGIN, zoneRecords(ORIGIN, 1)).build());
    assertThat(bare.changesSince(0, 10)).isEmpty();
    assertThat(bare.changesSince(1, 10)).contains(List.of());
    bare.close();
  }

  @Test
  @DisplayName("commits after close fail; close is idempotent")
  void closed() {
    store.close();
    store.close();
    assertThatThrownBy(() -> addHost(1)).isInstanceOf(StoreException.class);
  }

  @Test
  @DisplayName("subscribe gives an initial table with no gap to the first change heard")
  void subscribeWithoutGap() throws Exception {
    int commits = 300;
    CountDownLatch halfway = new CountDownLatch(1);
    Future<?> writer =
        pool.submit(() -> {
          for (int i = 0; i < commits; i++) {
            addHost(i);
            if (i == commits / 2) {
              halfway.countDown();
            }
          }
        });
    halfway.await();
    List<Long> heard = Collections.synchronizedList(new ArrayList<>());
    List<ZoneTable> tables = Collections.synchronizedList(new ArrayList<>());
    RecordStore.Subscription sub = store.subscribe((change, after) -> {
      heard.add(change.version());
      tables.add(after);
    });
    writer.get();
    sub.close();
    addHost(commits);

    long first = sub.initial().version() + 1;
    List<Long> expected = new ArrayList<>();
    for (long v = first; v <= commits + 1; v++) {
      expected.add(v);
    }
    assertThat(heard).isEqualTo(expected);
    assertThat(tables).extracting(ZoneTable::version).isEqualTo(expected);
    // The initial table and the first change join up: it holds exactly the hosts before.
    int hostsInInitial = sub.initial().get(ORIGIN).recordCount() - 2;
    assertThat(hostsInInitial).isEqualTo(first - 2);
  }

  @Test
  @DisplayName("a failing listener is logged, and neither the commit nor other listeners suffer")
  void failingListener() {
    List<Long> heard = new ArrayList<>();
    store.subscribe((change, after) -> {
      throw new IllegalStateException("listener bug");
    });
    store.subscribe((change, after) -> heard.add(change.version()));
    assertThat(addHost(1).version()).isEqualTo(2);
    assertThat(heard).containsExactly(2L);
  }

  @Test
  @DisplayName("a listener may not commit: it would hear later changes before earlier ones")
  void listenerCannotCommit() {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    store.subscribe((change, after) -> {
      if (change.version() == 2) {
        try {
          addHost(99);
        } catch (RuntimeException e) {
          failure.set(e);
        }
      }
    });
    addHost(1);
    assertThat(failure.get()).isInstanceOf(IllegalStateException.class);
    assertThat(store.version()).isEqualTo(2);
  }

  @Test
  @DisplayName("concurrent commits from several threads all land with distinct consecutive versions")
  void concurrentCommits() throws Exception {
    int threads = 4;
    int each = 150;
    ConcurrentLinkedQueue<Long> versions = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      futures.add(
          pool.submit(() -> {
            start.await();
            for (int i = 0; i < each; i++) {
              versions.add(addHost(thread * each + i).version());
            }
            return null;
          }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get();
    }
    int total = threads * each;
    assertThat(versions).doesNotHaveDuplicates().hasSize(total);
    assertThat(versions.stream().mapToLong(Long::longValue).min().orElseThrow()).isEqualTo(2);
    assertThat(versions.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(total + 1);
    Zone zone = store.zones().get(ORIGIN);
    assertThat(zone.recordCount()).isEqualTo(total + 2);
    assertThat(zone.serial()).isEqualTo(1 + total);
  }

  @Test
  @DisplayName("readers never see half a change")
  void readersSeeWholeChanges() throws Exception {
    // Every change set adds one record at "left" and one at "right" and bumps the serial once,
    // so in any whole snapshot left and right are the same size and the serial tells that size.
    int writers = 2;
    int each = 200;
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int base = w * each;
      futures.add(
          pool.submit(() -> {
            for (int i = base; i < base + each; i++) {
              store.commit(ChangeSet.builder().add(a("left", i)).add(a("right", i)).build());
            }
          }));
    }
    Future<Integer> reader =
        pool.submit(() -> {
          int snapshots = 0;
          do {
            Zone zone = store.zones().get(ORIGIN);
            RRset left = zone.rrset(name("left"), Type.A);
            RRset right = zone.rrset(name("right"), Type.A);
            int l = left == null ? 0 : left.records().size();
            int r = right == null ? 0 : right.records().size();
            if (l != r || zone.serial() != 1 + l || zone.recordCount() != 2 + l + r) {
              throw new AssertionError("half a change: left " + l + ", right " + r + ", serial " + zone.serial());
            }
            snapshots++;
          } while (writing.get());
          return snapshots;
        });
    for (Future<?> f : futures) {
      f.get();
    }
    writing.set(false);
    assertThat(reader.get()).isPositive();
    assertThat(store.zones().get(ORIGIN).rrset(name("left"), Type.A).records()).hasSize(writers * each);
  }
}
