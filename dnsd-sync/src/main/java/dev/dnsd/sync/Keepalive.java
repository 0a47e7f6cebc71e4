package dev.dnsd.sync;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends PING on a connection every interval, so that the other side, which counts a connection
 * silent for {@link Protocol#DEAD_AFTER_INTERVALS} intervals as dead, keeps it.
 */
final class Keepalive {
  // One timer thread for every connection in the JVM; the sends run apart from it, because a
  // send to a peer that stopped reading blocks until that connection is closed, and must not
  // hold back the pings of the others.
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(daemon("dnsd-sync-keepalive"));
  private static final ExecutorService SENDERS = Executors.newCachedThreadPool(daemon("dnsd-sync-ping"));

  private Keepalive() {}

  /** Starts pinging; cancel the returned future when the connection ends. */
  static ScheduledFuture<?> start(FrameSink channel, Duration interval) {
    long ms = interval.toMillis();
    AtomicBoolean inFlight = new AtomicBoolean();
    Runnable ping =
        () -> {
          try {
            channel.send(Protocol.PING, new WireWriter());
          } catch (IOException | RuntimeException e) {
            // A send that fails means the connection is ending; its reader notices.
          } finally {
            inFlight.set(false);
          }
        };
    return TIMER.scheduleAtFixedRate(
        () -> {
          if (!channel.isClosed() && inFlight.compareAndSet(false, true)) {
            SENDERS.execute(ping);
          }
        },
        ms,
        ms,
        TimeUnit.MILLISECONDS);
  }

  /** The read timeout that declares the peer dead. */
  static int deadAfterMillis(Duration interval) {
    return (int) Math.min(Integer.MAX_VALUE, interval.toMillis() * Protocol.DEAD_AFTER_INTERVALS);
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
