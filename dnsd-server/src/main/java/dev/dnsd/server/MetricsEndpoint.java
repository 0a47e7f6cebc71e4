package dev.dnsd.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dnsd.DnsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code --metrics-listen HOST:PORT}: the server's statistics over HTTP, {@code /metrics} in the
 * Prometheus text format ({@link PrometheusText}) and {@code /health}, which answers 200 while the
 * server serves. The JDK's own HTTP server is enough for a scrape every few seconds; one thread
 * answers, so a flood of scrapes costs one core at most and no DNS worker, and it holds at most
 * {@value #MAX_CONNECTIONS} connections, so a flood of connections cannot take the file
 * descriptors the DNS listeners need.
 *
 * <pre>{@code
 * MetricsEndpoint metrics = MetricsEndpoint.start(address, server);
 * // curl http://127.0.0.1:9153/metrics
 * metrics.close();
 * }</pre>
 */
final class MetricsEndpoint implements AutoCloseable {
  /** Scrapers use one connection each; more than this at once is a flood, not monitoring. */
  static final int MAX_CONNECTIONS = 64;
  private final HttpServer http;
  private final ExecutorService executor;

  private MetricsEndpoint(HttpServer http, ExecutorService executor) {
    this.http = http;
    this.executor = executor;
  }

  /**
   * Listens on the address and answers from the server's statistics.
   *
   * @throws IOException when the address cannot be bound
   */
  static MetricsEndpoint start(InetSocketAddress address, DnsServer server) throws IOException {
    limitConnections();
    HttpServer http;
    try {
      http = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new IOException("cannot listen for metrics on " + HostPort.format(address) + ": " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "dnsd-metrics");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    http.createContext("/", exchange -> {
      try (exchange) {
        answer(exchange, server);
      }
    });
    http.start();
    return new MetricsEndpoint(http, executor);
  }

  /**
   * The JDK's server takes its connection limit only from a system property, read once when its
   * first instance starts, and has none by default. This process runs one such server, this one,
   * so setting it here is setting it for this server; an operator's own {@code -D} value wins.
   */
  private static void limitConnections() {
    if (System.getProperty("jdk.httpserver.maxConnections") == null) {
      System.setProperty("jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
    }
  }

  private static void answer(HttpExchange exchange, DnsServer server) throws IOException {
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      send(exchange, 405, "text/plain; charset=utf-8", "GET or HEAD only\n");
      return;
    }
    switch (exchange.getRequestURI().getPath()) {
      case "/metrics" -> send(exchange, 200, PrometheusText.CONTENT_TYPE,
          PrometheusText.render(server.statistics().metrics()));
      case "/health" -> send(exchange, 200, "text/plain; charset=utf-8", "ok\n");
      default -> send(exchange, 404, "text/plain; charset=utf-8", "dnsd serves /metrics and /health\n");
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** The address bound: its port is the one chosen when port 0 was asked for. */
  InetSocketAddress address() {
    return http.getAddress();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }
}
