package dev.dnsd.sync;

import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeListener;
import dev.dnsd.store.RecordStore;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one secondary what it lacks, then every commit as it happens. It subscribes to the store
 * first: the subscription's initial table is the state the first queued change follows, so the
 * catch-up (from the log, or a snapshot of exactly that table) meets the live stream without a gap
 * or an overlap.
 *
 * <p>A thread of the stream's own sends the catch-up and the changes queued meanwhile; once it
 * finds the queue empty the stream is live and the thread ends: from then on the committing thread
 * sends the changes itself, those of one durable write of the store together at its end, with no
 * thread to wake on the way (the socket takes them at once, or the connection's loop writes them
 * later). Either way a secondary that
 * falls more than the most changes held behind is disconnected, to catch up from the log later.
 */
final class ChangeStream {
  private static final Logger log = LoggerFactory.getLogger(ChangeStream.class);
  private static final Object END = new Object();
  private static final Object OVERFLOW = new Object();
  private static final int PAGE = 1000;

  private final String peer;
  private final LoopChannel channel;
  private final RecordStore store;
  private final String primaryId;
  private final int maxQueued;
  private final Frames frames;
  private final Runnable onSnapshot;
  private final Object lock = new Object();
  /** Changes that came while the stream was catching up; guarded by {@link #lock}. */
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  /** Caught up: the committing thread sends each change; guarded by {@link #lock}. */
  private boolean live;
  /**
   * The frames of the changes of the store's batch being told, sent together at its end; guarded
   * by {@link #lock}.
   */
  private final List<byte[]> batch = new ArrayList<>();
  /** Closed, or failed: nothing more is sent; guarded by {@link #lock}. */
  private boolean ended;
  private final RecordStore.Subscription subscription;

  /** Each change encoded once for every secondary's stream: the listeners hear of it in turn. */
  static final class Frames {
    private @Nullable Change last;
    private byte[] frame = new byte[0];

    synchronized byte[] of(Change change) throws IOException {
      if (change != last) {
        frame = LoopChannel.frame(Protocol.CHANGE, Codec.change(change));
        last = change;
      }
      return frame;
    }
  }

  ChangeStream(
      String peer, LoopChannel channel, RecordStore store, String primaryId, int maxQueued, Frames frames,
      Runnable onSnapshot) {
    this.onSnapshot = onSnapshot;
    this.peer = peer;
    this.channel = channel;
    this.store = store;
    this.primaryId = primaryId;
    this.maxQueued = maxQueued;
    this.frames = frames;
    // Runs on the committing thread, under the store's writer lock: never blocks.
    this.subscription = store.subscribe(new ChangeListener() {
      @Override
      public void committed(Change change, ZoneTable after) {
        ChangeStream.this.committed(change);
      }

      @Override
      public void endOfBatch() {
        sendBatch();
      }
    });
  }

  private void committed(Change change) {
    synchronized (lock) {
      if (ended) {
        return;
      }
      if (!live) {
        if (queue.size() >= maxQueued) {
          queue.clear();
          queue.add(OVERFLOW);
        } else {
          queue.add(change);
        }
        lock.notifyAll();
        return;
      }
      if (channel.queuedFrames() + batch.size() >= maxQueued) {
        overflow();
        return;
      }
      try {
        batch.add(frames.of(change));
      } catch (IOException | RuntimeException e) {
        log.error("could not encode change {} for secondary {}", change.version(), peer, e);
        end();
      }
    }
  }

  /**
   * Sends the changes of the store's batch in one write: the secondary wakes once for them, and
   * applies them in one commit of its own as it would have anyway.
   */
  private void sendBatch() {
    synchronized (lock) {
      if (batch.isEmpty()) {
        return;
      }
      try {
        if (!ended) {
          channel.sendNow(batch);
        }
      } catch (IOException | RuntimeException e) {
        // The connection's reader logs why it ended.
        end();
      } finally {
        batch.clear();
      }
    }
  }

