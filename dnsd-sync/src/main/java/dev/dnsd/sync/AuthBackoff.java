package dev.dnsd.sync;

import dev.dnsd.internal.ClientPrefix;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows down a source that fails to authenticate: after each failure its next connections are
 * refused at once for a while, 250 ms after the first failure, doubling up to a minute, so a
 * brute force gets a few tries a minute instead of thousands a second. A success forgets the
 * source. Counted per /32 (IPv4) or /64 (IPv6); the least recently failed sources are forgotten
 * first when many fail. Thread-safe.
 */
final class AuthBackoff {
  static final Duration FIRST = Duration.ofMillis(250);
  static final Duration MAX = Duration.ofMinutes(1);
  private static final int MAX_TRACKED = 4096;

  private record State(int failures, long until) {}

  private final Map<Long, State> sources =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, State> eldest) {
          return size() > MAX_TRACKED;
        }
      };

  /** Whether connections from this source are held off now. */
  synchronized boolean holdsOff(InetAddress source, long nowNanos) {
    State s = sources.get(key(source));
    return s != null && nowNanos - s.until() < 0;
  }

  /** A failed authentication: the source is held off for longer than after its last failure. */
  synchronized void failed(InetAddress source, long nowNanos) {
    long key = key(source);
    State old = sources.get(key);
    int failures = old == null ? 1 : Math.min(old.failures() + 1, 30);
    long delay = Math.min(MAX.toNanos(), FIRST.toNanos() << Math.min(failures - 1, 20));
    sources.put(key, new State(failures, nowNanos + delay));
  }

  synchronized void succeeded(InetAddress source) {
    sources.remove(key(source));
  }

  private static long key(InetAddress source) {
    return ClientPrefix.of(source, 32, 64);
  }
}
