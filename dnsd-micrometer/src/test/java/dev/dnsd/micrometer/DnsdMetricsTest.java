package dev.dnsd.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.DnsServer;
import dev.dnsd.ServerExtension;
import dev.dnsd.ServerStatistics;
import dev.dnsd.TestDns;
import dev.dnsd.TestRecords;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.Zone;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

class DnsdMetricsTest {
  private static final Zone ZONE =
      Zone.of(TestRecords.ORIGIN, List.of(
          TestRecords.rr("@", 3600, "SOA", "ns1 hostmaster 1 7200 3600 1209600 300"),
          TestRecords.rr("@", 3600, "NS", "ns1"),
          TestRecords.rr("www", 300, "A", "192.0.2.1")));

  @Test
  @DisplayName("every metric of the snapshot is a meter, counters as function counters, and their values move")
  void metersMoveWithQueries() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (DnsServer server = DnsServer.builder().zone(ZONE).udpThreads(1).build().start()) {
      new DnsdMetrics(server, Tags.of("server", "ns1")).bindTo(registry);
      assertThat(registry.getMeters()).hasSize(server.statistics().metrics().size());
      FunctionCounter udp = registry.get("dnsd.queries").tags("transport", "udp", "server", "ns1").functionCounter();
      FunctionCounter aaaa = registry.get("dnsd.queries.type").tags("qtype", "AAAA").functionCounter();
      FunctionCounter nxdomain = registry.get("dnsd.responses").tags("rcode", "NXDOMAIN").functionCounter();
      Gauge version = registry.get("dnsd.store.version").gauge();
      assertThat(udp.count()).isZero();
      assertThat(registry.get("dnsd.queries").tag("transport", "udp").meter().getId().getDescription())
          .isEqualTo("Requests received, by transport");

      TestDns.udp(server.address(), TestDns.a("www.example.com"));
      TestDns.udp(server.address(), TestDns.a("www.example.com")); // from the cache
      TestDns.udp(server.address(), TestDns.query("nope.example.com", Type.AAAA));
      TestDns.tcp(server.address(), TestDns.a("www.example.com"));
      server.commit(ChangeSet.builder().add(TestRecords.rr("mail", 300, "A", "192.0.2.2")).build());
      // The meters read a snapshot at most a second old.
      Await.until("the UDP counter to move", Duration.ofSeconds(10), () -> udp.count() == 3);
      assertThat(aaaa.count()).isEqualTo(1);
      assertThat(nxdomain.count()).isEqualTo(1);
      assertThat(registry.get("dnsd.queries").tags("transport", "tcp").functionCounter().count()).isEqualTo(1);
      assertThat(registry.get("dnsd.answer.cache.hits").functionCounter().count()).isEqualTo(1);
      assertThat(version.value()).isEqualTo(2);
      assertThat(registry.get("dnsd.commits").functionCounter().count()).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("one snapshot serves the meters until it is older than allowed; a secondary that left reads NaN")
  void oneSnapshotPerAge() throws Exception {
    AtomicReference<ServerStatistics.Secondary> ns2 =
        new AtomicReference<>(new ServerStatistics.Secondary("ns2", null, true, 4, 1, 250));
    ServerExtension feeds = new ServerExtension() {
      @Override
      public void statistics(ServerStatistics.Builder statistics) {
        ServerStatistics.Secondary s = ns2.get();
        if (s != null) {
          statistics.secondary(s);
        }
      }
    };
    try (DnsServer server = DnsServer.builder().zone(ZONE).extension(feeds).build().start()) {
      AtomicLong snapshots = new AtomicLong();
      AtomicLong nanos = new AtomicLong();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      new DnsdMetrics(server, Tags.empty(), () -> {
        snapshots.incrementAndGet();
        return server.statistics();
      }, nanos::get, Duration.ofSeconds(1)).bindTo(registry);
      Gauge lag = registry.get("dnsd.secondary.lag.seconds").tags("secondary", "ns2", "zone", "").gauge();
      assertThat(lag.value()).isEqualTo(0.25);
      for (Meter m : registry.getMeters()) {
        m.measure().forEach(measurement -> measurement.getValue());
      }
      assertThat(snapshots.get()).isEqualTo(1);

      ns2.set(null);
      assertThat(lag.value()).as("still the old snapshot").isEqualTo(0.25);
      nanos.addAndGet(Duration.ofMillis(1001).toNanos());
      assertThat(lag.value()).isNaN();
      assertThat(snapshots.get()).isEqualTo(2);
    }
  }
}
