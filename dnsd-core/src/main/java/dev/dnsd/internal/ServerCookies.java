package dev.dnsd.internal;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * DNS cookies for a server (RFC 7873), with the interoperable server cookie of RFC 9018: version
 * 1, three reserved bytes, a timestamp and SipHash-2-4 over the client cookie, those eight bytes
 * and the client's address, keyed with a 16-byte secret. Servers that share the secret (an
 * anycast set) accept each other's cookies.
 *
 * <pre>{@code
 * ServerCookies cookies = ServerCookies.random(Duration.ofDays(1), clock);
 * int verdict = cookies.check(query, at, length, client, scratch);
 * int n = cookies.write(answer, end, query, at, verdict, client, scratch);
 * }</pre>
 *
 * <p>The secret is either given (fixed, for a set of servers) or random and replaced every
 * rotation interval; the one before stays accepted, so cookies handed out just before a rotation
 * keep working for their hour. Thread-safe and allocation-free on the answer path.
 */
public final class ServerCookies {
  /** Bytes of a client cookie. */
  static final int CLIENT = 8;
  /** Bytes of an RFC 9018 server cookie. */
  static final int SERVER = 16;
  /** Bytes the COOKIE option adds to an answer: code, length, client and server cookie. */
  static final int OPTION_BYTES = 4 + CLIENT + SERVER;
  static final int OPTION_CODE = 10;
  /** RFC 9018 §4.3: a cookie older than an hour, or more than five minutes ahead, is not valid. */
  private static final long MAX_AGE = 3600;
  private static final long MAX_AHEAD = 300;
  /** ... and one older than half an hour is replaced by a fresh one in the answer. */
  private static final long REFRESH_AGE = 1800;

  /** The query had no COOKIE option. */
  static final int NONE = 0;
  /** A client cookie alone: answered with a new server cookie. */
  static final int CLIENT_ONLY = 1;
  /** A server cookie of ours, fresh enough to be sent back as it came. */
  static final int VALID = 2;
  /** A server cookie of ours that is over half an hour old: valid, and replaced in the answer. */
  static final int VALID_STALE = 3;
  /** A server cookie that is not ours, is too old, or is of another format. */
  static final int INVALID = 4;

  private record Secrets(byte[] current, byte @Nullable [] previous, long rotateAt) {}

  private final LongSupplier secondsNow;
  private final long rotationSeconds; // 0: the secret is fixed
  private final SecureRandom random;
  private volatile Secrets secrets;

  private ServerCookies(
      byte[] secret, LongSupplier secondsNow, long rotationSeconds, @Nullable SecureRandom random) {
    this.secondsNow = secondsNow;
    this.rotationSeconds = rotationSeconds;
    this.random = random == null ? new SecureRandom() : random;
    this.secrets =
        new Secrets(secret.clone(), null, rotationSeconds == 0 ? Long.MAX_VALUE : secondsNow.getAsLong() + rotationSeconds);
  }

  /**
   * With a fixed secret of 16 bytes, shared by the servers that must accept each other's cookies.
   *
   * @param secret 16 bytes
   * @param secondsNow the time in seconds since the epoch
   * @return the cookies
   */
  public static ServerCookies fixed(byte[] secret, LongSupplier secondsNow) {
    checkSecret(secret);
    return new ServerCookies(secret, secondsNow, 0, null);
  }

  /**
   * With a random secret, replaced by a new one every {@code rotation}.
   *
   * @param rotation how long one secret is used, at least 2 hours
   * @param secondsNow the time in seconds since the epoch
   * @return the cookies
   */

  public static ServerCookies random(Duration rotation, LongSupplier secondsNow) {
    if (rotation.getSeconds() < 2 * MAX_AGE) {
      throw new IllegalArgumentException("cookie secret rotation must be at least 2 hours: " + rotation);
    }
    SecureRandom random = new SecureRandom();
    byte[] secret = new byte[16];
    random.nextBytes(secret);
    return new ServerCookies(secret, secondsNow, rotation.getSeconds(), random);
  }

