package dev.dnsd.sync;

import static dev.dnsd.sync.Zones.content;
import static dev.dnsd.sync.Zones.createZone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.Await;
import dev.dnsd.DnsServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();
  private static SSLContext context;
  private final Cluster cluster = new Cluster();

  /** A self-signed certificate made with the JDK's keytool, trusted by the clients. */
  @BeforeAll
  static void keystore(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("primary.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "EC", "-alias", "primary", "-dname", "CN=localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void controlAndReplicationWorkOverTls() throws Exception {
    SyncPrimary sync =
        SyncPrimary.builder()
            .tls(context)
            .peer("ns2", Zones.SECRET, Role.SECONDARY)
            .peer("admin", Zones.CONTROL_SECRET, Role.CONTROL)
            .build();
    try (DnsServer primary = DnsServer.builder().extension(sync).build().start()) {
      try (ControlClient control = ControlClient.connect(sync.boundAddress(), "admin", Zones.CONTROL_SECRET, context)) {
        control.commit(createZone("example.com"));
      }
      SyncSecondary secondary =
          SyncSecondary.builder().primary(sync.boundAddress()).name("ns2").secret(Zones.SECRET).tls(context).build();
      try (DnsServer ns2 = DnsServer.builder().extension(secondary).build().start()) {
        Await.until("copied over TLS", Cluster.LONG, () -> secondary.appliedVersion() == primary.store().version());
        assertThat(content(ns2.zones())).isEqualTo(content(primary.zones()));
      }
      assertThatThrownBy(() -> ControlClient.connect(sync.boundAddress(), "admin", Zones.CONTROL_SECRET))
          .as("plain TCP to a TLS listener")
          .isInstanceOf(IOException.class);
    }
  }
}
