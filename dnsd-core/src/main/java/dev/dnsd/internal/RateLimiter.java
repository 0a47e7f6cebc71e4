package dev.dnsd.internal;

import dev.dnsd.RateLimit;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Response rate limiting (see {@link RateLimit} for the rules): one account per kind of answer,
 * client network and name, in a fixed table of 65,536 slots, so a flood of distinct clients
 * or names can never grow it; two keys that share a slot reset each other's account, which only
 * ever limits less. Lock-free: an account is one long, updated by compare-and-set.
 */
final class RateLimiter {
  static final int SEND = 0;
  static final int SLIP = 1;
  static final int DROP = 2;

  /** Answers with data. */
  static final int POSITIVE = 1;
  static final int NXDOMAIN = 2;
  static final int NODATA = 3;
  static final int REFERRAL = 4;
  /** Refusals and errors. */
  static final int ERROR = 5;

  private static final int SLOTS = 1 << 16;

  private final RateLimit config;
  private final LongSupplier nanoClock;
  private final long start;
  private final AtomicLongArray keys = new AtomicLongArray(SLOTS);
  /** The second the account was last touched (high half) and its balance (low half). */
  private final AtomicLongArray accounts = new AtomicLongArray(SLOTS);
  private final AtomicInteger limitedInARow = new AtomicInteger();

  RateLimiter(RateLimit config, LongSupplier nanoClock) {
    this.config = config;
    this.nanoClock = nanoClock;
    this.start = nanoClock.getAsLong();
  }

  /**
   * Whether to send an answer of this kind to this client: {@link #SEND}, {@link #SLIP} (send it
   * empty with TC) or {@link #DROP}.
   *
   * @param name what tells identical answers of the kind apart: the question's hash for
   *     positive answers, the zone's for the others, 0 for errors
   */
  int check(InetAddress client, int kind, long name) {
    int rate = kind == ERROR ? config.errorsPerSecond() : config.responsesPerSecond();
    long key = mix(ClientPrefix.of(client, config.ipv4PrefixLength(), config.ipv6PrefixLength()) * 31 + kind, name);
    int slot = (int) (key ^ (key >>> 32)) & (SLOTS - 1);
    long second = (nanoClock.getAsLong() - start) / 1_000_000_000L;
    long floor = -(long) rate * config.window().getSeconds();
    while (true) {
      long old = accounts.get(slot);
      long balance;
      if (keys.get(slot) != key) {
        keys.set(slot, key);
        balance = rate; // a new account starts with a second's worth
      } else {
        long elapsed = second - (old >>> 32);
        balance = Math.min(rate, (int) old + Math.max(0, elapsed) * rate);
      }
      balance = Math.max(floor, balance - 1);
      long next = (second << 32) | (balance & 0xFFFFFFFFL);
      if (accounts.compareAndSet(slot, old, next)) {
        if (balance >= 0) {
          return SEND;
        }
        break;
      }
    }
    int slip = config.slip();
    if (slip > 0 && limitedInARow.incrementAndGet() % slip == 0) {
      return SLIP;
    }
    return DROP;
  }

  private static long mix(long a, long b) {
    long h = a * 0x9E3779B97F4A7C15L + b;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    return h ^ (h >>> 33);
  }
}
