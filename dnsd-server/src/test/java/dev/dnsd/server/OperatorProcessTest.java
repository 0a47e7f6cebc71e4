package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dnsd.Await;
import dev.dnsd.TestDns;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * The operator's view of dnsd.jar as a child process: the metrics endpoint's counters move with
 * the queries sent, {@code /health} answers, {@code control stats} prints the same metrics, the
 * text query log has a line per query, and {@code dnstap-read} (BIND's) decodes the dnstap file
 * dnsd wrote. Under {@code CI=true} a missing dnstap-read fails the test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OperatorProcessTest {
  private static final Pattern METRICS = Pattern.compile("dnsd metrics on http://(\\S+):(\\d+)/metrics");
  private static final String ADMIN = "admin-secret-0123456789";

  @TempDir Path dir;
  private ServerProcess server;
  private InetSocketAddress dns;
  private URI metrics;
  private int syncPort;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeEach
  void start() throws Exception {
    SyncCluster.secretFile(dir, "admin.secret", ADMIN + "\n");
    Files.writeString(dir.resolve("dnsd.yaml"), """
        listen: 127.0.0.1:0
        threads: 1
        store: {memory: true}
        metrics:
          listen: 127.0.0.1:0
        query-log:
          text: true
          dnstap-file: queries.dnstap
        sync:
          listen: 127.0.0.1:0
          peers:
            - {name: admin, role: control, secret-file: admin.secret}
        """);
    server = ServerProcess.start(dir, "--config", "dnsd.yaml");
    dns = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.awaitPort());
    Matcher m = server.awaitLine(METRICS, Duration.ofSeconds(60));
    metrics = URI.create("http://" + m.group(1) + ":" + m.group(2));
    syncPort = server.awaitSyncPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(metrics.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of one sample line of the text format, such as {@code dnsd_queries_total{transport="udp"}}. */
  private static double sample(String text, String series) {
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    throw new AssertionError("no sample " + series + " in:\n" + text);
  }

  @Test
  void metricsMoveWithQueriesAndHealthAnswers() throws Exception {
    HttpResponse<String> before = get("/metrics");
    assertThat(before.statusCode()).isEqualTo(200);
    assertThat(before.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
    assertThat(before.body()).contains("# TYPE dnsd_queries_total counter").contains("# HELP dnsd_zones Zones in the store");
    double udp = sample(before.body(), "dnsd_queries_total{transport=\"udp\"}");
    double aaaa = sample(before.body(), "dnsd_queries_type_total{qtype=\"AAAA\"}");
    double nxdomain = sample(before.body(), "dnsd_responses_total{rcode=\"NXDOMAIN\"}");
    double tcp = sample(before.body(), "dnsd_queries_total{transport=\"tcp\"}");

    TestDns.udp(dns, TestDns.query("demo.test", Type.SOA));
    TestDns.udp(dns, TestDns.query("www.demo.test", Type.AAAA));
    TestDns.udp(dns, TestDns.query("nope.demo.test", Type.A));
    TestDns.tcp(dns, TestDns.query("demo.test", Type.NS));

    String after = get("/metrics").body();
    assertThat(sample(after, "dnsd_queries_total{transport=\"udp\"}")).isEqualTo(udp + 3);
    assertThat(sample(after, "dnsd_queries_total{transport=\"tcp\"}")).isEqualTo(tcp + 1);
    assertThat(sample(after, "dnsd_queries_type_total{qtype=\"AAAA\"}")).isEqualTo(aaaa + 1);
    assertThat(sample(after, "dnsd_responses_total{rcode=\"NXDOMAIN\"}")).isEqualTo(nxdomain + 1);
    assertThat(sample(after, "dnsd_zones")).isEqualTo(1);

    HttpResponse<String> health = get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok\n");
    assertThat(get("/nothing").statusCode()).isEqualTo(404);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"control", "--server", "127.0.0.1:" + syncPort, "--name", "admin",
        "--secret-file", dir.resolve("admin.secret").toString(), "stats"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String stats = out.toString(StandardCharsets.UTF_8);
    assertThat(stats).contains("# TYPE dnsd_queries_total counter");
    assertThat(sample(stats, "dnsd_queries_type_total{qtype=\"AAAA\"}")).isEqualTo(aaaa + 1);

    // The text query log, through slf4j-simple to the process's stderr.
    Await.until("a query log line for the AAAA query", Duration.ofSeconds(30),
        () -> server.linesContaining("udp QUERY www.demo.test. IN AAAA") == 1);
    assertThat(server.output()).containsPattern("dev\\.dnsd\\.querylog - 127\\.0\\.0\\.1#\\d+ tcp QUERY demo\\.test\\. IN NS .*-> NOERROR \\d+ bytes");
  }

  @Test
  void dnstapReadDecodesTheQueryLog() throws Exception {
    Path dnstapRead = Path.of("/usr/bin/dnstap-read");
    if ("true".equals(System.getenv("CI"))) {
      assertThat(dnstapRead).as("dnstap-read (Debian bind9-dnsutils; .ci/run installs it)").isExecutable();
    }
    assumeTrue(Files.isExecutable(dnstapRead), "dnstap-read is not installed");

    TestDns.udp(dns, TestDns.query("www.demo.test", Type.A));
    TestDns.tcp(dns, TestDns.query("nope.demo.test", Type.AAAA));
    server.close(); // SIGTERM: the file gets its STOP frame
    server = null;

    Path file = dir.resolve("queries.dnstap");
    Process read = new ProcessBuilder(dnstapRead.toString(), file.toString()).redirectErrorStream(true).start();
    String text = new String(read.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(read.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(read.exitValue()).as(text).isZero();
    List<String> lines = new ArrayList<>(List.of(text.strip().split("\n")));
    assertThat(lines).as(text).hasSize(4);
    assertThat(lines.get(0)).contains(" AQ ").contains("127.0.0.1:").contains("UDP").contains("www.demo.test/IN/A");
    assertThat(lines.get(1)).contains(" AR ").contains("UDP").contains("www.demo.test/IN/A");
    assertThat(lines.get(2)).contains(" AQ ").contains("TCP").contains("nope.demo.test/IN/AAAA");
    assertThat(lines.get(3)).contains(" AR ").contains("TCP").contains("nope.demo.test/IN/AAAA");

    // -p prints each message in full: the answer's rcode comes from the bytes dnsd sent.
    Process full = new ProcessBuilder(dnstapRead.toString(), "-p", file.toString()).redirectErrorStream(true).start();
    String messages = new String(full.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(full.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(messages).contains("status: NXDOMAIN").contains("status: NOERROR");
  }
}
