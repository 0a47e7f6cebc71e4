package dev.dnsd.sync;

import dev.dnsd.Await;
import dev.dnsd.DnsServer;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.store.RecordStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Primaries and secondaries in this JVM, on loopback with free ports; closes them all. */
final class Cluster implements AutoCloseable {
  /** How long the tests wait for replication to catch up. */
  static final Duration LONG = Duration.ofSeconds(30);

  static final Duration KEEPALIVE = Duration.ofMillis(200);

  record Primary(DnsServer server, SyncPrimary sync) {
    InetSocketAddress syncAddress() {
      return sync.boundAddress();
    }
  }

  record Secondary(DnsServer server, SyncSecondary sync) {}

  private final List<AutoCloseable> open = new ArrayList<>();

  Primary primary() throws IOException {
    return primary(new InMemoryRecordStore(), null);
  }

  Primary primary(RecordStore store, @org.jspecify.annotations.Nullable InetSocketAddress syncListen) throws IOException {
    SyncPrimary.Builder b =
        SyncPrimary.builder()
            .keepalive(KEEPALIVE)
            .peer("ns2", Zones.SECRET, Role.SECONDARY)
            .peer("ns3", Zones.SECRET, Role.SECONDARY)
            .peer("admin", Zones.CONTROL_SECRET, Role.CONTROL)
            .peer("both", Zones.CONTROL_SECRET, Role.CONTROL, Role.SECONDARY);
    if (syncListen != null) {
      b.listen(syncListen);
    }
    return start(b, store);
  }

  /** A primary whose only secondaries are these (each with {@link Zones#SECRET}), and admin. */
  Primary primaryWithSecondaries(String... secondaries) throws IOException {
    SyncPrimary.Builder b =
        SyncPrimary.builder().keepalive(KEEPALIVE).peer("admin", Zones.CONTROL_SECRET, Role.CONTROL);
    for (String name : secondaries) {
      b.peer(name, Zones.SECRET, Role.SECONDARY);
    }
    return start(b, new InMemoryRecordStore());
  }

  /**
   * A primary with secondary ns2 that holds at most {@code maxQueued} changes for a secondary, and
   * whose keepalive is long enough (10 s) that only that limit ends a stalled stream in a test.
   */
  Primary primaryHolding(int maxQueued) throws IOException {
    SyncPrimary.Builder b =
        SyncPrimary.builder()
            .keepalive(Duration.ofSeconds(10))
            .maxQueuedChanges(maxQueued)
            .peer("ns2", Zones.SECRET, Role.SECONDARY);
    return start(b, new InMemoryRecordStore());
  }

  private Primary start(SyncPrimary.Builder b, RecordStore store) throws IOException {
    SyncPrimary sync = b.build();
    DnsServer server = DnsServer.builder().store(store).udpThreads(1).extension(sync).build().start();
    open.add(server);
    return new Primary(server, sync);
  }

  Secondary secondary(String name, InetSocketAddress primary) throws IOException {
    return secondary(name, primary, new InMemoryRecordStore());
  }

  Secondary secondary(String name, InetSocketAddress primary, RecordStore store) throws IOException {
    SyncSecondary sync =
        SyncSecondary.builder()
            .primary(primary)
            .name(name)
            .secret(Zones.SECRET)
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
            .build();
    DnsServer server = DnsServer.builder().store(store).udpThreads(1).extension(sync).build().start();
    open.add(server);
    return new Secondary(server, sync);
  }

  TcpProxy proxy(InetSocketAddress target) throws IOException {
    TcpProxy proxy = new TcpProxy(target);
    open.add(proxy);
    return proxy;
  }

  /** Waits until the secondary has applied everything the primary has committed. */
  static void awaitCaughtUp(Primary primary, Secondary secondary) {
    Await.until(
        "secondary at the primary's version " + primary.server().store().version(),
        LONG,
        () -> secondary.sync().appliedVersion() == primary.server().store().version());
  }

  @Override
  public void close() {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }
}
