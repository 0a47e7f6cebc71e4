package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.DnsServer;
import dev.dnsd.sync.Role;
import dev.dnsd.sync.SyncPrimary;
import dev.dnsd.zone.Zone;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/** {@code dnsd.jar control}: each command against a primary in this JVM, and its exit codes. */
class ControlCommandTest {
  private static final String ADMIN = "admin-secret-0123456789";
  private static final String NS2 = "ns2-secret-0123456789";
  @TempDir Path dir;
  private DnsServer primary;
  private String server;
  private Path adminSecret;
  private Path ns2Secret;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws Exception {
    SyncPrimary sync = SyncPrimary.builder()
        .peer("admin", ADMIN.getBytes(StandardCharsets.UTF_8), Role.CONTROL)
        .peer("ns2", NS2.getBytes(StandardCharsets.UTF_8), Role.SECONDARY)
        .build();
    primary = DnsServer.builder().extension(sync).build().start();
    server = "127.0.0.1:" + sync.boundAddress().getPort();
    adminSecret = SyncCluster.secretFile(dir, "admin.secret", ADMIN + "\n");
    ns2Secret = SyncCluster.secretFile(dir, "ns2.secret", NS2 + "\n");
  }

  @AfterEach
  void stop() {
    primary.close();
  }

  private int control(String... command) {
    return controlAs("admin", adminSecret, command);
  }

  private int controlAs(String name, Path secret, String... command) {
    out.reset();
    err.reset();
    List<String> args = new ArrayList<>(List.of("control", "--server", server, "--name", name, "--secret-file", secret.toString()));
    args.addAll(List.of(command));
    return Main.run(args.toArray(String[]::new),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private Zone zone(String origin) throws Exception {
    return primary.zones().get(Name.fromString(origin));
  }

  @Test
  void createZoneWithoutAFileGivesTheDocumentedSoaAndNs() throws Exception {
    assertThat(control("create-zone", "example.com")).isZero();
    assertThat(out()).containsPattern("committed, version \\d+");
    Zone zone = zone("example.com.");
    assertThat(zone.recordCount()).isEqualTo(2);
    assertThat(zone.soa().rdataToString()).isEqualTo("ns1.example.com. hostmaster.example.com. 1 3600 600 1209600 300");
    assertThat(zone.soa().getTTL()).isEqualTo(3600);
    assertThat(zone.rrset(Name.fromString("example.com."), Type.NS).first().rdataToString()).isEqualTo("ns1.example.com.");
    assertThat(control("create-zone", "--help")).isZero();
    assertThat(out()).contains("ZONE 3600 IN SOA ns1.ZONE hostmaster.ZONE 1 3600 600 1209600 300");
  }

  @Test
  void createZoneFromAMasterFile() throws Exception {
    Path file = dir.resolve("shop.test.zone");
    Files.writeString(file, "$TTL 300\n@ SOA ns h 7 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n");
    assertThat(control("create-zone", "shop.test", file.toString())).isZero();
    assertThat(zone("shop.test.").recordCount()).isEqualTo(3);
    assertThat(control("create-zone", "shop.test", file.toString())).as("it exists").isEqualTo(1);
    assertThat(err()).contains("rejected");
  }

  @Test
  void addDeleteAndListEditAndShowTheZone() throws Exception {
    control("create-zone", "example.com");
    assertThat(control("add", "example.com", "300", "A", "127.0.0.1")).isZero();
    assertThat(control("add", "www.example.com.", "1h", "TXT", "hello world")).isZero();
    assertThat(control("add", "www.example.com", "300", "A", "192.0.2.1")).isZero();
    assertThat(control("add", "www.example.com", "300", "A", "192.0.2.2")).isZero();
    assertThat(control("list", "example.com")).isZero();
    assertThat(out())
        .startsWith("$ORIGIN example.com.\n")
        .contains("@\t\t300\tIN\tA\t127.0.0.1")
        .contains("www\t3600\tIN\tTXT\t\"hello world\"")
        .contains("192.0.2.1").contains("192.0.2.2");

    assertThat(control("delete", "www.example.com", "A", "192.0.2.1")).isZero();
    assertThat(zone("example.com.").rrset(Name.fromString("www.example.com."), Type.A).records()).hasSize(1);
    assertThat(control("delete", "www.example.com", "TXT")).isZero();
    assertThat(zone("example.com.").rrset(Name.fromString("www.example.com."), Type.TXT)).isNull();
    assertThat(control("delete", "www.example.com")).isZero();
    assertThat(zone("example.com.").exists(Name.fromString("www.example.com."))).isFalse();

    assertThat(control("list")).isZero();
    assertThat(out()).isEqualTo("example.com.\tserial " + zone("example.com.").serial() + "\t3 records\n");
    assertThat(control("delete-zone", "example.com")).isZero();
    assertThat(zone("example.com.")).isNull();
    assertThat(control("list", "example.com")).isEqualTo(1);
    assertThat(err()).contains("no zone example.com.");
  }

  @Test
  void waitFailsNamingAConfiguredSecondaryThatIsNotConnected() throws Exception {
    assertThat(control("--wait", "1", "create-zone", "example.com")).isEqualTo(1);
    assertThat(out()).contains("committed");
    assertThat(err()).contains("not yet applied by ns2");
  }

  @Test
  void aRejectedChangeFailsWithThePrimarysReason() {
    control("create-zone", "example.com");
    control("add", "x.example.com", "300", "CNAME", "example.com");
    assertThat(control("add", "x.example.com", "300", "A", "127.0.0.1")).isEqualTo(1);
    assertThat(err()).contains("rejected").contains("CNAME");
  }

  @Test
  void aPeerWithoutTheControlRoleOrWithTheWrongSecretIsRefused() {
    assertThat(controlAs("ns2", ns2Secret, "list")).isEqualTo(1);
    assertThat(err()).contains("refused").contains("may not change zones");
    assertThat(controlAs("admin", ns2Secret, "list")).isEqualTo(1);
    assertThat(err()).contains("refused").contains("authentication failed");
    assertThat(err()).doesNotContain(NS2).doesNotContain(ADMIN);
  }

  @Test
  void usageErrorsExitWith2AndSayWhatIsWrong() {
    assertThat(control("frobnicate")).isEqualTo(2);
    assertThat(err()).contains("unknown control command 'frobnicate'").contains("control --help");
    assertThat(control("add", "example.com", "300", "A")).isEqualTo(2);
    assertThat(err()).contains("add takes NAME TTL TYPE RDATA...");
    assertThat(control("add", "example.com", "soon", "A", "127.0.0.1")).isEqualTo(2);
    assertThat(err()).contains("not a TTL: soon");
    assertThat(control("add", "example.com", "300", "NOPE", "127.0.0.1")).isEqualTo(2);
    assertThat(err()).contains("unknown record type NOPE");
    assertThat(control("add", "example.com", "300", "A", "300.1.2.3")).isEqualTo(2);
    assertThat(err()).contains("bad A data '300.1.2.3'");
    out.reset();
    err.reset();
    int code = Main.run(new String[] {"control", "list"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("control needs --server");
  }

  @Test
  void anUnreachablePrimaryIsAFailureThatNamesIt() throws Exception {
    server = "127.0.0.1:1";
    assertThat(control("list")).isEqualTo(1);
    assertThat(err()).contains("127.0.0.1:1").contains("failed");
  }
}
