package dev.dnsd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** Per-packet warnings are limited per source and reason, with a count of what was held back. */
class RateLimitedLogTest {
  private final AtomicLong nanos = new AtomicLong();
  private final Lines lines = new Lines();
  private final RateLimitedLog log = new RateLimitedLog(lines, nanos::get, Duration.ofSeconds(10));

  /** A logger that keeps what it is given. */
  private static final class Lines extends AbstractLogger {
    final List<String> written = new ArrayList<>();

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String format, Object[] args, Throwable throwable) {
      written.add(level + " " + MessageFormatter.basicArrayFormat(format, args));
    }

    @Override public boolean isTraceEnabled() { return true; }
    @Override public boolean isTraceEnabled(Marker marker) { return true; }
    @Override public boolean isDebugEnabled() { return true; }
    @Override public boolean isDebugEnabled(Marker marker) { return true; }
    @Override public boolean isInfoEnabled() { return true; }
    @Override public boolean isInfoEnabled(Marker marker) { return true; }
    @Override public boolean isWarnEnabled() { return true; }
    @Override public boolean isWarnEnabled(Marker marker) { return true; }
    @Override public boolean isErrorEnabled() { return true; }
    @Override public boolean isErrorEnabled(Marker marker) { return true; }
  }

  @Test
  @DisplayName("5,000 bad packets from one source make two lines, then one line that counts the rest")
  void oneSource() throws Exception {
    InetAddress source = InetAddress.getByName("192.0.2.7");
    for (int i = 0; i < 5000; i++) {
      log.warn(source, "bad TSIG", "TSIG BADSIG from {}", source);
      nanos.addAndGet(1_000_000); // 5 s in all
    }
    assertThat(lines.written).hasSize(2);
    nanos.addAndGet(Duration.ofSeconds(10).toNanos());
    log.warn(source, "bad TSIG", "TSIG BADSIG from {}", source);
    assertThat(lines.written).hasSize(4);
    assertThat(lines.written.get(2)).isEqualTo("WARN ... and 4998 more 'bad TSIG' from 192.0.2.7 in the 10 s before");
    assertThat(lines.written.get(3)).isEqualTo("WARN TSIG BADSIG from /192.0.2.7");
  }

  @Test
  @DisplayName("another reason or another source has lines of its own; all sources together are capped")
  void manySources() throws Exception {
    InetAddress a = InetAddress.getByName("192.0.2.1");
    log.warn(a, "bad TSIG", "x");
    log.warn(a, "handshake", "y");
    assertThat(lines.written).hasSize(2);
    for (int i = 0; i < 1000; i++) {
      InetAddress other = InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i});
      log.error(other, "failed", "from {}", i);
    }
    assertThat(lines.written).hasSize(RateLimitedLog.ALL_SOURCES);
    nanos.addAndGet(Duration.ofSeconds(11).toNanos());
    log.warn(a, "bad TSIG", "x");
    assertThat(lines.written).contains("WARN ... 982 more warnings from all sources held back in the last 11 s");
  }
}
