package dev.dnsd.internal;

import dev.dnsd.QueryListener;
import dev.dnsd.ReceivedQuery;
import dev.dnsd.Replier;
import dev.dnsd.internal.transport.QueryHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;

/**
 * Tells a {@link QueryListener} of each request a handler answers. It wraps the handler instead of
 * living in the responder so that a server without a listener runs the responder's hot path as it
 * is: no check, no field read, nothing compiled in.
 *
 * <pre>{@code
 * QueryHandler handler = QueryReporter.around(responder, config.queryListener(), config.clock(), address);
 * }</pre>
 */
public final class QueryReporter implements QueryHandler {
  private static final Logger log = LoggerFactory.getLogger(QueryReporter.class);

  private final QueryHandler handler;
  private final QueryListener listener;
  private final Clock clock;
  /** The address queries come to; its port is set once bound, when it was 0. */
  private volatile InetSocketAddress server;
  /** Whether a failure of the listener was logged with its stack; later ones at debug only. */
  private volatile boolean warned;

  private QueryReporter(QueryHandler handler, QueryListener listener, Clock clock, InetSocketAddress server) {
    this.handler = handler;
    this.listener = listener;
    this.clock = clock;
    this.server = server;
  }

  /**
   * The handler itself when there is no listener, else one that reports to it.
   *
   * @param handler the handler to wrap
   * @param listener the listener, or null
   * @param clock when queries are received and answered
   * @param server the address the handler's transports listen on
   * @return the handler the transports get
   */
  public static QueryHandler around(
      QueryHandler handler, @Nullable QueryListener listener, Clock clock, InetSocketAddress server) {
    return listener == null ? handler : new QueryReporter(handler, listener, clock, server);
  }

  /**
   * The address the transports were bound to, once known: for a listen address with port 0.
   *
   * @param bound the bound address
   */
  public void boundTo(InetSocketAddress bound) {
    server = bound;
  }

  @Override
  public byte @Nullable [] respond(
      byte[] packet, int length, InetSocketAddress client, boolean tcp, Replier replier) {
    Instant received = clock.instant();
    byte[] answer = handler.respond(packet, length, client, tcp, replier);
    report(packet, length, client, tcp, answer, answer == null ? -1 : answer.length, received);
    return answer;
  }

  @Override
  public Worker worker() {
    Worker inner = handler.worker();
    return (packet, length, client, tcp, replier, out) -> {
      Instant received = clock.instant();
      int n = inner.respond(packet, length, client, tcp, replier, out);
      report(packet, length, client, tcp, out, n, received);
      return n;
    };
  }

  private void report(
      byte[] packet, int length, InetSocketAddress client, boolean tcp, byte @Nullable [] answer,
      int answerLength, Instant received) {
    if (length < Header.LENGTH || (packet[2] & 0x80) != 0) {
      return; // not a request: the responder dropped it
    }
    Instant answered = clock.instant();
    byte[] wire = Arrays.copyOf(packet, length);
    Message query;
    try {
      query = new Message(wire);
    } catch (IOException | RuntimeException e) {
      return; // not a DNS message
    }
    boolean sent = answer != null && answerLength >= Header.LENGTH;
    int rcode = sent ? rcode(answer, answerLength) : -1;
    ReceivedQuery q =
        new ReceivedQuery(query, client, tcp ? ReceivedQuery.Transport.TCP : ReceivedQuery.Transport.UDP, rcode,
            server, received, answered, wire, sent ? Arrays.copyOf(answer, answerLength) : null);
    try {
      listener.received(q);
    } catch (RuntimeException e) {
      if (!warned) {
        warned = true;
        log.warn("query listener {} failed; later failures are logged at debug", listener, e);
      } else {
        log.debug("query listener {} failed", listener, e);
      }
    }
  }

  /** The answer's rcode; its upper bits are in the OPT record, when there is one. */
  private static int rcode(byte[] answer, int length) {
    int low = answer[3] & 0x0F;
    boolean hasAdditional = answer[10] != 0 || answer[11] != 0;
    if (!hasAdditional) {
      return low;
    }
    try {
      return new Message(Arrays.copyOf(answer, length)).getRcode();
    } catch (IOException | RuntimeException e) {
      return low;
    }
  }
}
