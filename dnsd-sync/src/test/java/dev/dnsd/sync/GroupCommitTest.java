package dev.dnsd.sync;

import static dev.dnsd.sync.Zones.a;
import static dev.dnsd.sync.Zones.content;
import static dev.dnsd.sync.Zones.createZone;
import static dev.dnsd.sync.Zones.name;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/**
 * Group commit on a secondary: the primary's changes that arrive while the secondary's store is
 * busy making an earlier one durable are applied together, in one commit of its store, and each of
 * them is still seen whole by queries; the primary hears that a change was applied only once the
 * commit that holds it is durable.
 */
class GroupCommitTest {
  private static final int BURST = 200;
  /** Commits of the primary that queue behind one being written. */
  private static final int QUEUED = 16;

  private final Cluster cluster = new Cluster();

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void aBurstIsAppliedInOneCommitEachChangeWholeAndAcknowledgedOnlyOnceDurable() throws Exception {
    Cluster.Primary primary = cluster.primaryWithSecondaries("ns2");
    primary.server().commit(createZone("example.com"));
    DiskStore.Disk disk = new DiskStore.Disk();
    DiskStore store = DiskStore.open(disk);
    List<ZoneTable> published = Collections.synchronizedList(new ArrayList<>());
    store.subscribe((change, after) -> published.add(after));
    Cluster.Secondary ns2 = cluster.secondary("ns2", primary.syncAddress(), store);
    Cluster.awaitCaughtUp(primary, ns2);
    long before = primary.server().store().version();
    int commitsBefore = published.size();
    int loggedBefore = disk.log.size();

    // The secondary's first commit of the burst waits at the gate, so the rest arrives meanwhile.
    disk.hold();
    for (int i = 0; i < BURST; i++) {
      // Two names per change: a query that sees one of them without the other saw half a change.
      primary.server().commit(ChangeSet.builder().add(a("x" + i + ".example.com", i)).add(a("y" + i + ".example.com", i)).build());
    }
    long last = primary.server().store().version();
    assertThat(disk.reachedGate.await(30, TimeUnit.SECONDS)).as("the secondary is committing").isTrue();
    Await.until("the whole burst received by ns2", Cluster.LONG, () -> ns2.sync().primaryVersion() == last);

    assertThat(primary.sync().awaitApplied("ns2", before + 1, Duration.ofMillis(300)))
        .as("no change acknowledged while the commit holding it is not durable")
        .isFalse();
    assertThat(ns2.sync().appliedVersion()).isEqualTo(before);
    assertThat(ns2.server().zones().get(name("example.com")).rrset(name("x0.example.com"), Type.A))
        .as("queries see nothing of a commit that is not durable yet")
        .isNull();

    disk.release();
    assertThat(primary.sync().awaitApplied("ns2", last, Cluster.LONG)).isTrue();
    assertThat(ns2.sync().appliedVersion()).isEqualTo(last);
    assertThat(content(ns2.server().zones())).isEqualTo(content(primary.server().zones()));

    List<ZoneTable> burst = List.copyOf(published.subList(commitsBefore, published.size()));
    assertThat(burst)
        .as("the burst of %d changes in the commit held at the gate and one more for the rest", BURST)
        .hasSizeBetween(1, 2);
    assertThat(disk.log).as("one durable write per commit").hasSize(loggedBefore + burst.size());
    assertThat(disk.meta.get(Protocol.APPLIED_KEY)).endsWith(" " + last);
    for (ZoneTable table : burst) {
      assertWholeChanges(table);
    }
  }

  @Test
  void theChangesOfOneDurableWriteOfThePrimaryReachASecondaryInOneWrite() throws Exception {
    DiskStore.Disk disk = new DiskStore.Disk();
    Cluster.Primary primary = cluster.primary(DiskStore.open(disk), null);
    primary.server().commit(createZone("example.com"));
    TcpProxy proxy = cluster.proxy(primary.syncAddress());
    Cluster.Secondary ns2 = cluster.secondary("ns2", proxy.address());
    Cluster.awaitCaughtUp(primary, ns2);

    // The first commit waits at the gate, so that the next ones queue and are written together.
    disk.hold();
    List<Thread> committers = new ArrayList<>();
    committers.add(commitInThread(primary, "held"));
    assertThat(disk.reachedGate.await(30, TimeUnit.SECONDS)).as("the primary is committing").isTrue();
    for (int i = 0; i < QUEUED; i++) {
      committers.add(commitInThread(primary, "q" + i));
    }
    Await.until("the queued commits waiting for the one being written", Cluster.LONG,
        () -> committers.stream().skip(1).allMatch(t -> t.getState() == Thread.State.WAITING));
    long readsBefore = proxy.primaryReads().get(0).get();

    disk.release();
    for (Thread t : committers) {
      t.join(Cluster.LONG.toMillis());
    }
    Cluster.awaitCaughtUp(primary, ns2);
    assertThat(content(ns2.server().zones())).isEqualTo(content(primary.server().zones()));
    // The commit held, then the queued ones in one write; a keepalive ping may come between.
    assertThat(proxy.primaryReads().get(0).get() - readsBefore)
        .as("reads of what the primary sent for two durable writes, %d changes", QUEUED + 1)
        .isBetween(1L, 3L);
  }

  private static Thread commitInThread(Cluster.Primary primary, String label) {
    Thread t = new Thread(() -> primary.server().commit(ChangeSet.builder().add(a(label + ".example.com", 1)).build()));
    t.start();
    return t;
  }

  /** The table holds the first k changes of the burst, each with both its names, and nothing else. */
  private static void assertWholeChanges(ZoneTable table) {
    Zone zone = table.get(name("example.com"));
    int k = 0;
    while (k < BURST && zone.rrset(name("x" + k + ".example.com"), Type.A) != null) {
      k++;
    }
    for (int i = 0; i < BURST; i++) {
      boolean expected = i < k;
      assertThat(zone.rrset(name("x" + i + ".example.com"), Type.A) != null).as("x%d at version %d", i, table.version()).isEqualTo(expected);
      assertThat(zone.rrset(name("y" + i + ".example.com"), Type.A) != null).as("y%d at version %d", i, table.version()).isEqualTo(expected);
    }
    assertThat(k).as("changes in the table of version %d", table.version()).isPositive();
  }
}
