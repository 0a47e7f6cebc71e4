package dev.dnsd.sync;

import static dev.dnsd.sync.Zones.addA;
import static dev.dnsd.sync.Zones.content;
import static dev.dnsd.sync.Zones.createZone;
import static dev.dnsd.sync.Zones.name;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.TestDns;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.InMemoryRecordStore;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class RestartTest {
  private final Cluster cluster = new Cluster();

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void aRestartedSecondaryResumesFromTheVersionInItsStore() throws Exception {
    Cluster.Primary primary = cluster.primary();
    primary.server().commit(createZone("example.com"));
    DiskStore.Disk disk = new DiskStore.Disk();
    Cluster.Secondary first = cluster.secondary("ns2", primary.syncAddress(), DiskStore.open(disk));
    for (int i = 0; i < 50; i++) {
      primary.server().commit(addA("a" + i + ".example.com", i));
    }
    Cluster.awaitCaughtUp(primary, first);
    long before = first.sync().appliedVersion();
    first.server().close();

    for (int i = 0; i < 50; i++) {
      primary.server().commit(addA("b" + i + ".example.com", i));
    }
    Cluster.Secondary again = cluster.secondary("ns2", primary.syncAddress(), DiskStore.open(disk));
    assertThat(again.sync().appliedVersion()).isEqualTo(before);
    Cluster.awaitCaughtUp(primary, again);

    assertThat(content(again.server().zones())).isEqualTo(content(primary.server().zones()));
    assertThat(primary.sync().snapshotsSent()).as("only the first start copied all zones").isEqualTo(1);
  }

  @Test
  void aPrimaryRestartedOnItsStoreKeepsItsIdentityAndSendsOnlyNewerChanges() throws Exception {
    DiskStore.Disk primaryDisk = new DiskStore.Disk();
    Cluster.Primary primary = cluster.primary(DiskStore.open(primaryDisk), null);
    InetSocketAddress syncAddress = primary.syncAddress();
    primary.server().commit(createZone("example.com"));
    Cluster.Secondary ns2 = cluster.secondary("ns2", syncAddress);
    Cluster.awaitCaughtUp(primary, ns2);
    String id = primary.sync().primaryId();
    primary.server().close();

    Cluster.Primary restarted = cluster.primary(DiskStore.open(primaryDisk), syncAddress);
    assertThat(restarted.sync().primaryId()).isEqualTo(id);
    restarted.server().commit(addA("after.example.com", 1));
    Cluster.awaitCaughtUp(restarted, ns2);
    assertThat(content(ns2.server().zones())).isEqualTo(content(restarted.server().zones()));
    assertThat(restarted.sync().snapshotsSent()).isZero();
  }

  @Test
  void aPrimaryRestartedEmptyIsCopiedWholeIncludingWhatItNoLongerHas() throws Exception {
    Cluster.Primary primary = cluster.primary();
    InetSocketAddress syncAddress = primary.syncAddress();
    primary.server().commit(createZone("old.example"));
    Cluster.Secondary ns2 = cluster.secondary("ns2", syncAddress);
    Cluster.awaitCaughtUp(primary, ns2);
    primary.server().close();

    // A new in-memory store: a different history, whatever its version numbers.
    Cluster.Primary fresh = cluster.primary(new InMemoryRecordStore(), syncAddress);
    fresh.server().commit(createZone("new.example"));
    Await.until(
        "the secondary follows the new primary",
        Cluster.LONG,
        () -> ns2.sync().appliedPrimaryId().equals(fresh.sync().primaryId())
            && ns2.sync().appliedVersion() == fresh.server().store().version());
    assertThat(content(ns2.server().zones())).isEqualTo(content(fresh.server().zones()));
    assertThat(ns2.server().zones().get(name("old.example"))).isNull();
  }

  @Test
  void queriesOnASecondaryAreAnsweredWhileItAppliesALargeCatchUp() throws Exception {
    Cluster.Primary primary = cluster.primary();
    primary.server().commit(createZone("example.com"));
    DiskStore.Disk disk = new DiskStore.Disk();
    Cluster.Secondary ns2 = cluster.secondary("ns2", primary.syncAddress(), DiskStore.open(disk));
    Cluster.awaitCaughtUp(primary, ns2);

    disk.hold();
    ChangeSet.Builder big = ChangeSet.builder();
    for (int i = 0; i < 5_000; i++) {
      big.add(Zones.a("bulk" + i + ".example.com", i));
    }
    primary.server().commit(big.build());
    for (int i = 0; i < 2_000; i++) {
      primary.server().commit(addA("h" + i + ".example.com", i));
    }
    assertThat(disk.reachedGate.await(30, TimeUnit.SECONDS)).as("the secondary is applying").isTrue();
    // The secondary is in the middle of a commit that cannot finish yet: it still answers.
    // The secondary is in the middle of a commit that cannot finish yet: it still answers, from
    // the state before the change set, never part of it.
    for (int i = 0; i < 20; i++) {
      Message answer = TestDns.udp(ns2.server().address(), TestDns.query("bulk" + (i * 249) + ".example.com", Type.A));
      assertThat(answer.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }
    assertThat(ns2.sync().appliedVersion()).isLessThan(primary.server().store().version());
    disk.release();
    Cluster.awaitCaughtUp(primary, ns2);
    Message after = TestDns.udp(ns2.server().address(), TestDns.query("bulk4999.example.com", Type.A));
    assertThat(after.getSection(Section.ANSWER)).containsExactly(Zones.a("bulk4999.example.com", 4999));
    assertThat(content(ns2.server().zones())).isEqualTo(content(primary.server().zones()));
  }

}
