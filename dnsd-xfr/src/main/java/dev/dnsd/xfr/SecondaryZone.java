package dev.dnsd.xfr;

import dev.dnsd.internal.ServerConfig;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.RecordStore;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Serial;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/**
 * One zone that this server copies from a primary (RFC 1034 §4.3.5, RFC 1996): it checks the
 * primary's SOA every refresh interval (at once on NOTIFY), transfers by IXFR with AXFR fallback
 * when the primary is ahead, retries at the retry interval after a failure, and expires when no
 * refresh succeeded for the expire interval. What it transfers is committed to the store like any
 * other change.
 */
final class SecondaryZone {
  private static final Logger log = LoggerFactory.getLogger(SecondaryZone.class);
  /** Before the first transfer there is no SOA to take the retry interval from. */
  static final Duration RETRY_WITHOUT_SOA = Duration.ofSeconds(10);
  static final Duration NETWORK_TIMEOUT = Duration.ofSeconds(20);

  final Name origin;
  final InetSocketAddress primary;
  private final @Nullable TsigKey key;
  private final RecordStore store;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;

  // Guarded by this.
  private @Nullable Instant lastSuccess;
  private @Nullable ScheduledFuture<?> next;
  private boolean refreshing;
  private boolean again;
  private boolean closed;
  private volatile boolean expired;
  /** Told when the zone expires and when it is fresh again, so the server answers SERVFAIL. */
  private final BiConsumer<Name, Boolean> expiry;
  /** Store metadata every transfer commits with the zone: a catalog member's bookkeeping. */
  private final Map<String, String> commitMeta;
  private final XfrStatistics stats;

