package dev.dnsd.sync;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: doubling from the initial delay up to the maximum, each drawn at random from
 * its upper half, so that secondaries cut off together do not all come back at the same instant.
 */
final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private long next;

  Backoff(Duration initial, Duration max) {
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.next = initialMillis;
  }

  long nextDelayMillis() {
    long ceiling = next;
    next = Math.min(maxMillis, next * 2);
    return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
  }

  void reset() {
    next = initialMillis;
  }
}
