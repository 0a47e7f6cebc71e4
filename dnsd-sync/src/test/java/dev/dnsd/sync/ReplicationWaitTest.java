package dev.dnsd.sync;

import static dev.dnsd.sync.Zones.addA;
import static dev.dnsd.sync.Zones.createZone;
import static dev.dnsd.sync.Zones.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.store.Change;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.store.RecordStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** Waits for replication that mean what they say, and a secondary's store kept for its primary. */
class ReplicationWaitTest {
  private final Cluster cluster = new Cluster();

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void commitAndWaitBeforeAnySecondaryConnectedNamesTheAbsentOne() throws Exception {
    Cluster.Primary primary = cluster.primaryWithSecondaries("ns2");

    CommitResult result = primary.sync().commitAndWait(createZone("example.com"), Duration.ofMillis(200));

    assertThat(result.allApplied()).isFalse();
    assertThat(result.applied()).isEmpty();
    assertThat(result.notApplied()).containsExactly("ns2");
    assertThat(primary.sync().secondaries()).containsExactly("ns2");
  }

  @Test
  void startBothCommitWaitHoldsTheRecordOnTheSecondary() throws Exception {
    // The sequence that used to pass vacuously: the secondary had not connected yet.
    Cluster.Primary primary = cluster.primaryWithSecondaries("ns2");
    Cluster.Secondary ns2 = cluster.secondary("ns2", primary.syncAddress());

    CommitResult created = primary.sync().commitAndWait(createZone("example.com"), Cluster.LONG);
    CommitResult added = primary.sync().commitAndWait(addA("www.example.com", 1), Cluster.LONG);

    assertThat(created.applied()).containsExactly("ns2");
    assertThat(added.allApplied()).isTrue();
    assertThat(ns2.server().zones().get(name("example.com")).rrset(name("www.example.com"), Type.A))
        .isNotNull();
  }

  @Test
  void waitsForNamedSecondariesToConnectAndToApplyAVersion() throws Exception {
    Cluster.Primary primary = cluster.primaryWithSecondaries("ns2", "ns3");
    Change change = primary.server().commit(createZone("example.com"));
    assertThat(primary.sync().awaitConnected(List.of("ns2"), Duration.ofMillis(100))).isFalse();

    Cluster.Secondary ns2 = cluster.secondary("ns2", primary.syncAddress());

    assertThat(primary.sync().awaitConnected(List.of("ns2"), Cluster.LONG)).isTrue();
    assertThat(primary.sync().awaitApplied("ns2", change.version(), Cluster.LONG)).isTrue();
    assertThat(ns2.server().zones().get(name("example.com"))).isNotNull();
    assertThat(primary.sync().awaitApplied("ns3", change.version(), Duration.ofMillis(100))).isFalse();
    CommitResult all = primary.sync().awaitApplied(change.version(), Duration.ofMillis(100));
    assertThat(all.applied()).containsExactly("ns2");
    assertThat(all.notApplied()).containsExactly("ns3");
    assertThatThrownBy(() -> primary.sync().awaitConnected(List.of("admin"), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no peer admin with the secondary role");
  }

  @Test
  void aSecondaryWaitsUntilItIsInSyncWithItsPrimary() throws Exception {
    Cluster.Primary primary = cluster.primaryWithSecondaries("ns2");
    primary.server().commit(createZone("example.com"));
    for (int i = 0; i < 50; i++) {
      primary.server().commit(addA("host" + i + ".example.com", i));
    }
    Cluster.Secondary ns2 = cluster.secondary("ns2", primary.syncAddress());

    assertThat(ns2.sync().awaitInSync(Cluster.LONG)).isTrue();

    assertThat(ns2.sync().isConnected()).isTrue();
    assertThat(ns2.sync().appliedVersion()).isEqualTo(primary.server().store().version());
    assertThat(ns2.server().zones().get(name("example.com")).rrset(name("host49.example.com"), Type.A))
        .isNotNull();
  }

  @Test
  void aSecondaryThatCannotConnectIsNotInSync() throws Exception {
    Cluster.Primary primary = cluster.primaryWithSecondaries("ns2");
    Cluster.Secondary stranger = cluster.secondary("ns3", primary.syncAddress());
    assertThat(stranger.sync().awaitInSync(Duration.ofMillis(300))).isFalse();
  }

  @Test
  void hostCodeCommittingToASecondarysStoreIsRefusedUntilTheSecondaryCloses() throws Exception {
    Cluster.Primary primary = cluster.primaryWithSecondaries("ns2");
    primary.server().commit(createZone("example.com"));
    InMemoryRecordStore store = new InMemoryRecordStore();
    Cluster.Secondary ns2 = cluster.secondary("ns2", primary.syncAddress(), store);
    assertThat(ns2.sync().awaitInSync(Cluster.LONG)).isTrue();
    long version = store.version();

    assertThatThrownBy(() -> ns2.server().commit(addA("local.example.com", 9)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("commit refused")
        .hasMessageContaining("SyncSecondary ns2")
        .hasMessageContaining("diverge");
    assertThatThrownBy(() -> store.commit(addA("local.example.com", 9)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.reserve("someone else"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SyncSecondary ns2");
    assertThat(store.version()).isEqualTo(version);
    assertThat(store.zones().get(name("example.com")).rrset(name("local.example.com"), Type.A)).isNull();

    // The primary's changes still arrive: only the secondary commits.
    Change change = primary.server().commit(addA("www.example.com", 1));
    assertThat(primary.sync().awaitApplied("ns2", change.version(), Cluster.LONG)).isTrue();

    ns2.sync().close();
    RecordStore released = ns2.server().store();
    assertThat(released.commit(addA("local.example.com", 9)).version()).isGreaterThan(version);
  }
}
