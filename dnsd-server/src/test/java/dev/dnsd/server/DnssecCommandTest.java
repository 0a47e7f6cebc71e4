package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.dnssec.DnssecAlgorithm;
import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.dnssec.DnssecStatus;
import dev.dnsd.sqlite.SqliteRecordStore;
import dev.dnsd.store.ChangeSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/** --dnssec, the config file's zones[].dnssec, and the dnssec command. */
class DnssecCommandTest {
  private static final Name ZONE = DemoZone.ORIGIN;
  private static final Pattern SIGNING =
      Pattern.compile("^dnsd: signing demo\\.test\\. \\(ECDSAP256SHA256, NSEC\\); the parent's DS: \\[demo\\.test\\.\\s+\\d+\\s+IN\\s+DS\\s+(\\d+) 13 2 ");
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run main(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path signedStore() {
    Path db = dir.resolve("dnsd.db");
    try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
      store.commit(ChangeSet.builder().replaceZone(DemoZone.zone()).sign(ZONE, DnssecPolicy.defaults()).build());
    }
    return db;
  }

  @Test
  @DisplayName("--dnssec ZONE[:ALGORITHM][:nsec3] says the zone, algorithm and denial; a bad algorithm is a usage error")
  void flag() {
    Settings s = TestFlags.settings("--dnssec", "demo.test", "--dnssec", "example.com.:ed25519:nsec3");
    assertThat(s.dnssec).hasSize(2);
    assertThat(s.dnssec.get(0).policy()).isEqualTo(DnssecPolicy.defaults());
    assertThat(s.dnssec.get(1).zone()).isEqualTo(Name.fromConstantString("example.com."));
    assertThat(s.dnssec.get(1).algorithm()).isEqualTo(DnssecAlgorithm.ED25519);
    assertThat(s.dnssec.get(1).denial()).isEqualTo(DnssecPolicy.Denial.NSEC3);
    assertThatThrownBy(() -> TestFlags.settings("--dnssec", "demo.test:rsasha1"))
        .isInstanceOf(UsageException.class).hasMessageContaining("--dnssec").hasMessageContaining("ECDSAP256SHA256");
  }

  @Test
  @DisplayName("the config file's zones[].dnssec signs the zone; a flag for the zone replaces it")
  void configFile() throws Exception {
    Path file = dir.resolve("dnsd.yaml");
    Files.writeString(file, """
        zones:
          - zone: demo.test
            dnssec: rsasha256
          - zone: other.test
            dnssec: nsec3
        """);
    Settings fromFile = ConfigFile.read(file);
    assertThat(fromFile.dnssec).extracting(Settings.Dnssec::algorithm)
        .containsExactly(DnssecAlgorithm.RSASHA256, DnssecAlgorithm.ECDSAP256SHA256);
    Settings both = fromFile.overriddenBy(TestFlags.settings("--dnssec", "demo.test:ed25519"));
    assertThat(both.dnssec).extracting(Settings.Dnssec::algorithm)
        .containsExactlyInAnyOrder(DnssecAlgorithm.ECDSAP256SHA256, DnssecAlgorithm.ED25519);
  }

  @Test
  @DisplayName("dnssec ds prints the parent's DS and dnssec keys the key; both read the store without opening it")
  void dsAndKeys() {
    Path db = signedStore();
    DnssecStatus status = SqliteRecordStore.readDnssec(db, ZONE, java.time.Instant.now());
    Run ds = main("dnssec", "ds", "demo.test", "--db", db.toString());
    assertThat(ds.exit()).as(ds.err()).isZero();
    assertThat(ds.out().strip()).isEqualTo(status.ds().get(0).toString());
    Run keys = main("dnssec", "keys", "demo.test", "--db", db.toString());
    assertThat(keys.exit()).as(keys.err()).isZero();
    assertThat(keys.out()).contains(Integer.toString(status.keys().get(0).tag())).contains("CSK").contains("ACTIVE");
  }

