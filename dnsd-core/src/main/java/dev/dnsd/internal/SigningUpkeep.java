package dev.dnsd.internal;

import dev.dnsd.dnssec.DnssecStatus;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.RecordStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * The background work of the zones a store signs: when a zone's next event is due (a key to
 * publish, activate or withdraw, signatures to make anew), commits {@link
 * ChangeSet.Builder#maintainSigning} for it, one bounded batch per commit, as ordinary commits
 * that reach secondaries like any other. Time is the store's clock; the scheduler only waits.
 *
 * <pre>{@code
 * SigningUpkeep upkeep = new SigningUpkeep(store, scheduler);
 * upkeep.start();
 * }</pre>
 *
 * <p>It looks again at least every {@link #MAX_WAIT}, so a rollover started by a commit from
 * elsewhere is taken up within that time.
 */
public final class SigningUpkeep implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SigningUpkeep.class);

  /** The longest wait between two looks at the zones' next events. */
  public static final Duration MAX_WAIT = Duration.ofMinutes(1);
  /** The wait after a commit of upkeep failed, before it is tried again. */
  private static final Duration RETRY = Duration.ofSeconds(30);

  private final RecordStore store;
  private final ScheduledExecutorService scheduler;
  private volatile boolean closed;

  /**
   * The upkeep of the zones a store signs.
   *
   * @param store the store
   * @param scheduler the scheduler to wait on
   */
  public SigningUpkeep(RecordStore store, ScheduledExecutorService scheduler) {
    this.store = store;
    this.scheduler = scheduler;
  }

  /** Looks at once, and from then on as the zones' next events say. */
  public void start() {
    schedule(Duration.ZERO);
  }

  /**
   * Commits the upkeep due now, a batch per zone, and returns when it should look again: now
   * again while a zone has more due, else at the earliest next event (at most {@link #MAX_WAIT}).
   *
   * @return how long to wait before looking again
   */
  public Duration runDue() {
    Instant now = store.clock().instant();
    Duration wait = MAX_WAIT;
    for (Map.Entry<Name, DnssecStatus> e : store.dnssec().entrySet()) {
      Instant next = e.getValue().nextEvent();
      if (!next.isAfter(now)) {
        try {
          store.commit(ChangeSet.builder().maintainSigning(e.getKey()).build());
          wait = Duration.ZERO;
        } catch (RuntimeException ex) {
          // The message names the zone and the reason; it never holds key material.
          log.warn("DNSSEC upkeep of zone {} failed, trying again in {}: {}", e.getKey(), RETRY, ex.getMessage());
          if (wait.compareTo(RETRY) > 0) {
            wait = RETRY;
          }
        }
      } else {
        Duration until = Duration.between(now, next);
        if (until.compareTo(wait) < 0) {
          wait = until;
        }
      }
    }
    return wait;
  }

  private void schedule(Duration delay) {
    if (closed) {
      return;
    }
    try {
      scheduler.schedule(this::run, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      if (!closed) {
        log.warn("the DNSSEC upkeep's scheduler refused work; zones are no longer re-signed");
      }
    }
  }

  private void run() {
    if (closed) {
      return;
    }
    Duration wait;
    try {
      wait = runDue();
    } catch (RuntimeException e) {
      log.error("DNSSEC upkeep failed", e);
      wait = RETRY;
    }
    schedule(wait);
  }

  /** Stops looking; a commit under way finishes. Idempotent. */
  @Override
  public void close() {
    closed = true;
  }
}
