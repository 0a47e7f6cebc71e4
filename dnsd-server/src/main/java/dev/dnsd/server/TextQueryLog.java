package dev.dnsd.server;

import dev.dnsd.QueryListener;
import dev.dnsd.ReceivedQuery;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * {@code --query-log}: one line per request at INFO through the logger {@value #LOGGER}, so that
 * the operator routes it (a file of its own, another level) with the logging configuration and
 * not with dnsd's flags:
 *
 * <pre>
 * 127.0.0.1#53211 udp QUERY www.example.com. IN A +rd +edns1232 +do -&gt; NOERROR 62 bytes 0.081 ms
 * 127.0.0.1#40410 tcp QUERY example.com. IN AXFR -&gt; no answer from the responder (an extension took it, or it was dropped)
 * </pre>
 *
 * <p>Client, transport, opcode, question, the flags that change the answer (RD, CD, EDNS with
 * its payload size, DO), then the rcode, the answer's size and how long the responder took.
 */
final class TextQueryLog implements QueryListener {
  /** The logger's name. */
  static final String LOGGER = "dev.dnsd.querylog";

  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  @Override
  public void received(ReceivedQuery q) {
    if (log.isInfoEnabled()) {
      log.info(line(q));
    }
  }

  static String line(ReceivedQuery q) {
    StringBuilder b = new StringBuilder(128);
    InetSocketAddress client = q.client();
    b.append(client.getAddress().getHostAddress()).append('#').append(client.getPort());
    b.append(q.transport() == ReceivedQuery.Transport.UDP ? " udp " : " tcp ");
    b.append(Opcode.string(q.opcode()));
    Name name = q.name();
    if (name != null) {
      b.append(' ').append(name).append(' ').append(DClass.string(q.dclass())).append(' ').append(Type.string(q.type()));
    }
    if (q.flag(Flags.RD)) {
      b.append(" +rd");
    }
    if (q.flag(Flags.CD)) {
      b.append(" +cd");
    }
    OPTRecord opt = q.edns();
    if (opt != null) {
      b.append(" +edns").append(opt.getPayloadSize());
      if (q.dnssecOk()) {
        b.append(" +do");
      }
    }
    byte[] response = q.response();
    if (response == null) {
      b.append(" -> no answer from the responder (an extension took it, or it was dropped)");
    } else {
      long micros = Duration.between(q.receivedAt(), q.answeredAt()).toNanos() / 1000;
      b.append(" -> ").append(Rcode.string(q.rcode())).append(' ').append(response.length).append(" bytes ")
          .append(micros / 1000).append('.').append(String.format("%03d", micros % 1000)).append(" ms");
    }
    return b.toString();
  }
}
