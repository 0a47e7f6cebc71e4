package dev.dnsd.xfr;

import dev.dnsd.DnsServer;
import dev.dnsd.Request;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * own timers for refresh, retry and expiry.
 */
final class NotifyIn {
  private static final Logger log = LoggerFactory.getLogger(NotifyIn.class);

  /** A secondary zone as configured: its primary, and the key its queries and transfers use. */
  record Config(InetSocketAddress primary, @Nullable Name key) {}

  private final Map<Name, SecondaryZone> zones = new LinkedHashMap<>();

  /** Starts following every configured zone; each refreshes at once. */
  NotifyIn(Map<Name, Config> configs, Map<Name, TsigKey> keys, DnsServer server, Clock clock,
      ScheduledExecutorService timers) {
    for (Map.Entry<Name, Config> e : configs.entrySet()) {
      Config c = e.getValue();
      SecondaryZone zone =
          new SecondaryZone(e.getKey(), c.primary(), c.key() == null ? null : keys.get(c.key()),
              server.store(), clock, timers, server::setExpired);
      zones.put(e.getKey(), zone);
      zone.start();
    }
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

  void close() {
    zones.values().forEach(SecondaryZone::close);
  }
}
