package dev.dnsd.store;

import static dev.dnsd.TestRecords.ORIGIN;
import static dev.dnsd.TestRecords.a;
import static dev.dnsd.TestRecords.zoneRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.Await;
import dev.dnsd.zone.ZoneTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AbstractRecordStoreTest {
  /** A store with no log and nothing to close: the tests' stores differ only in how they persist. */
  private abstract static class StorelessStore extends AbstractRecordStore {
    StorelessStore() {
      super(ZoneTable.empty());
    }

    @Override
    protected void closeStorage() {}

    @Override
    public Optional<List<Change>> changesSince(long afterVersion, int limit) {
      return Optional.empty();
    }
  }

  /** A store whose durable write fails on demand. */
  private static final class FlakyStore extends StorelessStore {
    boolean failNext;
    final List<Change> persisted = new ArrayList<>();

    @Override
    protected void persist(List<Change> batch) {
      if (failNext) {
        failNext = false;
        throw new IllegalStateException("disk full");
      }
      persisted.addAll(batch);
    }
  }

  @Test
  @DisplayName("a commit that cannot be made durable changes nothing, and the next one takes its version")
  void persistFailure() {
    FlakyStore store = new FlakyStore();
    store.commit(ChangeSet.builder().createZone(ORIGIN, zoneRecords(ORIGIN, 1)).build());
    List<Change> heard = new ArrayList<>();
    store.subscribe((change, after) -> heard.add(change));
    ZoneTable before = store.zones();

    store.failNext = true;
    assertThatThrownBy(() -> store.commit(ChangeSet.builder().add(a("www", 1)).build()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("disk full");
    assertThat(store.zones()).isSameAs(before);
    assertThat(heard).isEmpty();

    Change next = store.commit(ChangeSet.builder().add(a("www", 2)).build());
    assertThat(next.version()).isEqualTo(2);
    assertThat(store.zones().get(ORIGIN).serial()).isEqualTo(2);
    assertThat(store.persisted).extracting(Change::version).containsExactly(1L, 2L);
    assertThat(heard).containsExactly(next);
  }

  /** A store whose next durable write waits at a gate, once {@link #hold} is called. */
  private static final class GatedStore extends StorelessStore {
    final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
    volatile CountDownLatch entered = new CountDownLatch(0);
    private volatile CountDownLatch gate = new CountDownLatch(0);

    /** The next write counts {@link #entered} down, then waits for {@link #release}. */
    void hold() {
      entered = new CountDownLatch(1);
      gate = new CountDownLatch(1);
    }

    void release() {
      gate.countDown();
    }

    @Override
    protected void persist(List<Change> batch) {
      batches.add(batch.size());
      entered.countDown();
      try {
        gate.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  @DisplayName("the commits that queue while one is written go in one batch, and each returns its own version")
  void groupCommit() throws Exception {
    GatedStore store = new GatedStore();
    store.commit(ChangeSet.builder().createZone(ORIGIN, zoneRecords(ORIGIN, 1)).build());
    store.hold();
    CompletableFuture<Change> first = new CompletableFuture<>();
    new Thread(() -> first.complete(store.commit(ChangeSet.builder().add(a("first", 1)).build()))).start();
    assertThat(store.entered.await(30, TimeUnit.SECONDS)).isTrue();
    List<Thread> threads = new ArrayList<>();
    List<CompletableFuture<Change>> queued = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CompletableFuture<Change> f = new CompletableFuture<>();
      String owner = "queued" + i;
      Thread t = new Thread(() -> f.complete(store.commit(ChangeSet.builder().add(a(owner, 1)).build())));
      t.start();
      threads.add(t);
      queued.add(f);
    }
    Await.until("the three commits waiting for the one being written", Duration.ofSeconds(30),
        () -> threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING));

    store.release();
    assertThat(first.get(30, TimeUnit.SECONDS).version()).isEqualTo(2);
    List<Long> versions = new ArrayList<>();
    for (CompletableFuture<Change> f : queued) {
      versions.add(f.get(30, TimeUnit.SECONDS).version());
    }
    assertThat(versions).containsExactlyInAnyOrder(3L, 4L, 5L);
    assertThat(store.batches).as("batch sizes: the zone, the commit held, the three queued").containsExactly(1, 1, 3);
    assertThat(store.zones().version()).isEqualTo(5);
  }
  @Test
  @DisplayName("listeners hear each commit of a batch in version order, then the end of the batch once")
  void endOfBatch() throws Exception {
    GatedStore store = new GatedStore();
    store.commit(ChangeSet.builder().createZone(ORIGIN, zoneRecords(ORIGIN, 1)).build());
    List<String> heard = Collections.synchronizedList(new ArrayList<>());
    store.subscribe(new ChangeListener() {
      @Override
      public void committed(Change change, ZoneTable after) {
        heard.add("v" + change.version());
      }

      @Override
      public void endOfBatch() {
        heard.add("end");
      }
    });
    store.hold();
    Thread held = new Thread(() -> store.commit(ChangeSet.builder().add(a("first", 1)).build()));
    held.start();
    assertThat(store.entered.await(30, TimeUnit.SECONDS)).isTrue();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String owner = "queued" + i;
      Thread t = new Thread(() -> store.commit(ChangeSet.builder().add(a(owner, 1)).build()));
      t.start();
      threads.add(t);
    }
    Await.until("the three commits waiting for the one being written", Duration.ofSeconds(30),
        () -> threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
    store.release();
    held.join(30_000);
    for (Thread t : threads) {
      t.join(30_000);
    }
    store.commit(ChangeSet.builder().add(a("unchanged", 1)).build());
    store.commit(ChangeSet.builder().add(a("unchanged", 1)).build()); // changes nothing: nothing told

    assertThat(store.batches).containsExactly(1, 1, 3, 1);
    assertThat(heard).containsExactly("v2", "end", "v3", "v4", "v5", "end", "v6", "end");
  }
}
