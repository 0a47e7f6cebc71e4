package dev.dnsd;

import java.io.IOException;

/**
 * Adds to a {@link DnsServer} what the responder does not do itself: other opcodes (NOTIFY,
 * UPDATE), zone transfers (AXFR, IXFR), signed answers, and services with their own sockets
 * (replication). The builder takes any number; they start after the server's sockets are bound,
 * in the order given, and close in reverse order.
 *
 * <pre>{@code
 * ServerExtension notifyLogger = new ServerExtension() {
 *   public boolean handle(Request request, Replier replier) {
 *     if (request.kind() != Request.Kind.NOTIFY) {
 *       return false;                      // the responder answers it (NOTIMP)
 *     }
 *     log.info("NOTIFY from {}", request.client());
 *     return false;
 *   }
 * };
 * DnsServer server = DnsServer.builder().extension(notifyLogger).build().start();
 * }</pre>
 */
public interface ServerExtension extends AutoCloseable {

  /**
   * Starts the extension; the server's stores, zones and bound addresses are readable.
   *
   * @param server the server, running
   * @throws IOException when the extension cannot start (its socket cannot be bound); the server
   *     then does not start either
   */
  default void start(DnsServer server) throws IOException {}

  /**
   * Offered every request the responder would otherwise answer with NOTIMP or REFUSED (kinds
   * {@link Request.Kind#NOTIFY NOTIFY}, {@link Request.Kind#UPDATE UPDATE}, {@link
   * Request.Kind#OTHER OTHER}, {@link Request.Kind#AXFR AXFR} and {@link Request.Kind#IXFR IXFR}),
   * and every {@link Request.Kind#SIGNED_QUERY SIGNED_QUERY}, whose answer must be signed (RFC
   * 8945): {@link DnsServer#answer} gives the answer to sign. An extension that declines a signed
   * query leaves it to be answered unsigned. Whatever it sends must fit {@link
   * Request#maxResponseSize()}. Runs on a transport worker thread.
   *
   * @return true when this extension answered (or deliberately dropped) the request
   * @param request the request
   * @param replier sends this extension's answers
   */
  default boolean handle(Request request, Replier replier) {
    return false;
  }

  /**
   * Adds this extension's part to a statistics snapshot ({@link DnsServer#statistics()}): the
   * secondaries it feeds, the NOTIFYs and transfers it counted, counters of its own. Called on the
   * thread taking the snapshot, before and after the extension is started, possibly from several
   * threads at once; it must be quick and must not block. An exception it throws is logged and the
   * snapshot goes without this extension's part.
   *
   * @param statistics the snapshot being collected
   */
  default void statistics(ServerStatistics.Builder statistics) {}

  @Override
  default void close() {}
}
