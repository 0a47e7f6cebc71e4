package dev.dnsd.internal;

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
   */
  byte @Nullable [] respond(
      byte[] packet, int length, InetSocketAddress client, boolean tcp, Replier replier);
}
