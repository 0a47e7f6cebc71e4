package dev.dnsd.xfr;

import dev.dnsd.DnsServer;
import dev.dnsd.Request;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Answers that the responder builds and this extension completes: queries signed with a key we
 * know (RFC 8945 §5.3), signed in turn, and SOA queries asking for EDNS EXPIRE (RFC 7314), which
 * get the zone's value. The TSIG check has been made by then; a query that failed it was answered
 * NOTAUTH.
 */
final class SignedAnswers {
  private final DnsServer server;

  SignedAnswers(DnsServer server) {
    this.server = server;
  }

  void answer(Reply reply) throws IOException {
    Request request = reply.request();
    Message query = request.message();
    Record question = query.getQuestion();
    if (question != null && question.getType() == Type.SOA) {
      Zone zone = server.zones().get(question.getName());
      if (zone != null) {
        reply.about(zone);
      }
    }
    reply.send(server.answer(query, request.tcp()));
  }
}
