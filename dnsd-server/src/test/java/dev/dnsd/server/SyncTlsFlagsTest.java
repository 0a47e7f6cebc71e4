package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.Await;
import dev.dnsd.DnsServer;
import dev.dnsd.sync.SyncPrimary;
import dev.dnsd.sync.SyncSecondary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS from PKCS#12 files: a primary serving with --sync-tls-keystore, a secondary trusting it with
 * --sync-tls-truststore, and control --tls-truststore; one keytool-made self-signed certificate is
 * both the key and the trust.
 */
class SyncTlsFlagsTest {
  @TempDir static Path dir;
  private static Path keystore;
  private static Path password;
  private static Path ns2;
  private static Path admin;

  @BeforeAll
  static void files() throws Exception {
    keystore = dir.resolve("primary.p12");
    Process keytool = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-keyalg", "EC", "-alias", "primary", "-dname", "CN=localhost", "-validity", "2",
            "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit")
        .redirectErrorStream(true)
        .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();
    password = SyncCluster.secretFile(dir, "tls.password", "changeit\n");
    ns2 = SyncCluster.secretFile(dir, "ns2.secret", "ns2-secret-0123456789\n");
    admin = SyncCluster.secretFile(dir, "admin.secret", "admin-secret-0123456789\n");
  }

  private static Settings flags(String... args) {
    return TestFlags.settings(args);
  }

  @Test
  void controlAndReplicationRunOverTlsFromKeystoreFiles() throws Exception {
    SyncPrimary sync = (SyncPrimary) SyncSettings.build(flags("--sync-listen", "127.0.0.1:0",
        "--peer", "ns2:secondary:" + ns2, "--peer", "admin:control:" + admin,
        "--sync-tls-keystore", keystore.toString(), "--sync-tls-password-file", password.toString()), null);
    try (DnsServer primary = DnsServer.builder().extension(sync).build().start()) {
      String server = "127.0.0.1:" + sync.boundAddress().getPort();
      SyncSecondary secondary = (SyncSecondary) SyncSettings.build(flags("--primary", server, "--name", "ns2",
          "--secret-file", ns2.toString(),
          "--sync-tls-truststore", keystore.toString(), "--sync-tls-password-file", password.toString()), null);
      try (DnsServer ns2Server = DnsServer.builder().extension(secondary).build().start()) {
        Await.until("ns2 is connected over TLS", Duration.ofSeconds(30), secondary::isConnected);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(control(out, server, "--tls-truststore", keystore.toString(), "--tls-password-file",
            password.toString(), "--wait", "10", "create-zone", "example.com")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("applied by ns2");
        assertThat(ns2Server.zones().zones()).hasSize(1);
        assertThat(control(new ByteArrayOutputStream(), server, "list")).as("plain TCP to a TLS listener").isEqualTo(1);
      }
    }
  }

  @Test
  void aWrongPasswordIsAnErrorNamingTheKeystore() throws Exception {
    Path wrong = SyncCluster.secretFile(dir, "wrong.password", "not-the-password\n");
    assertThatThrownBy(() -> SyncSettings.build(flags("--sync-listen", "127.0.0.1:0", "--peer", "ns2:secondary:" + ns2,
            "--sync-tls-keystore", keystore.toString(), "--sync-tls-password-file", wrong.toString()), null))
        .isInstanceOf(IOException.class).hasMessageContaining(keystore.toString());
  }

  private int control(ByteArrayOutputStream out, String server, String... command) {
    List<String> args = new ArrayList<>(List.of("control", "--server", server, "--name", "admin",
        "--secret-file", admin.toString()));
    args.addAll(List.of(command));
    return Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }
}