  @Test
  @DisplayName("dnssec rollover starts a CSK rollover as ksk; confirm-ds before the new key is safe is refused with the reason")
  void rollover() {
    Path db = signedStore();
    Run zsk = main("dnssec", "rollover", "demo.test", "zsk", "--db", db.toString());
    assertThat(zsk.exit()).isEqualTo(1);
    assertThat(zsk.err()).contains("one combined key");
    Run roll = main("dnssec", "rollover", "demo.test", "ksk", "--db", db.toString());
    assertThat(roll.exit()).as(roll.err()).isZero();
    Run keys = main("dnssec", "keys", "demo.test", "--db", db.toString());
    assertThat(keys.out()).contains("PUBLISHED").contains("waits for confirm-ds");
    Run early = main("dnssec", "confirm-ds", "demo.test", "--db", db.toString());
    assertThat(early.exit()).isEqualTo(1);
    assertThat(early.err()).contains("not published long enough");
    Run bad = main("dnssec", "rollover", "demo.test", "xsk", "--db", db.toString());
    assertThat(bad.exit()).isEqualTo(2);
  }

  @Test
  @DisplayName("a zone the store does not sign is named as such")
  void notSigned() {
    Path db = dir.resolve("plain.db");
    try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
      store.commit(ChangeSet.builder().replaceZone(DemoZone.zone()).build());
    }
    Run keys = main("dnssec", "keys", "demo.test", "--db", db.toString());
    assertThat(keys.exit()).isEqualTo(1);
    assertThat(keys.err()).contains("does not sign demo.test.");
    Run ds = main("dnssec", "ds", "demo.test", "--db", db.toString());
    assertThat(ds.err()).contains("is not signed");
  }

  @Test
  @DisplayName("dnsd.jar --dnssec serves the zone signed, prints its DS, and a second start keeps the key")
  void servesSigned() throws Exception {
    Dig.require("dig", "bind9-dnsutils");
    Path db = dir.resolve("served.db");
    String tag;
    try (ServerProcess server = ServerProcess.start(dir, "--db", db.toString(), "--dnssec", "demo.test",
        "--listen", "127.0.0.1:0", "--threads", "1")) {
      String port = String.valueOf(server.awaitPort());
      String out = Dig.run("dig", "@127.0.0.1", "-p", port, "+norec", "+dnssec", "www.demo.test", "A");
      assertThat(out).contains("RRSIG").contains("status: NOERROR");
      tag = server.awaitLine(SIGNING, Duration.ofSeconds(30)).group(1);
      // Beside the running server, which holds the store.
      Run ds = main("dnssec", "ds", "demo.test", "--db", db.toString());
      assertThat(ds.exit()).as(ds.err()).isZero();
      assertThat(ds.out()).containsPattern("\\sDS\\s+" + tag + " 13 2 ");
      Run keys = main("dnssec", "keys", "demo.test", "--db", db.toString());
      assertThat(keys.out()).contains(tag);
      Run roll = main("dnssec", "rollover", "demo.test", "ksk", "--db", db.toString());
      assertThat(roll.exit()).isEqualTo(1);
      assertThat(roll.err()).contains("in use by another dnsd process");
    }
    try (ServerProcess server = ServerProcess.start(dir, "--db", db.toString(), "--dnssec", "demo.test",
        "--listen", "127.0.0.1:0", "--threads", "1")) {
      assertThat(server.awaitLine(SIGNING, Duration.ofSeconds(30)).group(1)).as("the same key").isEqualTo(tag);
    }
  }

  @Test
  @DisplayName("export-keys writes BIND's key files, import-key signs an unsigned zone with such a key")
  void exportAndImport() throws Exception {
    Path db = signedStore();
    Path keys = dir.resolve("keys");
    Run export = main("dnssec", "export-keys", "demo.test", keys.toString(), "--db", db.toString());
    assertThat(export.exit()).as(export.err()).isZero();
    Path priv = Path.of(export.out().strip());
    assertThat(Files.getPosixFilePermissions(priv))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    int tag = dev.dnsd.dnssec.SigningKey.readBind(priv).tag();
    assertThat(SqliteRecordStore.readDnssec(db, ZONE, java.time.Instant.now()).keys().get(0).tag()).isEqualTo(tag);

    Path other = dir.resolve("other.db");
    try (SqliteRecordStore store = SqliteRecordStore.open(other)) {
      store.commit(ChangeSet.builder().replaceZone(DemoZone.zone()).build());
    }
    Run imported = main("dnssec", "import-key", "demo.test", priv.toString(), "csk", "--db", other.toString());
    assertThat(imported.exit()).as(imported.err()).isZero();
    assertThat(SqliteRecordStore.readDnssec(other, ZONE, java.time.Instant.now()).keys())
        .extracting(DnssecStatus.Key::tag).containsExactly(tag);
  }
}
