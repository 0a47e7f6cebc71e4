package dev.dnsd.xfr;

import dev.dnsd.ServerStatistics;
import dev.dnsd.internal.ServerConfig;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.Serial;

/**
 * What {@link ZoneTransfers} counts for {@code DnsServer.statistics()}: NOTIFY and transfers in
 * and out, and each standard secondary it notifies, per zone. A standard secondary has no
 * connection to watch, so what is known of it comes from the protocol: it answered our NOTIFY or
 * did not; the serial it asked IXFR from is one it has; a transfer to its address brings it to
 * the serial sent. It is behind from the first NOTIFY of a serial it has not taken.
 */
final class XfrStatistics {
  final LongAdder notifyIn = new LongAdder();
  final LongAdder notifyOut = new LongAdder();
  final LongAdder axfrOut = new LongAdder();
  final LongAdder ixfrOut = new LongAdder();
  final LongAdder axfrIn = new LongAdder();
  final LongAdder ixfrIn = new LongAdder();

  private final Clock clock;
  /** By zone, then NOTIFY address, so a snapshot lists them in a stable order. */
  private final Map<String, Target> targets = new ConcurrentSkipListMap<>();

  XfrStatistics(Clock clock) {
    this.clock = clock;
  }

  /** One standard secondary of one zone; guarded by itself. */
  private static final class Target {
    final Name zone;
    final InetSocketAddress address;
    boolean answering;
    /** The serial it is known to have; -1 while unknown. */
    long serial = -1;
    /** When it was first told of a serial it has not taken; 0 when it has taken all it was told of. */
    long behindSinceMillis;
    long notifiedSerial = -1;

    Target(Name zone, InetSocketAddress address) {
      this.zone = zone;
      this.address = address;
    }
  }

  private Target target(Name zone, InetSocketAddress address) {
    return targets.computeIfAbsent(zone + " " + ServerConfig.hostPort(address), k -> new Target(zone, address));
  }

  /** A configured secondary, listed before it is first notified. */
  void configured(Name zone, InetSocketAddress address) {
    target(zone, address);
  }

  /** A NOTIFY of this serial goes to the secondary. */
  void notifying(Name zone, InetSocketAddress address, long serial) {
    Target t = target(zone, address);
    synchronized (t) {
      t.notifiedSerial = serial;
      if (t.behindSinceMillis == 0 && (t.serial < 0 || Serial.compare(serial, t.serial) > 0)) {
        t.behindSinceMillis = clock.millis();
      }
    }
  }

  /** The secondary answered a NOTIFY (NOERROR or not), or never did. */
  void answered(Name zone, InetSocketAddress address, boolean ok) {
    Target t = target(zone, address);
    synchronized (t) {
      t.answering = ok;
    }
  }

  /**
   * A transfer of the zone went to a client: each secondary of the zone at that address now has
   * the serial sent. {@code from} is the serial an IXFR client said it had, else -1.
   */
  void transferred(Name zone, InetAddress client, long from, long serial) {
    for (Target t : targets.values()) {
      if (!t.zone.equals(zone) || !t.address.getAddress().equals(client)) {
        continue;
      }
      synchronized (t) {
        t.answering = true;
        t.serial = serial;
        if (t.notifiedSerial < 0 || Serial.compare(serial, t.notifiedSerial) >= 0) {
          t.behindSinceMillis = 0;
        }
      }
    }
  }

  /** The counts and the secondaries, as the snapshot has them. */
  void addTo(ServerStatistics.Builder statistics, @Nullable ZoneTable zones) {
    statistics.transfers(new ServerStatistics.Transfers(notifyIn.sum(), notifyOut.sum(), axfrOut.sum(),
        ixfrOut.sum(), axfrIn.sum(), ixfrIn.sum()));
    long now = clock.millis();
    for (Target t : targets.values()) {
      Zone zone = zones == null ? null : zones.get(t.zone);
      synchronized (t) {
        long lag = -1;
        long lagMillis = -1;
        if (zone != null && t.serial >= 0) {
          // Serials wrap around (RFC 1982): the distance is taken modulo 2^32.
          lag = Serial.compare(zone.serial(), t.serial) <= 0 ? 0 : (zone.serial() - t.serial) & 0xFFFFFFFFL;
          lagMillis = lag == 0 ? 0 : t.behindSinceMillis == 0 ? -1 : Math.max(0, now - t.behindSinceMillis);
        }
        statistics.secondary(new ServerStatistics.Secondary(
            ServerConfig.hostPort(t.address), t.zone, t.answering, t.serial, lag, lagMillis));
      }
    }
  }
}
