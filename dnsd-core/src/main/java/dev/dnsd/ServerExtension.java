package dev.dnsd;

import java.io.IOException;

/**
 * Adds to a {@link DnsServer} what the responder does not do itself: other opcodes (NOTIFY,
 * UPDATE), zone transfers (AXFR, IXFR), and services with their own sockets (replication). The
 * builder takes any number; they start after the server's sockets are bound, in the order given,
 * and close in reverse order.
 */
public interface ServerExtension extends AutoCloseable {

  /** Starts the extension; the server's stores, zones and bound addresses are readable. */
  default void start(DnsServer server) throws IOException {}

  /**
   * Offered every request the responder would otherwise answer with NOTIMP or REFUSED (opcodes
   * other than QUERY, AXFR and IXFR questions), and every QUERY that carries a TSIG record, whose
   * answer must be signed (RFC 8945): {@link DnsServer#answer} gives the answer to sign. An
   * extension that declines a signed query leaves it to be answered unsigned. Runs on a transport
   * worker thread.
   *
   * @return true when this extension answered (or deliberately dropped) the request
   */
  default boolean handle(Request request, Replier replier) {
    return false;
  }

  @Override
  default void close() {}
}
