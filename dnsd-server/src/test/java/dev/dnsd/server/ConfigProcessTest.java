package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.TestDns;
import dev.dnsd.sync.ControlClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/** dnsd.jar as a child process: a config file instead of flags, and what the command line says back. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfigProcessTest {
  private static final String TSIG_SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMw==";
  private static final String ADMIN = "admin-secret-0123456789";

  @TempDir Path dir;

  private void files() throws Exception {
    Path zones = Files.createDirectories(dir.resolve("zones"));
    Files.writeString(zones.resolve("a.test.zone"),
        "$TTL 300\n@ SOA ns1 hostmaster 7 3600 600 1209600 300\n@ NS ns1\nns1 A 192.0.2.53\nwww A 192.0.2.1\n"
            + "*.dyn TXT \"wild\"\nalias CNAME www\n");
    SyncCluster.secretFile(dir, "xfr.key", TSIG_SECRET + "\n");
    SyncCluster.secretFile(dir, "admin.secret", ADMIN + "\n");
  }

  @Test
  void aConfigFileServesWhatTheSameFlagsServe() throws Exception {
    files();
    Files.writeString(dir.resolve("dnsd.yaml"), """
        listen: [127.0.0.1:0]
        threads: 1
        store: {memory: true}
        zone-files: zones
        tsig-keys:
          - {name: xfr-key, algorithm: hmac-sha256, secret-file: xfr.key}
        zones:
          - zone: a.test
            allow-transfer:
              - key: xfr-key
              - prefix: 192.0.2.0/24
            notify: [127.0.0.1:9]
        sync:
          listen: 127.0.0.1:0
          peers:
            - {name: admin, role: control, secret-file: admin.secret}
        """);
    List<String> fromFlags;
    List<String> fromFile;
    try (ServerProcess flags = ServerProcess.start(dir, "--listen", "127.0.0.1:0", "--threads", "1", "--memory",
            "--zones", "zones", "--tsig-key", "xfr-key:hmac-sha256:xfr.key", "--allow-transfer", "a.test:key=xfr-key",
            "--allow-transfer", "a.test:192.0.2.0/24", "--notify", "a.test:127.0.0.1:9",
            "--sync-listen", "127.0.0.1:0", "--peer", "admin:control:admin.secret");
        ServerProcess file = ServerProcess.start(dir, "--config", "dnsd.yaml")) {
      fromFlags = observe(flags);
      fromFile = observe(file);
    }
    assertThat(fromFile).isEqualTo(fromFlags);
    assertThat(fromFile).contains("www.a.test./A: NOERROR www.a.test.\t\t300\tIN\tA\t192.0.2.1",
        "AXFR signed: 6 records", "AXFR unsigned: refused", "control: a.test. serial 7");
  }

  /** What a client sees of a server: answers, transfers with and without the key, control. */
  private static List<String> observe(ServerProcess server) throws Exception {
    InetSocketAddress dns = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.awaitPort());
    int sync = server.awaitSyncPort();
    List<String> seen = new ArrayList<>();
    String[][] queries = {{"www.a.test.", "A"}, {"alias.a.test.", "A"}, {"x.dyn.a.test.", "TXT"}, {"nope.a.test.", "A"},
        {"a.test.", "NS"}, {"www.example.org.", "A"}};
    for (String[] q : queries) {
      Message m = TestDns.udp(dns, TestDns.query(q[0], Type.value(q[1])));
      StringBuilder line = new StringBuilder(q[0] + "/" + q[1] + ": " + org.xbill.DNS.Rcode.string(m.getRcode()));
      for (Record r : m.getSection(Section.ANSWER)) {
        line.append(' ').append(r);
      }
      seen.add(line.toString());
    }
    ZoneTransferIn signed = ZoneTransferIn.newAXFR(Name.fromString("a.test."), dns,
        new TSIG(TSIG.HMAC_SHA256, Name.fromString("xfr-key."), TSIG_SECRET));
    signed.run();
    seen.add("AXFR signed: " + (signed.getAXFR().size() - 1) + " records");
    ZoneTransferIn unsigned = ZoneTransferIn.newAXFR(Name.fromString("a.test."), dns, null);
    try {
      unsigned.run();
      seen.add("AXFR unsigned: allowed");
    } catch (ZoneTransferException e) {
      seen.add("AXFR unsigned: " + (e.getMessage().contains("REFUSED") ? "refused" : e.getMessage()));
    }
    try (ControlClient control = ControlClient.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), sync),
        "admin", ADMIN.getBytes(StandardCharsets.UTF_8))) {
      for (ControlClient.ZoneInfo z : control.listZones()) {
        seen.add("control: " + z.origin() + " serial " + z.serial());
      }
    }
    return seen;
  }

  @Test
  void checkConfigNamesFileLineAndKeyAndExits1() throws Exception {
    files();
    Path config = dir.resolve("dnsd.yaml");
    Files.writeString(config, "zone-files: zones\ntsig-keys:\n  - {name: k, algorithm: hmac-sha999, secret-file: xfr.key}\n");
    try (ServerProcess check = ServerProcess.start(dir, "check-config", "dnsd.yaml")) {
      assertThat(check.waitForExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(check.output()).contains("dnsd.yaml:3: tsig-keys[0]: ").contains("hmac-sha999");
    }
    Files.writeString(config, "zone-files: zones\nstore: {memory: true}\n");
    try (ServerProcess check = ServerProcess.start(dir, "check-config", "dnsd.yaml")) {
      assertThat(check.waitForExit(Duration.ofSeconds(60))).as(check.output()).isZero();
      assertThat(check.output()).contains("dnsd.yaml is valid").contains("1 zone(s) in");
    }
  }

  @Test
  void versionIsTheBuildsAndAMistypedFlagGetsASuggestion() throws Exception {
    try (ServerProcess version = ServerProcess.start(dir, "--version")) {
      assertThat(version.waitForExit(Duration.ofSeconds(60))).isZero();
      assertThat(version.output()).containsPattern("^dnsd \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n").doesNotContain("${");
    }
    try (ServerProcess typo = ServerProcess.start(dir, "--lisen", "127.0.0.1:0")) {
      assertThat(typo.waitForExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(typo.output()).contains("unknown flag --lisen").contains("did you mean --listen?");
    }
    try (ServerProcess typo = ServerProcess.start(dir, "contrl", "list")) {
      assertThat(typo.waitForExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(typo.output()).contains("unknown command 'contrl'").contains("did you mean control");
    }
  }

  @Test
  void aMissingZoneDirectoryIsSaidInWords() throws Exception {
    try (ServerProcess server = ServerProcess.start(dir, "--memory", "--zones", "no-such-dir", "--listen", "127.0.0.1:0")) {
      assertThat(server.waitForExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(server.output()).contains("the zone file directory " + dir.resolve("no-such-dir") + " (--zones) does not exist");
    }
  }

  @Test
  void mixedTtlsInOneRRsetAreWarnedAboutWithFileAndLine() throws Exception {
    Path zones = Files.createDirectories(dir.resolve("zones"));
    Path file = zones.resolve("a.test.zone");
    Files.writeString(file, "$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 1209600 300\n@ NS ns1\nns1 A 192.0.2.53\n"
        + "www 300 A 192.0.2.1\nwww 60 A 192.0.2.2\n");
    try (ServerProcess server = ServerProcess.start(dir, "--memory", "--zones", "zones", "--listen", "127.0.0.1:0")) {
      server.awaitPort();
      assertThat(server.awaitLine(Pattern.compile(Pattern.quote("zones/a.test.zone:6: TTL 60 differs from the 300")), Duration.ofSeconds(10)).group())
          .isNotEmpty();
    }
  }

  @Test
  void aTypoInTheConfigFileStopsTheServerWithFileLineAndKey() throws Exception {
    Files.writeString(dir.resolve("dnsd.yaml"), "listen: 127.0.0.1:0\nstore:\n  memroy: true\n");
    try (ServerProcess server = ServerProcess.start(dir, "--config", "dnsd.yaml")) {
      assertThat(server.waitForExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(server.output()).contains("dnsd.yaml:3: unknown key 'store.memroy'; store takes db, memory");
    }
    assertThatThrownBy(() -> ConfigFile.read(dir.resolve("dnsd.yaml"))).isInstanceOf(UsageException.class);
  }
}
