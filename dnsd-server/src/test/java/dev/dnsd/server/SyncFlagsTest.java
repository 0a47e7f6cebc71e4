package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.DnsServer;
import dev.dnsd.ServerExtension;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.sync.ControlClient;
import dev.dnsd.sync.SyncException;
import dev.dnsd.sync.SyncPrimary;
import dev.dnsd.sync.SyncSecondary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable server's replication flags: what they build, and the errors bad values get. */
class SyncFlagsTest {
  @TempDir Path dir;

  private static Settings flags(String... args) {
    return TestFlags.settings(args);
  }

  @Test
  void noSyncFlagsMeansNoExtension() throws Exception {
    assertThat(SyncSettings.build(flags(), null)).isNull();
  }

  @Test
  void peersFromFlagsAndAFileGetTheirRolesAndSecrets() throws Exception {
    Path ns2 = SyncCluster.secretFile(dir, "ns2.secret", "ns2-secret-0123456789\n");
    SyncCluster.secretFile(dir, "admin.secret", "admin-secret-0123456789\r\n");
    Path peers = dir.resolve("peers.conf");
    Files.writeString(peers, "# name role secret\n\nadmin  control  admin.secret   # relative to this file\n");
    ServerExtension sync = SyncSettings.build(flags(
        "--sync-listen", "127.0.0.1:0", "--peer", "ns2:secondary+control:" + ns2, "--peers", peers.toString()), null);
    assertThat(sync).isInstanceOf(SyncPrimary.class);
    SyncPrimary primary = (SyncPrimary) sync;
    try (DnsServer server = DnsServer.builder().extension(primary).build().start()) {
      byte[] admin = "admin-secret-0123456789".getBytes(StandardCharsets.UTF_8);
      try (ControlClient control = ControlClient.connect(primary.boundAddress(), "admin", admin)) {
        assertThat(control.commit(ChangeSet.builder().build())).isPositive();
      }
      byte[] ns2Secret = "ns2-secret-0123456789".getBytes(StandardCharsets.UTF_8);
      try (ControlClient control = ControlClient.connect(primary.boundAddress(), "ns2", ns2Secret)) {
        assertThat(control.listZones()).isEmpty();
      }
      byte[] withNewline = "ns2-secret-0123456789\n".getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> ControlClient.connect(primary.boundAddress(), "ns2", withNewline))
          .as("the trailing newline is not part of the secret")
          .isInstanceOf(SyncException.class);
    }
  }

  @Test
  void secondaryModeBuildsASecondary() throws Exception {
    Path secret = SyncCluster.secretFile(dir, "ns2.secret", "ns2-secret-0123456789\n");
    ServerExtension sync = SyncSettings.build(flags("--primary", "127.0.0.1:5300", "--name", "ns2", "--secret-file", secret.toString()), null);
    assertThat(sync).isInstanceOf(SyncSecondary.class);
    assertThat(flags("--primary", "127.0.0.1:5300").isSecondary()).isTrue();
  }

  @Test
  void secretFilesThatAreShortOpenOrMissingAreRefusedByName() throws Exception {
    Path shortOne = SyncCluster.secretFile(dir, "short.secret", "too-short\n");
    assertThatThrownBy(() -> SyncSettings.build(flags("--sync-listen", "127.0.0.1:0", "--peer", "ns2:secondary:" + shortOne), null))
        .isInstanceOf(IOException.class).hasMessageContaining(shortOne.toString()).hasMessageContaining("at least 16");
    Path open = SyncCluster.secretFile(dir, "open.secret", "ns2-secret-0123456789\n");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> SyncSettings.build(flags("--primary", "127.0.0.1:1", "--name", "ns2", "--secret-file", open.toString()), null))
        .isInstanceOf(IOException.class).hasMessageContaining(open.toString()).hasMessageContaining("chmod 600");
    Path missing = dir.resolve("missing.secret");
    assertThatThrownBy(() -> SyncSettings.build(flags("--primary", "127.0.0.1:1", "--name", "ns2", "--secret-file", missing.toString()), null))
        .isInstanceOf(IOException.class).hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
  }

  @Test
  void badValuesAreUsageErrorsThatSayWhatIsWrong() throws Exception {
    Path secret = SyncCluster.secretFile(dir, "ns2.secret", "ns2-secret-0123456789\n");
    assertThatThrownBy(() -> SyncSettings.build(flags("--sync-listen", "127.0.0.1:0"), null))
        .isInstanceOf(UsageException.class).hasMessageContaining("--peer NAME:ROLE:SECRET_FILE");
    assertThatThrownBy(() -> SyncSettings.build(flags("--peer", "ns2:secondary:" + secret), null))
        .isInstanceOf(UsageException.class).hasMessageContaining("--sync-listen");
    assertThatThrownBy(() -> SyncSettings.build(flags("--sync-listen", "127.0.0.1:0", "--peer", "ns2:" + secret), null))
        .isInstanceOf(UsageException.class).hasMessageContaining("NAME:ROLE:SECRET_FILE");
    assertThatThrownBy(() -> SyncSettings.build(flags("--sync-listen", "127.0.0.1:0", "--peer", "ns2:primary:" + secret), null))
        .isInstanceOf(UsageException.class).hasMessageContaining("unknown role 'primary'");
    assertThatThrownBy(() -> SyncSettings.build(flags("--sync-listen", "127.0.0.1:0",
            "--peer", "ns2:secondary:" + secret, "--peer", "ns2:control:" + secret), null))
        .isInstanceOf(UsageException.class).hasMessageContaining("ns2 was already added");
    assertThatThrownBy(() -> SyncSettings.build(flags("--primary", "127.0.0.1:5300", "--name", "ns2"), null))
        .isInstanceOf(UsageException.class).hasMessageContaining("--secret-file");
    assertThatThrownBy(() -> SyncSettings.build(flags("--name", "ns2", "--secret-file", secret.toString()), null))
        .isInstanceOf(UsageException.class).hasMessageContaining("needs --primary");
    assertThatThrownBy(() -> SyncSettings.build(flags("--primary", "127.0.0.1:5300", "--name", "ns2",
            "--secret-file", secret.toString(), "--sync-listen", "127.0.0.1:0"), null))
        .isInstanceOf(UsageException.class).hasMessageContaining("cannot take it");
    assertThatThrownBy(() -> SyncSettings.build(flags("--sync-listen", "127.0.0.1:0", "--peer", "ns2:secondary:" + secret,
            "--sync-tls-keystore", dir.resolve("ks.p12").toString()), null))
        .isInstanceOf(UsageException.class).hasMessageContaining("--sync-tls-password-file");
  }

  @Test
  void aBadPeersFileLineIsNamedByFileAndLine() throws Exception {
    Path peers = dir.resolve("peers.conf");
    Files.writeString(peers, "# peers\nns2 secondary\n");
    assertThatThrownBy(() -> SyncSettings.build(flags("--sync-listen", "127.0.0.1:0", "--peers", peers.toString()), null))
        .isInstanceOf(UsageException.class).hasMessageContaining(peers + ":2").hasMessageContaining("NAME ROLE SECRET_FILE");
  }

  @Test
  void aSecondaryRefusesFlagsThatWouldChangeItsZones() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"--primary", "127.0.0.1:5300", "--zones", "zones"}, System.out,
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--zones").contains("secondary");
  }

  @Test
  void helpListsTheSyncFlagsAndThePeersFileFormat() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Main.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--sync-listen HOST:PORT")
        .contains("--peer NAME:ROLE:SECRET_FILE")
        .contains("--peers FILE").contains("NAME ROLE SECRET_FILE")
        .contains("--primary HOST:PORT").contains("--name NAME").contains("--secret-file FILE")
        .contains("--sync-tls-keystore FILE").contains("--sync-tls-truststore FILE").contains("--sync-tls-password-file FILE");
  }
}
