package dev.dnsd.xfr;

import dev.dnsd.DnsServer;
import dev.dnsd.Request;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The zones this server copies from standard primaries, and NOTIFY in (RFC 1996 §3.7, §3.11): a
 * NOTIFY from a zone's primary starts its refresh at once. Each {@link SecondaryZone} keeps its
 * own timers for refresh, retry and expiry. Zones configured on the builder are followed from the
 * start; a catalog consumer adds and removes its member zones while the server runs.
 */
final class NotifyIn {
  private static final Logger log = LoggerFactory.getLogger(NotifyIn.class);

  /** A secondary zone as configured: its primary, and the key its queries and transfers use. */
  record Config(InetSocketAddress primary, @Nullable Name key) {}

  private final Map<Name, SecondaryZone> zones = new ConcurrentHashMap<>();
  private final Map<Name, TsigKey> keys;
  private final DnsServer server;
  private final Clock clock;
  private final ScheduledExecutorService timers;
  private volatile boolean closed;
  private final XfrStatistics stats;

  /** Starts following every configured zone; each refreshes at once. */
  NotifyIn(Map<Name, Config> configs, Map<Name, TsigKey> keys, DnsServer server, Clock clock,
      ScheduledExecutorService timers, XfrStatistics stats) {
    this.stats = stats;
    this.keys = keys;
    this.server = server;
    this.clock = clock;
    this.timers = timers;
    configs.forEach((origin, config) -> follow(origin, config, Map.of()));
  }

  /**
   * Starts following a zone from its primary, refreshing at once; each transfer commits {@code
   * commitMeta} with the zone. False when the zone is followed already.
   */
  synchronized boolean follow(Name origin, Config config, Map<String, String> commitMeta) {
    if (closed || zones.containsKey(origin)) {
      return false;
    }
    SecondaryZone zone =
        new SecondaryZone(origin, config.primary(), config.key() == null ? null : keys.get(config.key()),
            server.store(), clock, timers, server::setExpired, commitMeta, stats);
    zones.put(origin, zone);
    zone.start();
    return true;
  }

  /** Stops following a zone (its data stays in the store); false when it was not followed. */
  synchronized boolean unfollow(Name origin) {
    SecondaryZone zone = zones.remove(origin);
    if (zone == null) {
      return false;
    }
    zone.close();
    server.setExpired(origin, false);
    return true;
  }

  boolean follows(Name origin) {
    return zones.containsKey(origin);
  }

  Set<Name> followed() {
    return Set.copyOf(zones.keySet());
  }

  void answer(Reply reply) throws IOException {
    Request request = reply.request();
    Record question = request.message().getQuestion();
    SecondaryZone zone = question == null ? null : zones.get(question.getName());
    int rcode;
    if (question == null || question.getType() != Type.SOA) {
      rcode = Rcode.FORMERR;
    } else if (zone == null) {
      rcode = Rcode.NOTAUTH;
    } else if (!zone.primary.getAddress().equals(request.client().getAddress())) {
      log.info("NOTIFY for {} from {}, which is not its primary: refused", question.getName(),
          Responses.describe(request.client()));
      rcode = Rcode.REFUSED;
    } else {
      zone.notified();
      stats.notifyIn.increment();
      rcode = Rcode.NOERROR;
    }
    Message response = Responses.reply(request.message(), rcode);
    response.getHeader().setFlag(Flags.AA);
    reply.send(response);
  }

  boolean isExpired(Name zone) {
    SecondaryZone s = zones.get(zone);
    return s != null && s.isExpired();
  }

  /** EDNS EXPIRE (RFC 7314): for a secondary zone the time left, for others the SOA's interval. */
  long expireSeconds(Zone zone) {
    SecondaryZone s = zones.get(zone.origin());
    return s != null ? s.expireSeconds(zone) : zone.soa().getExpire();
  }

  synchronized void close() {
    closed = true;
    zones.values().forEach(SecondaryZone::close);
  }
}
