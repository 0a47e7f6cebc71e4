package dev.dnsd.sync;

import static dev.dnsd.sync.Zones.apex;
import static dev.dnsd.sync.Zones.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.Await;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

class ControlClientTest {
  private final Cluster cluster = new Cluster();

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void aControlPeerCreatesChangesListsReadsAndDeletesZones() throws Exception {
    Cluster.Primary primary = cluster.primary();
    try (ControlClient control = ControlClient.connect(primary.syncAddress(), "admin", Zones.CONTROL_SECRET)) {
      long created = control.createZone(name("example.com"), apex("example.com"));
      assertThat(created).isEqualTo(primary.server().store().version());
      long added = control.commit(Zones.addA("www.example.com", 1));
      assertThat(added).isEqualTo(created + 1);
      assertThat(primary.server().zones().get(name("example.com")).rrset(name("www.example.com"), Type.A)).isNotNull();

      assertThat(control.listZones())
          .containsExactly(new ControlClient.ZoneInfo(name("example.com"), 2, 3));
      Zone zone = control.zone(name("example.com"));
      assertThat(zone).isNotNull();
      assertThat(zone.records()).isEqualTo(primary.server().zones().get(name("example.com")).records());
      assertThat(control.zone(name("absent.example"))).isNull();

      control.deleteZone(name("example.com"));
      assertThat(primary.server().zones().isEmpty()).isTrue();
      assertThat(control.listZones()).isEmpty();
    }
  }

  @Test
  void aRejectedChangeThrowsWhatALocalCommitWouldAndTheConnectionStaysUsable() throws Exception {
    Cluster.Primary primary = cluster.primary();
    try (ControlClient control = ControlClient.connect(primary.syncAddress(), "admin", Zones.CONTROL_SECRET)) {
      assertThatThrownBy(() -> control.deleteZone(name("absent.example")))
          .isInstanceOf(InvalidZoneException.class)
          .hasMessageContaining("absent.example");
      assertThatThrownBy(() -> control.commit(Zones.addA("www.nowhere.example", 1)))
          .isInstanceOf(InvalidZoneException.class)
          .hasMessageContaining("no zone");
      assertThat(control.createZone(name("example.com"), apex("example.com"))).isPositive();
    }
  }

  @Test
  void aChangeMadeByAControlClientIsOnEverySecondaryWhenTheWaitingCommitReturns() throws Exception {
    Cluster.Primary primary = cluster.primaryWithSecondaries("ns2", "ns3");
    Cluster.Secondary ns2 = cluster.secondary("ns2", primary.syncAddress());
    Cluster.Secondary ns3 = cluster.secondary("ns3", primary.syncAddress());
    Await.until("both connected", Cluster.LONG, () -> primary.sync().connectedSecondaries().size() == 2);
    try (ControlClient control = ControlClient.connect(primary.syncAddress(), "admin", Zones.CONTROL_SECRET)) {
      CommitResult result = control.commit(Zones.createZone("example.com"), Duration.ofSeconds(20));
      assertThat(result.allApplied()).isTrue();
      assertThat(result.applied()).containsExactly("ns2", "ns3");
      // Read-your-writes: no waiting here.
      assertThat(ns2.server().zones().get(name("example.com"))).isNotNull();
      assertThat(ns3.server().zones().get(name("example.com"))).isNotNull();
      assertThat(ns2.sync().appliedVersion()).isGreaterThanOrEqualTo(result.version());
    }
  }

  @Test
  void aPeerWithBothRolesMayControlAndReplicate() throws Exception {
    Cluster.Primary primary = cluster.primary();
    try (ControlClient control = ControlClient.connect(primary.syncAddress(), "both", Zones.CONTROL_SECRET)) {
      control.commit(ChangeSet.builder().createZone(name("example.com"), apex("example.com")).build());
    }
    SyncSecondary both =
        SyncSecondary.builder().primary(primary.syncAddress()).name("both").secret(Zones.CONTROL_SECRET).build();
    try (var server = dev.dnsd.DnsServer.builder().extension(both).build().start()) {
      Await.until("copied", Cluster.LONG, () -> server.zones().get(name("example.com")) != null);
    }
  }
}
