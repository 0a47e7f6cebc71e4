package dev.dnsd.sync;

import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.RecordStore;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Applies what a primary sends into the secondary's store, on its own thread, so that receiving
 * (and answering queries) goes on while a large catch-up is committed. Changes that arrived
 * together are committed as one change set, so a query sees the state after some whole number of
 * the primary's changes, never part of one.
 *
 * <p>The primary version applied is stored with the data it belongs to ({@link
 * Protocol#APPLIED_KEY} metadata in the same commit), so a crash can never leave a change applied
 * but unrecorded: after a restart the secondary asks for exactly what it lacks.
 */
final class SecondaryApplier implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(SecondaryApplier.class);
  private static final int MAX_BATCH = 1000;

  sealed interface Item {}

  record ChangeItem(String primaryId, Change change) implements Item {}

  record SnapshotItem(String primaryId, long version, Map<Name, List<Record>> zones) implements Item {}

  private record Stop() implements Item {}

  private final RecordStore store;
  /** The only way this applier's changes reach the store, which refuses everyone else's. */
  private final RecordStore.Committer committer;
  private final Runnable disconnect;
  /** Who the audit log says made this applier's commits. */
  private final String origin;
  private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>(10_000);
  private final Object state = new Object();
  // Written by the applier thread only; read by others.
  private volatile String primaryId;
  private volatile long applied;
  private volatile boolean resyncNeeded;
  private volatile @Nullable FrameChannel ackTo;
  private boolean busy;

  /**
   * @param committer the store's reservation ({@link RecordStore#reserve}), through which alone
   *     the primary's changes are committed
   * @param origin what the audit log names as the maker of the commits
   * @param disconnect ends the current connection, so that the next one asks for everything
   */
  SecondaryApplier(RecordStore store, RecordStore.Committer committer, String origin, Runnable disconnect) {
    this.store = store;
    this.committer = committer;
    this.origin = origin;
    this.disconnect = disconnect;
    String saved = store.meta(Protocol.APPLIED_KEY);
    String id = "";
    long version = 0;
    if (saved != null) {
      int space = saved.lastIndexOf(' ');
      try {
        id = saved.substring(0, space);
        version = Long.parseLong(saved.substring(space + 1));
      } catch (RuntimeException e) {
        log.warn("unreadable sync state '{}' in the store; will copy all zones from the primary", saved);
        id = "";
        version = 0;
      }
    }
    this.primaryId = id;
    this.applied = version;
  }

  String primaryId() {
    return resyncNeeded ? "" : primaryId;
  }

  long applied() {
    return applied;
  }

  void ackTo(@Nullable FrameChannel channel) {
    ackTo = channel;
  }

  void put(Item item) throws InterruptedException {
    queue.put(item);
  }

  void stop() {
    queue.clear();
    queue.offer(new Stop());
  }

  /** Returns once everything received so far is applied (or failed). */
  void awaitIdle() throws InterruptedException {
    synchronized (state) {
      while (busy || !queue.isEmpty()) {
        state.wait(100);
      }
    }
  }

  boolean awaitVersion(long version, Duration timeout) throws InterruptedException {
    return await(() -> applied >= version, timeout);
  }

  /**
   * Waits until the condition holds, checking it whenever a change is applied or {@link #wake()}
   * is called.
   *
   * @return false when the timeout passed first
   */
  boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (state) {
      while (!condition.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        state.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  /** Has {@link #await} check its condition again: something it reads besides the store changed. */
  void wake() {
    synchronized (state) {
      state.notifyAll();
    }
  }

  @Override
  public void run() {
    while (true) {
      Item first;
      try {
        first = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (first instanceof Stop) {
        return;
      }
      synchronized (state) {
        busy = true;
      }
      try {
        if (first instanceof SnapshotItem s) {
          applySnapshot(s);
        } else if (!resyncNeeded) {
          List<ChangeItem> batch = new ArrayList<>();
          batch.add((ChangeItem) first);
          while (batch.size() < MAX_BATCH && queue.peek() instanceof ChangeItem) {
            batch.add((ChangeItem) queue.poll());
          }
          applyChanges(batch);
        }
      } catch (RuntimeException e) {
        log.error("could not apply the primary's changes; asking it for all zones", e);
        resync();
      } finally {
        synchronized (state) {
          busy = false;
          state.notifyAll();
        }
      }
    }
  }

  private void applyChanges(List<ChangeItem> batch) {
    ChangeSet.Builder b = ChangeSet.builder().origin(origin);
    String id = primaryId;
    long version = applied;
    for (ChangeItem item : batch) {
      Change change = item.change();
      if (change.version() <= version && item.primaryId().equals(id)) {
        continue; // sent again after a reconnect; applied already
      }
      if (!item.primaryId().equals(id) || change.version() != version + 1) {
        log.warn(
            "change {} of primary {} does not follow version {} of {}; asking for all zones",
            change.version(), item.primaryId(), version, id);
        resync();
        return;
      }
      for (ChangeSet.Op op : ChangeSet.replaying(change).ops()) {
        b.op(op);
      }
      version = change.version();
    }
    if (version == applied) {
      return;
    }
    committer.commit(b.meta(Protocol.APPLIED_KEY, id + " " + version).build());
    applied(id, version);
  }

  private void applySnapshot(SnapshotItem s) {
    ZoneTable local = store.zones();
    ChangeSet.Builder b = ChangeSet.builder().origin(origin + " (all zones)");
    Set<Name> incoming = new HashSet<>();
    for (Map.Entry<Name, List<Record>> e : s.zones().entrySet()) {
      Name origin = e.getKey();
      incoming.add(origin);
      Zone existing = local.get(origin);
      if (existing != null && sameRecords(existing.records(), e.getValue())) {
        continue;
      }
      if (existing != null) {
        // Delete, then create: replacing in place would add an SOA serial increment of our own.
        b.deleteZone(origin);
      }
      b.replaceZone(origin, e.getValue());
    }
    for (Zone zone : local.zones()) {
      if (!incoming.contains(zone.origin())) {
        b.deleteZone(zone.origin());
      }
    }
    committer.commit(b.meta(Protocol.APPLIED_KEY, s.primaryId() + " " + s.version()).build());
    resyncNeeded = false;
    log.info("copied all {} zone(s) of primary {} at version {}", s.zones().size(), s.primaryId(), s.version());
    applied(s.primaryId(), s.version());
  }

  private void applied(String id, long version) {
    synchronized (state) {
      primaryId = id;
      applied = version;
      state.notifyAll();
    }
    FrameChannel channel = ackTo;
    if (channel != null) {
      try {
        channel.send(Protocol.ACK, new WireWriter().u64(version));
      } catch (java.io.IOException e) {
        // The connection is ending; the next SUBSCRIBE tells the primary where we are.
      }
    }
  }

  private void resync() {
    resyncNeeded = true;
    queue.clear();
    disconnect.run();
  }

  private static boolean sameRecords(List<Record> a, List<Record> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).equals(b.get(i)) || a.get(i).getTTL() != b.get(i).getTTL()) {
        return false;
      }
    }
    return true;
  }
}