  static void checkSecret(byte[] secret) {
    if (secret.length != 16) {
      throw new IllegalArgumentException("a cookie secret has 16 bytes (RFC 9018), not " + secret.length);
    }
  }

  /**
   * What the query's COOKIE option is worth.
   *
   * @param at where the option's data (the client cookie) starts in {@code query}
   * @param length the option's length: 8, or 16 to 40 (other lengths are FORMERR, found earlier)
   * @param scratch 32 bytes of the caller's, reused
   */
  int check(byte[] query, int at, int length, InetAddress client, byte[] scratch) {
    if (length == CLIENT) {
      return CLIENT_ONLY;
    }
    if (length != CLIENT + SERVER || query[at + CLIENT] != 1) {
      return INVALID;
    }
    long now = now();
    long stamp = WireNames.u16(query, at + 12) * 65536L + WireNames.u16(query, at + 14);
    long age = (int) (now - stamp); // serial arithmetic on 32 bits (RFC 1982)
    if (age > MAX_AGE || age < -MAX_AHEAD) {
      return INVALID;
    }
    int n = hashInput(query, at, client, scratch);
    long hash = readLong(query, at + 16);
    Secrets s = secrets;
    boolean ours = SipHash.hash(s.current(), scratch, 0, n) == hash
        || (s.previous() != null && SipHash.hash(s.previous(), scratch, 0, n) == hash);
    if (!ours) {
      return INVALID;
    }
    return age >= REFRESH_AGE ? VALID_STALE : VALID;
  }

  /**
   * Writes the answer's COOKIE option ({@value #OPTION_BYTES} bytes) at {@code out[pos]}: the
   * client cookie, and the query's server cookie when it was {@link #VALID}, else a new one.
   */
  int write(byte[] out, int pos, byte[] query, int at, int verdict, InetAddress client, byte[] scratch) {
    out[pos] = 0;
    out[pos + 1] = OPTION_CODE;
    out[pos + 2] = 0;
    out[pos + 3] = CLIENT + SERVER;
    if (verdict == VALID) {
      System.arraycopy(query, at, out, pos + 4, CLIENT + SERVER);
      return OPTION_BYTES;
    }
    System.arraycopy(query, at, out, pos + 4, CLIENT);
    long now = now();
    int c = pos + 4 + CLIENT;
    out[c] = 1; // version
    out[c + 1] = 0;
    out[c + 2] = 0;
    out[c + 3] = 0;
    out[c + 4] = (byte) (now >>> 24);
    out[c + 5] = (byte) (now >>> 16);
    out[c + 6] = (byte) (now >>> 8);
    out[c + 7] = (byte) now;
    int n = hashInput(out, pos + 4, client, scratch);
    long hash = SipHash.hash(currentSecret(now), scratch, 0, n);
    for (int i = 0; i < 8; i++) {
      out[c + 8 + i] = (byte) (hash >>> (8 * i)); // SipHash's output is little-endian
    }
    return OPTION_BYTES;
  }

  /** Client cookie, version, reserved, timestamp (16 bytes from {@code at}), then the address. */
  private static int hashInput(byte[] src, int at, InetAddress client, byte[] scratch) {
    System.arraycopy(src, at, scratch, 0, CLIENT + 8);
    byte[] address = client.getAddress();
    System.arraycopy(address, 0, scratch, CLIENT + 8, address.length);
    return CLIENT + 8 + address.length;
  }

  private byte[] currentSecret(long now) {
    Secrets s = secrets;
    if (now >= s.rotateAt()) {
      synchronized (this) {
        s = secrets;
        if (now >= s.rotateAt()) {
          byte[] next = new byte[16];
          random.nextBytes(next);
          s = new Secrets(next, s.current(), now + rotationSeconds);
          secrets = s;
        }
      }
    }
    return s.current();
  }

  private long now() {
    return secondsNow.getAsLong() & 0xFFFFFFFFL;
  }

  private static long readLong(byte[] b, int at) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
  }
}
