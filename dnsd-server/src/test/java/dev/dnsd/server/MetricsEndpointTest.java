package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.DnsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The metrics listener under a flood of connections that send nothing. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsEndpointTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void aFloodOfConnectionsIsCappedAndScrapesAnswerOnceItEnds() throws Exception {
    try (DnsServer server = DnsServer.builder().zone(DemoZone.zone()).build().start();
        MetricsEndpoint metrics =
            MetricsEndpoint.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), server)) {
      URI uri = URI.create("http://127.0.0.1:" + metrics.address().getPort() + "/metrics");
      assertThat(status(uri)).isEqualTo(200);

      int flood = MetricsEndpoint.MAX_CONNECTIONS * 3;
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < flood; i++) {
          Socket s = new Socket();
          s.connect(metrics.address(), 5_000);
          s.setSoTimeout(1);
          sockets.add(s);
        }
        // What the server does not keep, it closes: those sockets read the end of the stream.
        Await.until("the server closes the connections over its limit", Duration.ofSeconds(20),
            () -> closedByServer(sockets) >= flood - MetricsEndpoint.MAX_CONNECTIONS);
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
      Await.untilNoException("a scrape answers once the flood is gone", Duration.ofSeconds(20),
          () -> status(uri) == 200);
    }
  }

  private int status(URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static int closedByServer(List<Socket> sockets) {
    int closed = 0;
    for (Socket s : sockets) {
      try {
        if (s.getInputStream().read() < 0) {
          closed++;
        }
      } catch (SocketTimeoutException e) {
        // still open
      } catch (IOException e) {
        closed++; // reset
      }
    }
    return closed;
  }
}
