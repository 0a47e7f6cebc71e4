package dev.dnsd;

import java.io.IOException;

/**
 * Sends the answers to one {@link Request}: one over UDP, one or more over TCP (a zone transfer).
 *
 * <pre>{@code
 * replier.send(answer.toWire(request.maxResponseSize()));
 * }</pre>
 */
@FunctionalInterface
public interface Replier {
  /**
   * Sends an encoded message. It must fit {@link Request#maxResponseSize()}: the transport sends
   * what it is given, and over UDP the client would receive a cut or no answer.
   *
   * @param wire the encoded message
   * @throws IOException when it cannot be sent
   */
  void send(byte[] wire) throws IOException;
}
