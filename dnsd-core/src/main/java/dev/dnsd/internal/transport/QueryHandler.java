package dev.dnsd.internal.transport;

import dev.dnsd.Replier;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/** What a transport calls for each request it receives: the responder, in a running server. */
@FunctionalInterface
public interface QueryHandler {
  /**
   * Answers one request.
   *
   * @param packet the received bytes; only the first {@code length} count
   * @return the encoded answer, or null when nothing is to be sent (dropped, or an extension
   *     answered through the replier)
   * @param length how many bytes of {@code packet} the request has
   * @param client the sender
   * @param tcp whether it came over TCP
   * @param replier sends the answers of an extension that takes the request
   */
  byte @Nullable [] respond(
      byte[] packet, int length, InetSocketAddress client, boolean tcp, Replier replier);

  /**
   * A handler for one thread: it may keep scratch state between calls and writes the answer into
   * the caller's buffer, so that a hot path need not allocate one per answer.
   *
   * @return a worker for the calling thread
   */
  default Worker worker() {
    return (packet, length, client, tcp, replier, out) -> {
      byte[] answer = respond(packet, length, client, tcp, replier);
      if (answer == null) {
        return -1;
      }
      System.arraycopy(answer, 0, out, 0, answer.length);
      return answer.length;
    };
  }

  /** Answers the requests of one thread; not thread-safe. */
  @FunctionalInterface
  interface Worker {
    /**
     * Answers one request into {@code out}.
     *
     * @param out where the answer is written; 65535 bytes hold any answer
     * @return the answer's length in {@code out}, or -1 when nothing is to be sent
     * @param packet the received bytes; only the first {@code length} count
     * @param length how many bytes the request has
     * @param client the sender
     * @param tcp whether it came over TCP
     * @param replier sends the answers of an extension that takes the request
     */
    int respond(
        byte[] packet, int length, InetSocketAddress client, boolean tcp, Replier replier, byte[] out);

    /**
     * Whether answering this request may block, so that a transport with an event loop answers
     * it on another thread: when an extension may take it (a transfer, an UPDATE that commits).
     * By default, always.
     *
     * @param packet the request
     * @param length its length
     * @return whether to answer it off the event loop
     */

    default boolean mayBlock(byte[] packet, int length) {
      return true;
    }
  }
}
