package dev.dnsd;

import dev.dnsd.internal.SetOnce;
import java.time.Duration;

/**
 * Response rate limiting (RRL), as BIND, Knot and NSD do it: a server that answers whatever it is
 * asked can be made to send large answers to a victim whose address an attacker forges. RRL
 * counts identical answers to one client network and answers no more than a rate of them;
 * beyond it, answers are dropped, and every {@link Builder#slip slip}-th one is sent instead as an
 * empty answer with TC, so that a real client retries over TCP, which cannot be forged.
 *
 * <pre>{@code
 * DnsServer server = DnsServer.builder()
 *     .rateLimit(RateLimit.builder().responsesPerSecond(20).slip(2).build())
 *     .build();
 * }</pre>
 *
 * <p>What counts as identical: positive answers by question (name and type); NXDOMAIN, NODATA and
 * referrals by the zone they come from (so random names under one zone count together); errors
 * and refusals all together. Each such kind and client network (a /24 for IPv4, a /56 for IPv6
 * by default) has an account that earns {@code responsesPerSecond} credits a second, holds at
 * most a second's worth, and is debited one per answer; while it is negative, answers are limited.
 * It goes no deeper than {@code window} seconds' worth, so a client that stops flooding is
 * answered again within the window. Only UDP is limited; queries with a valid server cookie
 * (RFC 7873) are not, since their source cannot be forged; a client that sent a cookie and would
 * be limited gets BADCOOKIE with a fresh one instead (RFC 7873 §5.2.3).
 */
public final class RateLimit {
  private final int responsesPerSecond;
  private final int errorsPerSecond;
  private final int slip;
  private final Duration window;
  private final int ipv4PrefixLength;
  private final int ipv6PrefixLength;

  private RateLimit(Builder b) {
    this.responsesPerSecond = b.responsesPerSecond;
    this.errorsPerSecond = b.errorsPerSecond < 0 ? b.responsesPerSecond : b.errorsPerSecond;
    this.slip = b.slip;
    this.window = b.window;
    this.ipv4PrefixLength = b.ipv4PrefixLength;
    this.ipv6PrefixLength = b.ipv6PrefixLength;
  }

  /**
   * Starts a rate limit; only {@link Builder#responsesPerSecond} is required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Answers of one kind a client network gets per second.
   *
   * @return the rate
   */
  public int responsesPerSecond() {
    return responsesPerSecond;
  }

  /**
   * Error answers (REFUSED, SERVFAIL, FORMERR, ...) a client network gets per second.
   *
   * @return the rate
   */
  public int errorsPerSecond() {
    return errorsPerSecond;
  }

  /**
   * Every how many limited answers one goes out with TC; 0 drops them all, 1 sends each with TC.
   *
   * @return the slip
   */
  public int slip() {
    return slip;
  }

  /**
   * How far into debt an account goes, in whole seconds.
   *
   * @return the window
   */
  public Duration window() {
    return window;
  }

  /**
   * The network an IPv4 client counts in.
   *
   * @return the prefix length in bits
   */
  public int ipv4PrefixLength() {
    return ipv4PrefixLength;
  }

  /**
   * The network an IPv6 client counts in.
   *
   * @return the prefix length in bits
   */
  public int ipv6PrefixLength() {
    return ipv6PrefixLength;
  }

  @Override
  public String toString() {
    return "RateLimit[" + responsesPerSecond + "/s, errors " + errorsPerSecond + "/s, slip " + slip
        + ", window " + window.getSeconds() + " s, /" + ipv4PrefixLength + ", /" + ipv6PrefixLength + "]";
  }

  /** Configures a {@link RateLimit}; each setting once; only the rate is required. */
  public static final class Builder {
    private final SetOnce once = new SetOnce();
    private int responsesPerSecond = -1;
    private int errorsPerSecond = -1;
    private int slip = 2;
    private Duration window = Duration.ofSeconds(15);
    private int ipv4PrefixLength = 24;
    private int ipv6PrefixLength = 56;

    private Builder() {}

    /**
     * Answers of one kind a client network gets per second, 1 to 1,000,000.
     *
     * @param rate answers per second
     * @return this builder
     */
    public Builder responsesPerSecond(int rate) {
      checkRate("responsesPerSecond", rate);
      once.claim("responsesPerSecond", rate);
      responsesPerSecond = rate;
      return this;
    }

    /**
     * Error answers per second, 1 to 1,000,000; by default {@link #responsesPerSecond}.
     *
     * @param rate error answers per second
     * @return this builder
     */
    public Builder errorsPerSecond(int rate) {
      checkRate("errorsPerSecond", rate);
      once.claim("errorsPerSecond", rate);
      errorsPerSecond = rate;
      return this;
    }

    /**
     * Every how many limited answers one is sent with TC, 0 to 10; default 2, as BIND.
     *
     * @param every 0 to drop all, else every how many
     * @return this builder
     */
    public Builder slip(int every) {
      if (every < 0 || every > 10) {
        throw new IllegalArgumentException("slip must be 0..10: " + every);
      }
      once.claim("slip", every);
      slip = every;
      return this;
    }

    /**
     * How far into debt an account goes, 1 s to 1 h; default 15 s, as BIND.
     *
     * @param seconds the window, in whole seconds
     * @return this builder
     */
    public Builder window(Duration seconds) {
      if (seconds.getSeconds() < 1 || seconds.getSeconds() > 3600) {
        throw new IllegalArgumentException("window must be 1 s .. 1 h: " + seconds);
      }
      once.claim("window", seconds);
      window = Duration.ofSeconds(seconds.getSeconds());
      return this;
    }

    /**
     * The network an IPv4 client counts in, 8 to 32 bits: a /24 by default.
     *
     * @param bits the prefix length
     * @return this builder
     */
    public Builder ipv4PrefixLength(int bits) {
      if (bits < 8 || bits > 32) {
        throw new IllegalArgumentException("ipv4PrefixLength must be 8..32: " + bits);
      }
      once.claim("ipv4PrefixLength", bits);
      ipv4PrefixLength = bits;
      return this;
    }

    /**
     * The network an IPv6 client counts in, 16 to 64 bits: a /56 by default.
     *
     * @param bits the prefix length
     * @return this builder
     */
    public Builder ipv6PrefixLength(int bits) {
      if (bits < 16 || bits > 64) {
        throw new IllegalArgumentException("ipv6PrefixLength must be 16..64: " + bits);
      }
      once.claim("ipv6PrefixLength", bits);
      ipv6PrefixLength = bits;
      return this;
    }

    /**
     * The rate limit.
     *
     * @return the configured limit
     * @throws IllegalStateException without {@link #responsesPerSecond}
     */
    public RateLimit build() {

      if (responsesPerSecond < 0) {
        throw new IllegalStateException("a RateLimit needs responsesPerSecond");
      }
      return new RateLimit(this);
    }

    private static void checkRate(String what, int rate) {
      if (rate < 1 || rate > 1_000_000) {
        throw new IllegalArgumentException(what + " must be 1..1000000: " + rate);
      }
    }
  }
}
