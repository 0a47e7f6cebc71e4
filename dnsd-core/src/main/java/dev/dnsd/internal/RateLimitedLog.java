package dev.dnsd.internal;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Warnings about what the network sends (a bad TSIG, a failed handshake, a broken protocol), at
 * most a few per source and reason in each window, with a count of what was held back: a flood of
 * bad packets must not become a flood of log lines.
 *
 * <pre>{@code
 * private static final RateLimitedLog WARNINGS = new RateLimitedLog(log);
 * WARNINGS.warn(client.getAddress(), "bad TSIG", "TSIG {} from {} for key {}: refused", error, client, key);
 * // ... then at most once per window for that source and reason:
 * // "... and 4211 more 'bad TSIG' from 192.0.2.7 in the 10 s before"
 * }</pre>
 *
 * <p>Sources are counted by /32 (IPv4) and /64 (IPv6); besides the limit per source, all sources
 * together get a limit per window, so that many sources (or spoofed ones) cannot flood either.
 * Memory is bounded: the least recently seen sources are forgotten first. Thread-safe.
 */
public final class RateLimitedLog {
  /** The window a source's lines are counted in. */
  public static final Duration WINDOW = Duration.ofSeconds(10);
  /** Lines per source and reason per window. */
  static final int PER_SOURCE = 2;
  /** Lines for all sources together per window. */
  static final int ALL_SOURCES = 20;
  static final int MAX_TRACKED = 4096;

  private final Logger log;
  private final LongSupplier nanoClock;
  private final long windowNanos;
  private final Map<Key, Counts> sources =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Counts> eldest) {
          return size() > MAX_TRACKED;
        }
      };
  private long globalStart;
  private int globalLines;
  private long globalSuppressed;

  private record Key(long prefix, String reason) {}

  private static final class Counts {
    long windowStart;
    int lines;
    long suppressed;
  }

  /**
   * Limits the lines that packets make one logger write.
   *
   * @param log where the lines go
   */
  public RateLimitedLog(Logger log) {
    this(log, System::nanoTime, WINDOW);
  }

  /** With a clock of nanoseconds and a window of its own: for tests. */
  RateLimitedLog(Logger log, LongSupplier nanoClock, Duration window) {
    this.log = log;
    this.nanoClock = nanoClock;
    this.windowNanos = window.toNanos();
    this.globalStart = nanoClock.getAsLong();
  }

  /**
   * Logs at WARN, unless this source has had its lines for this reason in this window.
   *
   * @param source the client whose packet this is about
   * @param reason what went wrong, the key lines are counted under
   * @param format an SLF4J format
   * @param args its arguments
   */
  public void warn(InetAddress source, String reason, String format, Object... args) {
    if (log.isWarnEnabled()) {
      log(false, source, reason, format, args);
    }
  }

  /**
   * Logs at ERROR (a failure of ours that a packet set off, with its stack trace as the last
   * argument), under the same limits as {@link #warn}.
   *
   * @param source the client whose packet this is about
   * @param reason what went wrong, the key lines are counted under
   * @param format an SLF4J format
   * @param args its arguments, the exception last
   */

  public void error(InetAddress source, String reason, String format, Object... args) {
    if (log.isErrorEnabled()) {
      log(true, source, reason, format, args);
    }
  }

  private void log(boolean error, InetAddress source, String reason, String format, Object... args) {
    String summary = null;
    long held = 0;
    boolean emit;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      Key key = new Key(ClientPrefix.of(source, 32, 64), reason);
      Counts c = sources.computeIfAbsent(key, k -> new Counts());
      if (c.lines == 0 && c.suppressed == 0) {
        c.windowStart = now;
      } else if (now - c.windowStart >= windowNanos) {
        held = c.suppressed;
        c.windowStart = now;
        c.lines = 0;
        c.suppressed = 0;
      }
      if (now - globalStart >= windowNanos) {
        if (globalSuppressed > 0) {
          summary = globalSuppressed + " more warnings from all sources held back in the last "
              + seconds(now - globalStart);
        }
        globalStart = now;
        globalLines = 0;
        globalSuppressed = 0;
      }
      boolean sourceFull = c.lines >= PER_SOURCE;
      emit = !sourceFull && globalLines < ALL_SOURCES;
      if (emit) {
        c.lines++;
        globalLines++;
      } else if (sourceFull) {
        c.suppressed++;
      } else {
        globalSuppressed++;
      }
    }
    if (summary != null) {
      log.warn("... {}", summary);
    }
    if (held > 0) {
      log.warn("... and {} more '{}' from {} in the {} before", held, reason, source.getHostAddress(), seconds(windowNanos));
    }
    if (emit) {
      if (error) {
        log.error(format, args);
      } else {
        log.warn(format, args);
      }
    }
  }

  private static String seconds(long nanos) {
    return Math.max(1, Math.round(nanos / 1e9)) + " s";
  }
}
