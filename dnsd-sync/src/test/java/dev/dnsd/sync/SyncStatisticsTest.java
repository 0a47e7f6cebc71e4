package dev.dnsd.sync;

import static dev.dnsd.sync.Zones.addA;
import static dev.dnsd.sync.Zones.apex;
import static dev.dnsd.sync.Zones.name;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.ServerStatistics;
import dev.dnsd.TestDns;
import dev.dnsd.store.AbstractRecordStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a primary's statistics say of its secondaries, what {@code ControlClient.statistics()}
 * brings back, and the audit lines of control and replicated commits.
 */
class SyncStatisticsTest {
  private final Cluster cluster = new Cluster();

  @AfterEach
  void close() {
    cluster.close();
  }

  private static ServerStatistics.Secondary secondary(Cluster.Primary primary, String name) {
    return primary.server().statistics().secondaries().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no secondary " + name));
  }

  @Test
  @DisplayName("per secondary: connected, the version applied, and the lag in versions and time")
  void secondariesConnectedAppliedAndLag() throws Exception {
    Cluster.Primary primary = cluster.primaryWithSecondaries("ns2", "ns3");
    primary.server().commit(Zones.createZone("example.com"));
    Cluster.Secondary ns2 = cluster.secondary("ns2", primary.syncAddress());
    Cluster.awaitCaughtUp(primary, ns2);
    long version = primary.server().store().version();
    Await.until("ns2 acknowledged", Cluster.LONG, () -> secondary(primary, "ns2").appliedVersion() == version);

    assertThat(primary.server().statistics().secondaries()).extracting(ServerStatistics.Secondary::name)
        .containsExactly("ns2", "ns3");
    assertThat(secondary(primary, "ns2"))
        .isEqualTo(new ServerStatistics.Secondary("ns2", null, true, version, 0, 0));
    ServerStatistics.Secondary ns3 = secondary(primary, "ns3");
    assertThat(ns3.connected()).isFalse();
    assertThat(ns3.appliedVersion()).isEqualTo(-1);
    assertThat(ns3.lagVersions()).isEqualTo(version);
    assertThat(ns3.lagMillis()).isNotNegative();

    ns2.server().close();
    Await.until("ns2 gone", Cluster.LONG, () -> !secondary(primary, "ns2").connected());
    long before = System.currentTimeMillis();
    primary.server().commit(addA("www.example.com", 1));
    primary.server().commit(addA("mail.example.com", 2));
    long elapsed = System.currentTimeMillis() - before;
    ServerStatistics.Secondary behind = secondary(primary, "ns2");
    assertThat(behind.appliedVersion()).isEqualTo(version);
    assertThat(behind.lagVersions()).isEqualTo(2);
    // Since the first commit it lacks: no longer than the test has waited since just before it.
    assertThat(behind.lagMillis()).isBetween(0L, System.currentTimeMillis() - before + elapsed);
  }

  @Test
  @DisplayName("a control peer gets the primary's statistics as metrics")
  void controlStatistics() throws Exception {
    Cluster.Primary primary = cluster.primary();
    primary.server().commit(Zones.createZone("example.com"));
    // The apex (NODATA for A): an answer to a name the zone holds is cached on its first miss.
    TestDns.udp(primary.server().address(), TestDns.a("example.com"));
    TestDns.udp(primary.server().address(), TestDns.a("example.com"));
    try (ControlClient control = ControlClient.connect(primary.syncAddress(), "admin", Zones.CONTROL_SECRET)) {
      List<ServerStatistics.Metric> metrics = control.statistics();
      assertThat(metrics).extracting(m -> m.name() + m.tags())
          .isEqualTo(primary.server().statistics().metrics().stream().map(m -> m.name() + m.tags()).toList());
      assertThat(value(metrics, "dnsd.queries", Map.of("transport", "udp"))).isEqualTo(2);
      assertThat(value(metrics, "dnsd.answer.cache.hits", Map.of())).isEqualTo(1);
      assertThat(value(metrics, "dnsd.secondary.connected", Map.of("secondary", "ns2", "zone", ""))).isZero();
      assertThat(metrics.stream().filter(m -> m.name().equals("dnsd.queries")).findFirst().orElseThrow().kind())
          .isEqualTo(ServerStatistics.Metric.Kind.COUNTER);
    }
  }

  @Test
  @DisplayName("audit lines name the control peer of a commit, and the primary on the secondary that applied it")
  void auditOrigins() throws Exception {
    Cluster.Primary primary = cluster.primaryWithSecondaries("ns2");
    Cluster.Secondary ns2 = cluster.secondary("ns2", primary.syncAddress());
    Cluster.awaitCaughtUp(primary, ns2);
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    long version;
    try (ControlClient control = ControlClient.connect(primary.syncAddress(), "admin", Zones.CONTROL_SECRET)) {
      version = control.createZone(name("example.com"), apex("example.com"));
      Cluster.awaitCaughtUp(primary, ns2);
    } finally {
      System.setErr(original);
    }
    List<String> audit = captured.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.contains(AbstractRecordStore.AUDIT_LOG)).toList();
    assertThat(audit).anySatisfy(l -> assertThat(l)
        .matches(".* - version " + version + " by control peer admin from 127\\.0\\.0\\.1:\\d+: example\\.com\\. created"));
    assertThat(audit).anySatisfy(l -> assertThat(l)
        .matches(".* - version \\d+ by replication from primary 127\\.0\\.0\\.1:" + primary.syncAddress().getPort()
            + ": example\\.com\\. created"));
  }

  private static double value(List<ServerStatistics.Metric> metrics, String name, Map<String, String> tags) {
    return metrics.stream()
        .filter(m -> m.name().equals(name) && m.tags().equals(tags))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + tags))
        .value();
  }
}