  void start(String knownId, long after) {
    Thread sender = new Thread(() -> run(knownId, after), "dnsd-sync-stream " + peer);
    sender.setDaemon(true);
    sender.start();
  }

  private void run(String knownId, long after) {
    try {
      ZoneTable initial = subscription.initial();
      long base = initial.version();
      boolean sameHistory = knownId.equals(primaryId);
      if (!sameHistory || after > base || !catchUp(after, base)) {
        if (sameHistory && after > base) {
          log.warn("secondary {} is at version {}, ahead of this primary's {}; sending all zones", peer, after, base);
        }
        snapshot(initial);
      }
      while (true) {
        Object item;
        synchronized (lock) {
          item = queue.poll();
          if (item == null) {
            // What was queued is on its way (each send above queued it on the connection, in
            // order), so the committing threads may send what follows.
            live = !ended;
            return;
          }
        }
        if (item == END) {
          return;
        }
        if (item == OVERFLOW) {
          synchronized (lock) {
            overflow();
          }
          return;
        }
        channel.send(Protocol.CHANGE, Codec.change((Change) item), false);
      }
    } catch (IOException e) {
      // The connection's reader logs why it ended.
      synchronized (lock) {
        end();
      }
    } catch (RuntimeException e) {
      log.error("stream to secondary {} failed", peer, e);
      synchronized (lock) {
        end();
      }
    }
  }

  /** Disconnects a secondary too far behind; it catches up from the log when it reconnects. */
  private void overflow() {
    log.warn("secondary {} fell more than {} changes behind; disconnecting it to catch up from the log", peer, maxQueued);
    try {
      // Never waits (this may run under the store's lock); the close may well come first.
      channel.sendNow(LoopChannel.frame(Protocol.ERROR,
          new WireWriter().u32(0).u8(SyncException.Reason.OVERLOADED.code).string("too far behind; reconnect to catch up")));
    } catch (IOException e) {
      // Gone already.
    }
    end();
  }

  /** Sends nothing more and closes the connection; under {@link #lock}. */
  private void end() {
    ended = true;
    queue.clear();
    batch.clear();
    subscription.close();
    channel.close();
  }

  /** Sends the logged changes after {@code after} up to {@code base}; false when the log does not reach. */
  private boolean catchUp(long after, long base) throws IOException {
    long at = after;
    while (at < base) {
      Optional<List<Change>> page = store.changesSince(at, PAGE);
      if (page.isEmpty() || page.get().isEmpty()) {
        return false;
      }
      for (Change change : page.get()) {
        if (change.version() > base) {
          return true;
        }
        if (change.version() != at + 1) {
          log.warn("change log skips from {} to {}; sending all zones", at, change.version());
          return false;
        }
        channel.send(Protocol.CHANGE, Codec.change(change), false);
        at = change.version();
      }
    }
    return true;
  }

  private void snapshot(ZoneTable table) throws IOException {
    List<Zone> zones = table.zones();
    channel.send(
        Protocol.SNAPSHOT_BEGIN,
        new WireWriter().string(primaryId).u64(table.version()).u32(zones.size()),
        false);
    for (Zone zone : zones) {
      List<org.xbill.DNS.Record> records = zone.records();
      int from = 0;
      do {
        int to = Math.min(records.size(), from + Protocol.SNAPSHOT_PART_RECORDS);
        WireWriter w = new WireWriter().name(zone.origin()).u8(to == records.size() ? 1 : 0);
        w.records(records.subList(from, to));
        channel.send(Protocol.SNAPSHOT_ZONE, w, false);
        from = to;
      } while (from < records.size());
    }
    channel.send(Protocol.SNAPSHOT_END, new WireWriter(), true);
    onSnapshot.run();
    log.info("sent all {} zone(s) at version {} to secondary {}", zones.size(), table.version(), peer);
  }

  /** The connection ended: the stream ends too. */
  void close() {
    synchronized (lock) {
      ended = true;
      subscription.close();
      queue.clear();
      batch.clear();
      queue.add(END);
    }
  }
}
