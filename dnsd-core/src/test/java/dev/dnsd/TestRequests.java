package dev.dnsd;

import dev.dnsd.internal.Responder;
import dev.dnsd.internal.ServerConfig;
import dev.dnsd.zone.ZoneTable;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Requests as a running server hands them to extensions: read, classified and given their size
 * limit by the real responder, so that an extension's tests see what it sees in production.
 */
public final class TestRequests {
  private TestRequests() {}

  /** The request these bytes make, with the default maxUdpPayload. */
  public static Request of(byte[] wire, InetSocketAddress client, boolean tcp) {
    return of(wire, client, tcp, ServerConfig.defaults().maxUdpPayload());
  }

  /**
   * The request these bytes make on a server with this maxUdpPayload.
   *
   * @throws IllegalArgumentException when the responder answers them itself (an unsigned query)
   */
  public static Request of(byte[] wire, InetSocketAddress client, boolean tcp, int maxUdpPayload) {
    AtomicReference<Request> seen = new AtomicReference<>();
    ServerExtension capture =
        new ServerExtension() {
          @Override
          public boolean handle(Request request, Replier replier) {
            seen.set(request);
            return true;
          }
        };
    ServerConfig config =
        ServerConfig.defaults().withMaxUdpPayload(maxUdpPayload).withExtensions(List.of(capture));
    new Responder(ZoneTable::empty, config).respond(wire, wire.length, client, tcp, w -> {});
    Request request = seen.get();
    if (request == null) {
      throw new IllegalArgumentException("the responder answers this request itself");
    }
    return request;
  }
}
