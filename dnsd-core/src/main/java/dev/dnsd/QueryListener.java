package dev.dnsd;

/**
 * Sees each query a {@link DnsServer} receives: for a query log, metrics, or a test that asserts
 * what the code under test asked ({@code dnsd-testing} records them so).
 *
 * <pre>{@code
 * DnsServer server = DnsServer.builder()
 *     .queryListener(q -> log.info("{} {} {} from {}: rcode {}",
 *         q.transport(), q.name(), Type.string(q.type()), q.client(), Rcode.string(q.rcode())))
 *     .build()
 *     .start();
 * }</pre>
 *
 * <p>Called on the transport thread that answers the query, after the answer is made and before
 * it is sent, so a slow listener delays answers: hand heavy work to another thread. Called from
 * several threads at once; must be thread-safe. An exception it throws is logged, and the answer
 * is sent all the same. A server without a listener does none of this work: the queries' path is
 * the same as if this interface did not exist.
 */
@FunctionalInterface
public interface QueryListener {
  /**
   * One request the server received: every DNS message that is not a response, whatever its
   * opcode, answered from the cache, refused or taken by an extension. Bytes that do not parse as
   * a DNS message are not reported.
   *
   * @param query the request and what became of it
   */
  void received(ReceivedQuery query);
}
