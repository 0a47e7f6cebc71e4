package dev.dnsd.sync;

import dev.dnsd.store.Change;
import dev.dnsd.store.RecordStore;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one secondary what it lacks, then every commit as it happens. It subscribes to the store
 * first: the subscription's initial table is the state the first queued change follows, so the
 * catch-up (from the log, or a snapshot of exactly that table) meets the live stream without a gap
 * or an overlap.
 */
final class ChangeStream {
  private static final Logger log = LoggerFactory.getLogger(ChangeStream.class);
  private static final Object END = new Object();
  private static final Object OVERFLOW = new Object();
  private static final int PAGE = 1000;

  private final String peer;
  private final FrameSink channel;
  private final RecordStore store;
  private final String primaryId;
  private final int maxQueued;
  private final Runnable onSnapshot;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final RecordStore.Subscription subscription;

  ChangeStream(String peer, FrameSink channel, RecordStore store, String primaryId, int maxQueued, Runnable onSnapshot) {
    this.onSnapshot = onSnapshot;
    this.peer = peer;
    this.channel = channel;
    this.store = store;
    this.primaryId = primaryId;
    this.maxQueued = maxQueued;
    // Runs on the committing thread: only queue, never block or write.
    this.subscription =
        store.subscribe(
            (change, after) -> {
              if (queue.size() >= maxQueued) {
                queue.clear();
                queue.add(OVERFLOW);
              } else {
                queue.add(change);
              }
            });
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
        Object item = queue.poll();
        if (item == null) {
          channel.flush();
          item = queue.take();
        }
        if (item == END) {
          return;
        }
        if (item == OVERFLOW) {
          log.warn("secondary {} fell more than {} changes behind; disconnecting it to catch up from the log", peer, maxQueued);
          channel.sendError(0, SyncException.Reason.OVERLOADED, "too far behind; reconnect to catch up");
          channel.close();
          return;
        }
        channel.send(Protocol.CHANGE, Codec.change((Change) item), false);
      }
    } catch (IOException e) {
      // The connection's reader logs why it ended.
      channel.close();
    } catch (InterruptedException e) {
      channel.close();
    } catch (RuntimeException e) {
      log.error("stream to secondary {} failed", peer, e);
      channel.close();
    } finally {
      subscription.close();
    }
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

  void close() {
    subscription.close();
    queue.clear();
    queue.add(END);
  }
}
