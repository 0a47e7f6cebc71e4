package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.DnsServer;
import dev.dnsd.sync.ControlClient;
import dev.dnsd.sync.SyncException;
import dev.dnsd.sync.SyncSecondary;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sync port of a primary (a child process with a 64 MiB heap) attacked as an outsider would,
 * on loopback: thousands of connections that never authenticate, and a brute force of secrets.
 */
class SyncPortHardeningTest {
  private static final byte[] NS2 = "ns2-secret-0123456789".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private ServerProcess primary;
  private DnsServer secondary;
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    if (secondary != null) {
      secondary.close();
    }
    if (primary != null) {
      primary.close();
    }
  }

  private InetSocketAddress startPrimary() throws Exception {
    SyncCluster.secretFile(dir, "ns2.secret", "ns2-secret-0123456789\n");
    SyncCluster.secretFile(dir, "admin.secret", "admin-secret-0123456789\n");
    primary =
        ServerProcess.start(
            dir, List.of("-Xmx64m"),
            "--memory", "--listen", "127.0.0.1:0", "--sync-listen", "127.0.0.1:0",
            "--peer", "ns2:secondary:ns2.secret", "--peer", "admin:control:admin.secret");
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), primary.awaitSyncPort());
  }

  @Test
  @DisplayName("5,000 connections that never authenticate fit a 64 MiB heap, and a real secondary connects at once")
  void unauthenticatedFlood() throws Exception {
    InetSocketAddress sync = startPrimary();
    for (int i = 0; i < 5000; i++) {
      Socket s = new Socket();
      s.bind(new InetSocketAddress(InetAddress.getByName("127.0.3." + (1 + i % 100)), 0));
      s.connect(sync, 5000);
      sockets.add(s);
    }

    secondary =
        DnsServer.builder()
            .extension(SyncSecondary.builder().primary(sync).name("ns2").secret(NS2).build())
            .build()
            .start();
    Await.until("the secondary has the primary's demo zone", Duration.ofSeconds(10),
        () -> !secondary.zones().zones().isEmpty());

    assertThat(primary.isAlive()).isTrue();
    assertThat(primary.output()).doesNotContain("OutOfMemoryError");
  }

  @Test
  @DisplayName("a brute force of secrets is slowed down, and its log stays short")
  void bruteForceIsSlowed() throws Exception {
    InetSocketAddress sync = startPrimary();
    byte[] wrong = "wrong-secret-0123456789".getBytes(StandardCharsets.UTF_8);
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int tries = 0;
    int refusedWithAnAnswer = 0;
    while (System.nanoTime() < end) {
      tries++;
      try (ControlClient c = ControlClient.connect(sync, "admin", wrong)) {
        throw new AssertionError("a wrong secret was accepted");
      } catch (SyncException e) {
        refusedWithAnAnswer++; // the handshake ran to its end
      } catch (IOException e) {
        // Held off: closed before the handshake.
      }
    }

    assertThat(tries).as("the brute force kept trying").isGreaterThan(100);
    // Held off 250 ms after the first failure, doubling: at most a handful of tries in 10 s.
    assertThat(refusedWithAnAnswer).isBetween(1, 12);
    // Under 100 lines a minute, of which this is a sixth.
    assertThat(primary.linesContaining("sync")).isLessThan(17);

    try (ControlClient admin = ControlClient.connect(sync, "admin", "admin-secret-0123456789".getBytes(StandardCharsets.UTF_8))) {
      throw new AssertionError("the source is still held off, yet the right secret got in");
    } catch (IOException e) {
      // Held off still: the same source gets no try now, right secret or not.
    }
  }
}
