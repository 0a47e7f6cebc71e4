package dev.dnsd.sync;

import static dev.dnsd.sync.Zones.addA;
import static dev.dnsd.sync.Zones.content;
import static dev.dnsd.sync.Zones.createZone;
import static dev.dnsd.sync.Zones.name;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.TestDns;
import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.store.ZoneChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class ReplicationTest {
  private final Cluster cluster = new Cluster();

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void firstConnectionCopiesAllZonesThenEveryChangeReachesEverySecondary() throws Exception {
    Cluster.Primary primary = cluster.primary();
    primary.server().commit(createZone("example.com"));
    primary.server().commit(addA("www.example.com", 1));
    Cluster.Secondary ns2 = cluster.secondary("ns2", primary.syncAddress());
    Cluster.Secondary ns3 = cluster.secondary("ns3", primary.syncAddress());
    Cluster.awaitCaughtUp(primary, ns2);
    Cluster.awaitCaughtUp(primary, ns3);
    assertThat(content(ns2.server().zones())).isEqualTo(content(primary.server().zones()));

    primary.server().commit(createZone("example.org"));
    primary.server().commit(addA("mail.example.com", 2));
    primary.server().commit(ChangeSet.builder().deleteZone(name("example.org")).build());
    Cluster.awaitCaughtUp(primary, ns2);
    Cluster.awaitCaughtUp(primary, ns3);

    assertThat(content(ns2.server().zones())).isEqualTo(content(primary.server().zones()));
    assertThat(content(ns3.server().zones())).isEqualTo(content(primary.server().zones()));
    assertThat(ns2.server().zones().get(name("example.com")).serial())
        .isEqualTo(primary.server().zones().get(name("example.com")).serial());
    assertThat(primary.sync().connectedSecondaries()).containsExactly("ns2", "ns3");
    for (Cluster.Secondary secondary : List.of(ns2, ns3)) {
      Message answer = TestDns.udp(secondary.server().address(), TestDns.query("mail.example.com", Type.A));
      assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(answer.getSection(Section.ANSWER)).containsExactly(Zones.a("mail.example.com", 2));
      assertThat(TestDns.udp(secondary.server().address(), TestDns.query("www.example.org", Type.A)).getRcode())
          .isEqualTo(Rcode.REFUSED);
    }
    assertThat(primary.sync().snapshotsSent()).isEqualTo(2);
  }

  @Test
  void tenThousandChangesStreamWithNoneLostOrDoubled() throws Exception {
    Cluster.Primary primary = cluster.primary();
    primary.server().commit(createZone("example.com"));
    InMemoryRecordStore secondaryStore = new InMemoryRecordStore();
    List<Change> heard = Collections.synchronizedList(new ArrayList<>());
    secondaryStore.subscribe((change, after) -> heard.add(change));
    Cluster.Secondary ns2 = cluster.secondary("ns2", primary.syncAddress(), secondaryStore);
    Cluster.awaitCaughtUp(primary, ns2);

    for (int i = 0; i < 10_000; i++) {
      primary.server().commit(addA("host" + i + ".example.com", i));
    }
    Cluster.awaitCaughtUp(primary, ns2);

    assertThat(Zones.count(ns2.server().zones(), "example.com", Type.A)).isEqualTo(10_000);
    assertThat(content(ns2.server().zones())).isEqualTo(content(primary.server().zones()));
    int added = 0;
    long lastApplied = -1;
    for (Change change : heard) {
      long applied = Long.parseLong(change.meta().get(Protocol.APPLIED_KEY).split(" ")[1]);
      assertThat(applied).as("applied versions strictly increase").isGreaterThan(lastApplied);
      lastApplied = applied;
      for (ZoneChange zc : change.zones()) {
        added += (int) zc.added().stream().filter(r -> r.getType() == Type.A).count();
      }
    }
    assertThat(added).as("A records added on the secondary, each once").isEqualTo(10_000);
    assertThat(lastApplied).isEqualTo(primary.server().store().version());
  }

  @Test
  void afterADroppedConnectionOnlyNewerChangesAreSent() throws Exception {
    Cluster.Primary primary = cluster.primary();
    primary.server().commit(createZone("example.com"));
    TcpProxy proxy = cluster.proxy(primary.syncAddress());
    Cluster.Secondary ns2 = cluster.secondary("ns2", proxy.address());
    Cluster.awaitCaughtUp(primary, ns2);
    for (int round = 0; round < 5; round++) {
      proxy.cut();
      primary.server().commit(addA("r" + round + ".example.com", round));
      Cluster.awaitCaughtUp(primary, ns2);
    }
    assertThat(content(ns2.server().zones())).isEqualTo(content(primary.server().zones()));
    assertThat(primary.sync().snapshotsSent()).as("all zones sent once, at the first connection").isEqualTo(1);
  }

  @Test
  void whenThePrimarysLogNoLongerReachesBackAllZonesAreSentAgain() throws Exception {
    Cluster.Primary primary = cluster.primary(new InMemoryRecordStore(5), null);
    primary.server().commit(createZone("example.com"));
    primary.server().commit(createZone("gone.example"));
    TcpProxy proxy = cluster.proxy(primary.syncAddress());
    Cluster.Secondary ns2 = cluster.secondary("ns2", proxy.address());
    Cluster.awaitCaughtUp(primary, ns2);

    proxy.pause();
    proxy.cut();
    primary.server().commit(ChangeSet.builder().deleteZone(name("gone.example")).build());
    for (int i = 0; i < 20; i++) {
      primary.server().commit(addA("h" + i + ".example.com", i));
    }
    proxy.resume();
    Cluster.awaitCaughtUp(primary, ns2);

    assertThat(content(ns2.server().zones())).isEqualTo(content(primary.server().zones()));
    assertThat(ns2.server().zones().get(name("gone.example"))).isNull();
    assertThat(primary.sync().snapshotsSent()).isEqualTo(2);
  }

  @Test
  void connectionsCutMidTransferEndWithExactlyThePrimarysData() throws Exception {
    Cluster.Primary primary = cluster.primary();
    primary.server().commit(createZone("example.com"));
    ChangeSet.Builder big = ChangeSet.builder();
    for (int i = 0; i < 20_000; i++) {
      big.add(Zones.a("bulk" + i + ".example.com", i));
    }
    primary.server().commit(big.build());
    TcpProxy proxy = cluster.proxy(primary.syncAddress());
    proxy.cutEachConnectionAfter(100_000);
    Cluster.Secondary ns2 = cluster.secondary("ns2", proxy.address());
    Await.until("a few connections cut mid-snapshot", Cluster.LONG, () -> proxy.clientBytes().size() >= 3);
    assertThat(ns2.sync().appliedVersion()).as("a partial snapshot is never applied").isZero();
    proxy.cutEachConnectionAfter(Long.MAX_VALUE);
    Cluster.awaitCaughtUp(primary, ns2);
    for (int i = 0; i < 200; i++) {
      primary.server().commit(addA("later" + i + ".example.com", i));
      if (i % 50 == 0) {
        proxy.cut();
      }
    }
    Cluster.awaitCaughtUp(primary, ns2);
    assertThat(content(ns2.server().zones())).isEqualTo(content(primary.server().zones()));
  }

  @Test
  void aSecondaryThatStopsReadingIsDisconnectedOnceTooFarBehindAndCatchesUpFromTheLog() throws Exception {
    Cluster.Primary primary = cluster.primaryHolding(50);
    primary.server().commit(createZone("example.com"));
    TcpProxy proxy = cluster.proxy(primary.syncAddress());
    proxy.receiveBuffer(64 * 1024);
    Cluster.Secondary ns2 = cluster.secondary("ns2", proxy.address());
    Cluster.awaitCaughtUp(primary, ns2);
    Await.until("ns2 streaming", Cluster.LONG, () -> primary.sync().connectedSecondaries().contains("ns2"));

    // The stream is live: each commit's thread sends the change itself. With the proxy stalled,
    // the sockets' buffers fill (some 4 MB; each change is some 40 kB), then changes queue on the
    // connection until more than 50 are held.
    proxy.pause();
    for (int i = 0; i < 300; i++) {
      List<Record> rrset = new ArrayList<>();
      for (int j = 0; j < 80; j++) {
        rrset.add(new TXTRecord(name("big.example.com"), DClass.IN, 300, i + "-" + j + "x".repeat(240)));
      }
      primary.server().commit(ChangeSet.builder().setRRset(name("big.example.com"), Type.TXT, rrset).build());
    }
    Await.until("ns2 disconnected for being too far behind", Duration.ofSeconds(10),
        () -> !primary.sync().connectedSecondaries().contains("ns2"));

    proxy.resume();
    Cluster.awaitCaughtUp(primary, ns2);
    assertThat(content(ns2.server().zones())).isEqualTo(content(primary.server().zones()));
    assertThat(primary.sync().snapshotsSent()).as("caught up from the log, not a copy of all zones").isEqualTo(1);
  }

  @Test
  void aSilentPrimaryIsDetectedAndTheSecondaryReconnects() throws Exception {
    Cluster.Primary primary = cluster.primary();
    primary.server().commit(createZone("example.com"));
    TcpProxy proxy = cluster.proxy(primary.syncAddress());
    Cluster.Secondary ns2 = cluster.secondary("ns2", proxy.address());
    Cluster.awaitCaughtUp(primary, ns2);
    Await.until("connected", Cluster.LONG, () -> ns2.sync().isConnected());

    proxy.pause();
    Await.until("the dead connection noticed", Cluster.LONG, () -> !ns2.sync().isConnected());
    primary.server().commit(addA("after.example.com", 1));
    proxy.resume();
    Cluster.awaitCaughtUp(primary, ns2);
    assertThat(content(ns2.server().zones())).isEqualTo(content(primary.server().zones()));
  }

  @Test
  void commitAndWaitNamesTheSecondariesThatDidNotApplyInTime() throws Exception {
    Cluster.Primary primary = cluster.primaryWithSecondaries("ns2", "ns3");
    primary.server().commit(createZone("example.com"));
    TcpProxy slow = cluster.proxy(primary.syncAddress());
    Cluster.Secondary ns2 = cluster.secondary("ns2", primary.syncAddress());
    Cluster.Secondary ns3 = cluster.secondary("ns3", slow.address());
    Cluster.awaitCaughtUp(primary, ns2);
    Cluster.awaitCaughtUp(primary, ns3);
    Await.until("both connected", Cluster.LONG, () -> primary.sync().connectedSecondaries().size() == 2);

    CommitResult all = primary.sync().commitAndWait(addA("a.example.com", 1), Duration.ofSeconds(20));
    assertThat(all.allApplied()).isTrue();
    assertThat(all.applied()).containsExactly("ns2", "ns3");
    assertThat(ns2.server().zones().get(name("example.com")).rrset(name("a.example.com"), Type.A)).isNotNull();

    slow.pause();
    CommitResult partial = primary.sync().commitAndWait(addA("b.example.com", 2), Duration.ofMillis(300));
    assertThat(partial.applied()).containsExactly("ns2");
    assertThat(partial.notApplied()).containsExactly("ns3");
    assertThat(partial.version()).isEqualTo(primary.server().store().version());
    slow.resume();
  }
}
