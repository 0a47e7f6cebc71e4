package dev.dnsd.server;

import static dev.dnsd.server.SyncCluster.EXAMPLE;
import static dev.dnsd.server.SyncCluster.awaitCaughtUp;
import static dev.dnsd.server.SyncCluster.change;
import static dev.dnsd.server.SyncCluster.content;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.server.SyncCluster.Node;
import dev.dnsd.sync.ControlClient;
import dev.dnsd.zone.ZoneFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/**
 * Replication between separate dnsd.jar processes on SQLite stores: secondaries end with exactly
 * the primary's data, every commit that returned included, after a secondary is killed with kill -9
 * (twice) during a stream of changes, after the primary is and both secondaries reconnect to it
 * restarted, and after connections are cut in the middle of copying all zones.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplicationProcessTest {
  @TempDir Path dir;
  private SyncCluster cluster;
  private final ExecutorService streamer = Executors.newSingleThreadExecutor();

  @BeforeEach
  void cluster() throws IOException {
    cluster = new SyncCluster(dir);
  }

  @AfterEach
  void stop() throws InterruptedException {
    streamer.shutdownNow();
    cluster.close();
  }

  @Test
  void aSecondaryKilledDuringAStreamOfChangesResumesFromItsStoreAndEndsEqual() throws Exception {
    Node primary = cluster.primary("primary.db", 0);
    try (ControlClient control = cluster.control(primary)) {
      control.createZone(EXAMPLE, ControlCommand.defaultApex(EXAMPLE));
      Node ns2 = cluster.secondary("ns2", "ns2.db", primary.syncPort());
      Node ns3 = cluster.secondary("ns3", "ns3.db", primary.syncPort());
      CountDownLatch killed = new CountDownLatch(1);
      CountDownLatch killedAgain = new CountDownLatch(1);
      Future<?> stream = streamer.submit(() -> {
        for (int i = 1; i <= 600; i++) {
          // Part of the stream comes after each kill, so each restart has changes to catch up on.
          if (i == 301) {
            killed.await();
          }
          if (i == 451) {
            killedAgain.await();
          }
          control.commit(change(i));
        }
        return null;
      });
      long start = control.zone(EXAMPLE).serial();
      Await.untilNoException("ns2 applies part of the stream", SyncCluster.LONG, () -> SyncCluster.serial(ns2, EXAMPLE) >= start + 100);
      ns2.process().kill();
      killed.countDown();
      Node restarted = cluster.secondary("ns2", "ns2.db", primary.syncPort());
      // Killed again while it catches up from the primary's log and the stream goes on.
      Await.untilNoException("ns2 catches up after its restart", SyncCluster.LONG,
          () -> SyncCluster.serial(restarted, EXAMPLE) >= start + 350);
      restarted.process().kill();
      killedAgain.countDown();
      Node again = cluster.secondary("ns2", "ns2.db", primary.syncPort());
      stream.get(60, TimeUnit.SECONDS);

      assertStoresEverything(again, "ns2.db", control);
      assertStoresEverything(ns3, "ns3.db", control);
      assertThat(again.process().output())
          .as("resumed from the version in its store, not a copy of all zones")
          .contains("asking for changes after");
    }
  }

  @Test
  void aPrimaryKilledAndRestartedOnItsStoreIsFollowedToTheEnd() throws Exception {
    Node primary = cluster.primary("primary.db", 0);
    int syncPort = primary.syncPort();
    Node ns2 = cluster.secondary("ns2", "ns2.db", syncPort);
    Node ns3 = cluster.secondary("ns3", "ns3.db", syncPort);
    AtomicInteger lastReturned = new AtomicInteger();
    ControlClient first = cluster.control(primary);
    first.createZone(EXAMPLE, ControlCommand.defaultApex(EXAMPLE));
    Future<?> stream = streamer.submit(() -> {
      try (first) {
        for (int i = 1; ; i++) {
          first.commit(change(i));
          lastReturned.set(i);
        }
      } catch (IOException e) {
        return null; // the primary is gone
      }
    });
    Await.untilNoException("ns2 follows the stream", SyncCluster.LONG, () -> SyncCluster.serial(ns2, EXAMPLE) > 100);
    primary.process().kill();
    stream.get(60, TimeUnit.SECONDS);
    int returned = lastReturned.get();

    Node restarted = cluster.primary("primary.db", syncPort);
    try (ControlClient control = cluster.control(restarted)) {
      assertThat(control.zone(EXAMPLE).exists(Name.fromString("a" + returned + ".example.com.")))
          .as("every commit that returned is durable")
          .isTrue();
      // Skip the change that was in flight at the kill: it may have been committed.
      for (int i = returned + 2; i <= returned + 100; i++) {
        control.commit(change(i));
      }
      // The restarted primary has every commit that returned: so must each secondary, which
      // reconnected to it by itself.
      assertStoresEverything(ns2, "ns2.db", control);
      assertStoresEverything(ns3, "ns3.db", control);
      for (Node node : List.of(ns2, ns3)) {
        assertThat(node.process().output())
            .as("the restarted primary kept its identity, so each secondary asked only for newer changes")
            .contains("asking for changes after");
      }
    }
  }

  @Test
  void connectionsCutWhileAllZonesAreCopiedAndWhileChangesStreamEndEqual() throws Exception {
    Node primary = cluster.primary("primary.db", 0);
    Path big = dir.resolve("big.test.zone");
    StringBuilder text = new StringBuilder("$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 1209600 300\n@ NS ns1\n");
    for (int i = 0; i < 10_000; i++) {
      text.append("host").append(i).append(" A 192.0.").append(i / 256 % 256).append('.').append(i % 256).append('\n');
    }
    Files.writeString(big, text);
    try (ControlClient control = cluster.control(primary);
        // Each of the first three connections ends a quarter of the way through the copy (~350 kB).
        CuttingProxy proxy = new CuttingProxy(primary.syncPort(), 80_000, 3)) {
      control.createZone(Name.fromString("big.test."), ZoneFiles.load(big).records());
      control.createZone(EXAMPLE, ControlCommand.defaultApex(EXAMPLE));
      Node ns2 = cluster.secondary("ns2", "ns2.db", proxy.port());
      awaitCaughtUp(ns2, control);
      assertThat(proxy.cutShort()).as("connections cut during the copy").isEqualTo(3);

      for (int i = 1; i <= 300; i++) {
        control.commit(change(i));
        if (i % 100 == 50) {
          proxy.cut();
        }
      }
      assertStoresEverything(ns2, "ns2.db", control);
    }
  }

  /**
   * Waits until the secondary has applied every change the primary has, stops it, and compares
   * its SQLite file with the primary's zones: what was applied was also stored.
   */
  private void assertStoresEverything(Node node, String db, ControlClient control) throws Exception {
    awaitCaughtUp(node, control);
    Map<Name, List<String>> expected = content(control);
    node.process().close();
    assertThat(cluster.content(db)).isEqualTo(expected);
  }
}
