package dev.dnsd.xfr;

import dev.dnsd.DnsServer;
import dev.dnsd.Request;
import java.io.IOException;

/**
 * Answers to queries signed with a key we know (RFC 8945 §5.3): the responder's answer, signed in
 * turn. The TSIG check has been made by then; a query that failed it was answered NOTAUTH.
 */
final class SignedAnswers {
  private final DnsServer server;

  SignedAnswers(DnsServer server) {
    this.server = server;
  }

  void answer(Reply reply) throws IOException {
    Request request = reply.request();
    reply.send(server.answer(request.message(), request.tcp()));
  }
}
