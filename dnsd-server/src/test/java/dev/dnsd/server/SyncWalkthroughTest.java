package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.server.SyncCluster.Node;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's replication walkthrough, with separate server processes and dig: a zone created by
 * control commands on the primary is answered by it and by every secondary, and so is a later change.
 * Each step waits for its server as the README's does (ports here are free ones, and there are two
 * secondaries).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SyncWalkthroughTest {
  @TempDir Path dir;

  @Test
  void aZoneMadeByControlCommandsIsAnsweredByThePrimaryAndEverySecondary() throws Exception {
    Dig.require("dig", "bind9-dnsutils");
    try (SyncCluster cluster = new SyncCluster(dir)) {
      ServerProcess p = cluster.start("--listen", "127.0.0.1:0", "--sync-listen", "127.0.0.1:0",
          "--peer", "ns2:secondary:ns2.secret", "--peer", "ns3:secondary:ns3.secret",
          "--peer", "admin:control:admin.secret");
      Node primary = new Node(p, p.awaitPort(), p.awaitSyncPort());
      // The README's "until $control list" step: the primary takes commands before any is sent.
      assertThat(control(primary, "list")).doesNotContain("example.com.");

      assertThat(control(primary, "create-zone", "example.com")).contains("committed, version");
      assertThat(control(primary, "add", "example.com", "300", "A", "127.0.0.1")).contains("committed, version");
      assertThat(digShort(primary, "example.com")).isEqualTo("127.0.0.1\n");

      Node ns2 = cluster.secondary("ns2", "ns2.db", primary.syncPort());
      Node ns3 = cluster.secondary("ns3", "ns3.db", primary.syncPort());
      for (Node secondary : List.of(ns2, ns3)) {
        Await.untilNoException("a secondary answers example.com", SyncCluster.LONG,
            () -> digShort(secondary, "example.com").equals("127.0.0.1\n"));
      }

      // --wait returns once every secondary applied the change, so no polling after it.
      assertThat(control(primary, "--wait", "10", "add", "www.example.com", "300", "A", "127.0.0.2"))
          .contains("applied by ns2, ns3");
      for (Node node : List.of(primary, ns2, ns3)) {
        assertThat(digShort(node, "www.example.com")).isEqualTo("127.0.0.2\n");
      }
      assertThat(control(primary, "list")).contains("example.com.\tserial 3\t4 records");
    }
  }

  private static String digShort(Node node, String name) throws Exception {
    return Dig.run("dig", "+short", "-p", String.valueOf(node.dnsPort()), "@127.0.0.1", name);
  }

  /** Runs {@code dnsd.jar control} as the README does, in this JVM; returns its output. */
  private String control(Node primary, String... command) {
    List<String> args = new ArrayList<>(List.of("control", "--server", "127.0.0.1:" + primary.syncPort(),
        "--name", "admin", "--secret-file", dir.resolve("admin.secret").toString()));
    args.addAll(List.of(command));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as("control %s: %s", List.of(command), err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }
}
