package dev.dnsd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.RateLimit;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The accounts of response rate limiting, on a clock the test moves. */
class RateLimiterTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private RateLimiter limiter(int rate, int slip, int windowSeconds) {
    RateLimit config =
        RateLimit.builder().responsesPerSecond(rate).slip(slip).window(Duration.ofSeconds(windowSeconds)).build();
    return new RateLimiter(config, nanos::get);
  }

  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  private static List<Integer> verdicts(RateLimiter r, InetAddress client, int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(r.check(client, RateLimiter.POSITIVE, 42));
    }
    return out;
  }

  @Test
  @DisplayName("a second's worth is sent, then every second limited answer slips and the others drop")
  void rateThenSlip() throws Exception {
    RateLimiter r = limiter(5, 2, 15);
    List<Integer> v = verdicts(r, ip("192.0.2.1"), 11);
    assertThat(v.subList(0, 5)).containsOnly(RateLimiter.SEND);
    assertThat(v.subList(5, 11))
        .containsExactly(RateLimiter.DROP, RateLimiter.SLIP, RateLimiter.DROP, RateLimiter.SLIP,
            RateLimiter.DROP, RateLimiter.SLIP);
  }

  @Test
  @DisplayName("slip 0 drops every limited answer; slip 1 sends each with TC")
  void slipZeroAndOne() throws Exception {
    assertThat(verdicts(limiter(1, 0, 15), ip("192.0.2.1"), 4)).containsExactly(
        RateLimiter.SEND, RateLimiter.DROP, RateLimiter.DROP, RateLimiter.DROP);
    assertThat(verdicts(limiter(1, 1, 15), ip("192.0.2.1"), 4)).containsExactly(
        RateLimiter.SEND, RateLimiter.SLIP, RateLimiter.SLIP, RateLimiter.SLIP);
  }

  @Test
  @DisplayName("a flood sinks the account to the window's depth; it is answered again a window after it stops")
  void windowIsTheRecovery() throws Exception {
    RateLimiter r = limiter(10, 0, 3);
    InetAddress client = ip("192.0.2.1");
    for (int second = 0; second < 5; second++) {
      verdicts(r, client, 100);
      nanos.addAndGet(1_000_000_000L);
    }
    nanos.addAndGet(2_000_000_000L); // 3 s after the flood: -30 + 3 x 10 = 0
    assertThat(r.check(client, RateLimiter.POSITIVE, 42)).as("just back at zero, less one").isEqualTo(RateLimiter.DROP);
    nanos.addAndGet(1_000_000_000L);
    assertThat(r.check(client, RateLimiter.POSITIVE, 42)).isEqualTo(RateLimiter.SEND);
  }

  @Test
  @DisplayName("clients count by /24 (IPv4) and /56 (IPv6); kinds and names have accounts of their own")
  void accounts() throws Exception {
    RateLimiter r = limiter(1, 0, 15);
    assertThat(r.check(ip("192.0.2.1"), RateLimiter.POSITIVE, 1)).isEqualTo(RateLimiter.SEND);
    assertThat(r.check(ip("192.0.2.200"), RateLimiter.POSITIVE, 1)).as("same /24").isEqualTo(RateLimiter.DROP);
    assertThat(r.check(ip("192.0.3.1"), RateLimiter.POSITIVE, 1)).as("another /24").isEqualTo(RateLimiter.SEND);
    assertThat(r.check(ip("192.0.2.1"), RateLimiter.POSITIVE, 2)).as("another name").isEqualTo(RateLimiter.SEND);
    assertThat(r.check(ip("192.0.2.1"), RateLimiter.NXDOMAIN, 1)).as("another kind").isEqualTo(RateLimiter.SEND);
    assertThat(r.check(ip("2001:db8:0:1::1"), RateLimiter.POSITIVE, 1)).isEqualTo(RateLimiter.SEND);
    assertThat(r.check(ip("2001:db8:0:ff::2"), RateLimiter.POSITIVE, 1)).as("same /56").isEqualTo(RateLimiter.DROP);
    assertThat(r.check(ip("2001:db8:0:100::1"), RateLimiter.POSITIVE, 1)).as("another /56").isEqualTo(RateLimiter.SEND);
  }
}
