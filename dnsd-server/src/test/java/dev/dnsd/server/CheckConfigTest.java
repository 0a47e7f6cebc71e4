package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** check-config reads the config file and every file it names, and reports the first problem. */
class CheckConfigTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int check(String config, String... flags) throws Exception {
    Path file = dir.resolve("dnsd.yaml");
    Files.writeString(file, config);
    String[] args = new String[flags.length + 2];
    args[0] = "check-config";
    args[1] = file.toString();
    System.arraycopy(flags, 0, args, 2, flags.length);
    out.reset();
    err.reset();
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aGoodFileIsValidAndSummed() throws Exception {
    Path zones = Files.createDirectories(dir.resolve("zones"));
    Files.writeString(zones.resolve("a.test.zone"), "$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n");
    SyncCluster.secretFile(dir, "xfr.key", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMw==\n");
    assertThat(check("""
        zone-files: zones
        tsig-keys: [{name: k, algorithm: hmac-sha256, secret-file: xfr.key}]
        zones: [{zone: a.test, allow-transfer: [{key: k}]}]
        """)).as(err()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("is valid").contains("1 zone(s) in")
        .contains("store: dnsd.db (does not exist yet; serve creates it)").contains("1 TSIG key(s)");
  }

  @Test
  void theFilesItNamesAreCheckedToo() throws Exception {
    Path zones = Files.createDirectories(dir.resolve("zones"));
    Files.writeString(zones.resolve("a.test.zone"), "$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.300\n");
    assertThat(check("zone-files: zones\nstore: {memory: true}\n")).isEqualTo(1);
    assertThat(err()).contains(zones.resolve("a.test.zone") + ":4");

    assertThat(check("zone-files: elsewhere\n")).isEqualTo(1);
    assertThat(err()).contains("dnsd.yaml:1: the zone file directory " + dir.resolve("elsewhere") + " (zone-files) does not exist");

    Path key = SyncCluster.secretFile(dir, "open.key", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMw==\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(check("tsig-keys: [{name: k, algorithm: hmac-sha256, secret-file: open.key}]\n")).isEqualTo(1);
    assertThat(err()).contains(key.toString()).contains("chmod 600");

    assertThat(check("sync: {listen: 127.0.0.1:0, peers-file: peers.conf}\n")).isEqualTo(1);
    assertThat(err()).contains("cannot read peers file " + dir.resolve("peers.conf"));
  }

  @Test
  void settingsThatDoNotFitTogetherNameTheirLine() throws Exception {
    assertThat(check("listen: 127.0.0.1:0\nsync:\n  primary: 127.0.0.1:5300\n  name: ns2\n  secret-file: ns2.secret\n"
        + "zone-files: zones\n")).isEqualTo(1);
    assertThat(err()).contains("dnsd.yaml:6: zone-files changes zones, but a secondary's zones are its primary's");
    assertThat(check("store:\n  db: x.db\n  memory: true\n")).isEqualTo(1);
    assertThat(err()).contains("dnsd.yaml:2: store.memory and store.db exclude each other");
  }

  @Test
  void flagsBesideTheFileAreCheckedWithIt() throws Exception {
    assertThat(check("store: {memory: true}\n", "--threads", "0")).isEqualTo(1);
    assertThat(err()).contains("--threads needs a positive whole number");
    assertThat(check("store: {db: x.db}\n", "--memory")).as(err()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("store: memory");
  }
}
