package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.TestDns;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Reload without restart, on dnsd.jar as a child process: SIGHUP and control reload after editing
 * zone files change the answers while queries go on being answered, a bad file changes nothing and
 * says why, replace-zone is one commit that queries never see as a missing zone, and export and
 * import behave beside the running server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReloadProcessTest {
  private static final String ADMIN = "admin-secret-0123456789";
  private static final Pattern RELOADED = Pattern.compile("reloaded .*");
  private static final Pattern FAILED = Pattern.compile("reload failed, nothing changed: .*");

  @TempDir Path dir;
  private Path zones;
  private ServerProcess server;
  private InetSocketAddress dns;
  private int syncPort;
  private final ExecutorService loop = Executors.newSingleThreadExecutor();

  @BeforeEach
  void start() throws Exception {
    zones = Files.createDirectories(dir.resolve("zones"));
    writeZone("a.test", 1, "192.0.2.1", 0);
    // Big enough that a reload takes a moment, so queries are in flight while it runs.
    writeZone("b.test", 1, "192.0.2.50", 20_000);
    SyncCluster.secretFile(dir, "admin.secret", ADMIN + "\n");
    Files.writeString(dir.resolve("dnsd.yaml"), """
        listen: 127.0.0.1:0
        threads: 1
        zone-files: zones
        sync:
          listen: 127.0.0.1:0
          peers:
            - {name: admin, role: control, secret-file: admin.secret}
        """);
    server = ServerProcess.start(dir, "--config", "dnsd.yaml");
    dns = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.awaitPort());
    syncPort = server.awaitSyncPort();
  }

  @AfterEach
  void stop() throws Exception {
    loop.shutdownNow();
    if (server != null) {
      server.close();
    }
  }

  private void writeZone(String origin, long serial, String address, int extraHosts) throws IOException {
    StringBuilder text = new StringBuilder("$TTL 300\n@ SOA ns1 hostmaster " + serial + " 3600 600 1209600 300\n@ NS ns1\n");
    text.append("ns1 A 192.0.2.53\nwww A ").append(address).append('\n');
    for (int i = 0; i < extraHosts; i++) {
      text.append("h").append(i).append(" A 10.0.").append(i / 256 % 256).append('.').append(i % 256).append('\n');
    }
    Files.writeString(zones.resolve(origin + ".zone"), text);
  }

  private String address(String name) throws IOException {
    Message answer = TestDns.udp(dns, TestDns.query(name, Type.A));
    for (Record r : answer.getSection(Section.ANSWER)) {
      if (r instanceof ARecord a) {
        return a.getAddress().getHostAddress();
      }
    }
    return Rcode.string(answer.getRcode());
  }

  private long serial(String zone) throws IOException {
    for (Record r : TestDns.udp(dns, TestDns.query(zone, Type.SOA)).getSection(Section.ANSWER)) {
      if (r instanceof SOARecord soa) {
        return soa.getSerial();
      }
    }
    return -1;
  }

  /** Queries www.a.test until stopped; returns the answers that were not an address of it. */
  private Future<List<String>> queryLoop(AtomicBoolean stop, AtomicInteger answered) {
    return loop.submit(() -> {
      List<String> bad = new ArrayList<>();
      while (!stop.get()) {
        String got = address("www.a.test");
        if (!got.startsWith("192.0.2.")) {
          bad.add(got);
        }
        answered.incrementAndGet();
      }
      return bad;
    });
  }

  private int control(ByteArrayOutputStream out, ByteArrayOutputStream err, String... command) {
    List<String> args = new ArrayList<>(List.of("control", "--server", "127.0.0.1:" + syncPort, "--name", "admin",
        "--secret-file", dir.resolve("admin.secret").toString()));
    args.addAll(List.of(command));
    return Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void sighupAfterEditingAZoneFileChangesTheAnswerWhileQueriesGoOn() throws Exception {
    assertThat(address("www.a.test")).isEqualTo("192.0.2.1");
    long bSerial = serial("b.test");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger answered = new AtomicInteger();
    Future<List<String>> queries = queryLoop(stop, answered);
    Await.until("queries are answered", Duration.ofSeconds(30), () -> answered.get() > 10);

    writeZone("a.test", 2, "192.0.2.2", 0);
    int before = server.lineCount();
    server.hangup();
    int atHangup = answered.get();
    Matcher reloaded = server.awaitLineAfter(before, RELOADED, Duration.ofSeconds(60));
    int atReloaded = answered.get();
    Await.untilNoException("the new address is answered", Duration.ofSeconds(30),
        () -> address("www.a.test").equals("192.0.2.2"));
    stop.set(true);

    assertThat(queries.get(30, TimeUnit.SECONDS)).as("every query was answered from the zone").isEmpty();
    assertThat(atReloaded).as("queries were answered while the reload ran").isGreaterThan(atHangup);
    assertThat(reloaded.group()).contains("1 zone(s) replaced (a.test.)").contains("1 unchanged");
    assertThat(serial("b.test")).as("an unchanged zone is left alone").isEqualTo(bSerial);
    assertThat(server.isAlive()).isTrue();
  }

  @Test
  void aServerStartedWithSighupIgnoredSaysSo() throws Exception {
    Path other = Files.createDirectories(dir.resolve("other"));
    Files.writeString(other.resolve("dnsd.yaml"), "listen: 127.0.0.1:0\nthreads: 1\nstore: {memory: true}\n");
    ServerProcess ignoring = ServerProcess.startIgnoringHangup(other, "--config", "dnsd.yaml");
    try {
      ignoring.awaitLine(Pattern.compile(
          "dnsd: SIGHUP is ignored in this process \\(as under nohup\\); reload with 'control reload' instead"),
          Duration.ofSeconds(60));
      ignoring.awaitPort();
    } finally {
      ignoring.close();
    }
  }

  @Test
  void aBadFileOnReloadChangesNothingAndSaysWhy() throws Exception {
    long aSerial = serial("a.test");
    writeZone("b.test", 2, "192.0.2.51", 0);
    Files.writeString(zones.resolve("a.test.zone"), "$TTL 300\n@ SOA ns1 hostmaster 9 3600 600 1209600 300\n@ NS ns1\nwww A 192.0.2.300\n");
    int before = server.lineCount();
    server.hangup();
    Matcher failed = server.awaitLineAfter(before, FAILED, Duration.ofSeconds(60));
    assertThat(failed.group()).contains(zones.resolve("a.test.zone") + ":4");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(control(out, err, "reload")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("did not reload").contains("a.test.zone:4");

    assertThat(address("www.a.test")).isEqualTo("192.0.2.1");
    assertThat(address("www.b.test")).as("the good file is not applied either").isEqualTo("192.0.2.50");
    assertThat(serial("a.test")).isEqualTo(aSerial);

    Files.writeString(dir.resolve("dnsd.yaml"), "listen: 127.0.0.1:0\nzone-file: zones\n");
    before = server.lineCount();
    server.hangup();
    // The control reload's own failure may be printed after the count above: wait for this one.
    server.awaitLineAfter(before, Pattern.compile(FAILED.pattern() + ".*dnsd\\.yaml:2: unknown key 'zone-file'"),
        Duration.ofSeconds(60));
    assertThat(server.isAlive()).isTrue();
  }

  @Test
  void controlReloadReportsWhatChanged() throws Exception {
    writeZone("a.test", 2, "192.0.2.3", 0);
    writeZone("c.test", 1, "192.0.2.30", 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(control(out, err, "reload")).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("2 zone(s) replaced (a.test., c.test.)").contains("1 unchanged");
    assertThat(address("www.a.test")).isEqualTo("192.0.2.3");
    assertThat(address("www.c.test")).as("a new file is a new zone").isEqualTo("192.0.2.30");

    out.reset();
    assertThat(control(out, err, "reload")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("0 zone(s) replaced, 3 unchanged");

    Files.writeString(dir.resolve("dnsd.yaml"), Files.readString(dir.resolve("dnsd.yaml")).replace("threads: 1", "threads: 2"));
    out.reset();
    assertThat(control(out, err, "reload")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("applied only at restart: threads");
  }

  @Test
  void replaceZoneIsOneCommitThatQueriesNeverSeeMissing() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger answered = new AtomicInteger();
    Future<List<String>> queries = queryLoop(stop, answered);
    Await.until("queries are answered", Duration.ofSeconds(30), () -> answered.get() > 10);
    Path next = dir.resolve("a-next.zone");
    List<Long> versions = new ArrayList<>();
    for (int i = 2; i <= 6; i++) {
      Files.writeString(next, "$TTL 300\n@ SOA ns1 hostmaster " + i + " 3600 600 1209600 300\n@ NS ns1\nns1 A 192.0.2.53\nwww A 192.0.2." + (100 + i) + "\n");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertThat(control(out, err, "replace-zone", "a.test", next.toString())).as(err.toString(StandardCharsets.UTF_8)).isZero();
      Matcher m = Pattern.compile("committed, version (\\d+)").matcher(out.toString(StandardCharsets.UTF_8));
      assertThat(m.find()).isTrue();
      versions.add(Long.parseLong(m.group(1)));
      assertThat(address("www.a.test")).isEqualTo("192.0.2." + (100 + i));
    }
    int seen = answered.get();
    Await.until("more queries after the last replace", Duration.ofSeconds(30), () -> answered.get() > seen + 10);
    stop.set(true);
    assertThat(queries.get(30, TimeUnit.SECONDS)).as("no query found a.test missing").isEmpty();
    for (int i = 1; i < versions.size(); i++) {
      assertThat(versions.get(i)).as("each replace is one commit").isEqualTo(versions.get(i - 1) + 1);
    }
  }

  @Test
  void exportWorksBesideTheRunningServerAndImportSaysWhatToDoInstead() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String db = dir.resolve("dnsd.db").toString();
    int code = Main.run(new String[] {"export", "a.test", "--db", db}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("$ORIGIN a.test.").contains("192.0.2.1");

    code = Main.run(new String[] {"import", zones.resolve("a.test.zone").toString(), "--db", db},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("in use by another dnsd process").contains("replace-zone");
    assertThat(address("www.a.test")).isEqualTo("192.0.2.1");
  }
}