  SecondaryZone(
      Name origin,
      InetSocketAddress primary,
      @Nullable TsigKey key,
      RecordStore store,
      Clock clock,
      ScheduledExecutorService scheduler,
      BiConsumer<Name, Boolean> expiry,
      Map<String, String> commitMeta,
      XfrStatistics stats) {
    this.stats = stats;
    this.origin = origin;
    this.commitMeta = Map.copyOf(commitMeta);
    this.expiry = expiry;
    this.primary = primary;
    this.key = key;
    this.store = store;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  /**
   * Starts the timers with a refresh now. A zone already in the store (from before a restart)
   * counts as refreshed now, since when it last was is not recorded.
   */
  synchronized void start() {
    if (store.zones().get(origin) != null) {
      lastSuccess = clock.instant();
    }
    schedule(Duration.ZERO);
  }

  /** A NOTIFY from the primary: refresh now (RFC 1996 §3.11). */
  synchronized void notified() {
    schedule(Duration.ZERO);
  }

  boolean isExpired() {
    return expired;
  }

  /**
   * The EDNS EXPIRE value (RFC 7314): the seconds left until the zone expires, which is the SOA
   * expire interval less the time since the last successful refresh; 0 once expired.
   */
  synchronized long expireSeconds(Zone zone) {
    if (expired) {
      return 0;
    }
    Instant since = lastSuccess != null ? lastSuccess : clock.instant();
    return Math.max(0, zone.soa().getExpire() - Duration.between(since, clock.instant()).getSeconds());
  }

  synchronized void close() {
    closed = true;
    if (next != null) {
      next.cancel(false);
    }
  }

  private synchronized void schedule(Duration delay) {
    if (closed) {
      return;
    }
    if (next != null) {
      next.cancel(false);
    }
    next = scheduler.schedule(this::refresh, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void refresh() {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (refreshing) {
        again = true; // a NOTIFY during a refresh may announce a serial this one missed
        return;
      }
      refreshing = true;
    }
    Duration delay = RETRY_WITHOUT_SOA;
    try {
      refreshOnce();
      synchronized (this) {
        lastSuccess = clock.instant();
        if (expired) {
          expired = false;
          expiry.accept(origin, false);
        }
      }
      delay = soaInterval(true);
    } catch (IOException | ZoneTransferException | RuntimeException e) {
      log.warn("refreshing secondary zone {} from {} failed: {}", origin, primary, e.toString());
      delay = failed();
    } finally {
      synchronized (this) {
        refreshing = false;
        if (again) {
          again = false;
          delay = Duration.ZERO;
        }
        schedule(delay);
      }
    }
  }

  /** Checks the primary's serial and transfers when it is ahead. */
  void refreshOnce() throws IOException, ZoneTransferException {
    Zone current = store.zones().get(origin);
    if (current != null) {
      long theirs = primarySerial();
      if (Serial.compare(theirs, current.serial()) <= 0) {
        return;
      }
    }
    TSIG tsig = key == null ? null : Tsig.dnsjavaKey(key, clock);
    ZoneTransferIn xfr =
        current == null
            ? ZoneTransferIn.newAXFR(origin, primary, tsig)
            : ZoneTransferIn.newIXFR(origin, current.serial(), true, primary, tsig);
    xfr.setTimeout(NETWORK_TIMEOUT);
    xfr.run();
    ChangeSet.Builder changes;
    if (xfr.isCurrent()) {
      return;
    } else if (xfr.isAXFR()) {
      changes = ChangeSet.builder().replaceZone(origin, xfr.getAXFR());
    } else {
      changes = fromDeltas(xfr.getIXFR());
    }
    commitMeta.forEach(changes::meta);
    changes.origin("transfer (" + (xfr.isAXFR() ? "AXFR" : "IXFR") + ") from primary " + ServerConfig.hostPort(primary));
    synchronized (this) {
      if (closed) {
        return; // no longer followed: a catalog consumer may have just deleted the zone
      }
    }
    store.commit(changes.build());
    (xfr.isAXFR() ? stats.axfrIn : stats.ixfrIn).increment();
    Zone now = store.zones().get(origin);
    log.info("secondary zone {} transferred from {} by {}, serial {}", origin, primary,
        xfr.isAXFR() ? "AXFR" : "IXFR", now == null ? "?" : now.serial());
  }

  /**
   * The IXFR's difference sequences as one change set, in order; the SOA is replaced by the last
   * sequence's, so the store keeps the primary's serial.
   */
  private static ChangeSet.Builder fromDeltas(List<ZoneTransferIn.Delta> deltas) {
    ChangeSet.Builder b = ChangeSet.builder();
    for (ZoneTransferIn.Delta delta : deltas) {
      for (Record r : delta.deletes) {
        if (r.getType() != Type.SOA) {
          b.remove(r);
        }
      }
      for (Record r : delta.adds) {
        b.add(r);
      }
    }
    return b;
  }

  private long primarySerial() throws IOException {
    SimpleResolver resolver = new SimpleResolver(primary);
    resolver.setTimeout(NETWORK_TIMEOUT);
    if (key != null) {
      resolver.setTSIGKey(Tsig.dnsjavaKey(key, clock));
    }
    Message answer = resolver.send(Message.newQuery(Record.newRecord(origin, Type.SOA, DClass.IN)));
    if (answer.getRcode() != Rcode.NOERROR) {
      throw new IOException("the primary answered the SOA query with " + Rcode.string(answer.getRcode()));
    }
    // An unsigned answer is taken: the SOA only decides whether to transfer, the transfer itself
    // is checked, and some primaries (dnsd's responder among them) do not sign ordinary answers.
    if (answer.getTSIG() != null && !answer.isVerified()) {
      throw new IOException("the primary's SOA answer failed the TSIG check");
    }
    for (Record r : answer.getSection(Section.ANSWER)) {
      if (r instanceof SOARecord soa && soa.getName().equals(origin)) {
        return soa.getSerial();
      }
    }
    throw new IOException("the primary's answer to the SOA query holds no SOA for " + origin);
  }

  /** After a failure: expire when the expire interval has passed, and retry. */
  private synchronized Duration failed() {
    Zone current = store.zones().get(origin);
    if (current == null) {
      return RETRY_WITHOUT_SOA;
    }
    Instant since = lastSuccess != null ? lastSuccess : clock.instant();
    Instant expiresAt = since.plusSeconds(current.soa().getExpire());
    if (!clock.instant().isBefore(expiresAt)) {
      if (!expired) {
        log.error("secondary zone {} expired: no refresh from {} succeeded since {}; answering SERVFAIL",
            origin, primary, since);
        expired = true;
        expiry.accept(origin, true);
      }
    }
    return soaInterval(false);
  }

  private Duration soaInterval(boolean refresh) {
    Zone current = store.zones().get(origin);
    if (current == null) {
      return RETRY_WITHOUT_SOA;
    }
    SOARecord soa = current.soa();
    long seconds = refresh ? soa.getRefresh() : soa.getRetry();
    return Duration.ofSeconds(Math.max(1, seconds));
  }
}
