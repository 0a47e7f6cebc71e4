package dev.dnsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The counters of {@link DnsServer#statistics()}, group by group, over real UDP and TCP on loopback. */
class ServerStatisticsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Zone ZONE =
      Zone.of(
          TestRecords.ORIGIN,
          List.of(
              TestRecords.rr("@", 3600, "SOA", "ns1 hostmaster 1 7200 3600 1209600 300"),
              TestRecords.rr("@", 3600, "NS", "ns1"),
              TestRecords.rr("www", 300, "A", "192.0.2.1")));

  private static DnsServer.Builder server() {
    return DnsServer.builder().zone(ZONE).udpThreads(2);
  }

  @Test
  @DisplayName("queries are counted by transport, opcode, type and rcode")
  void queriesByTransportOpcodeTypeAndRcode() throws Exception {
    try (DnsServer server = server().build().start()) {
      assertThat(server.statistics().queries().total()).isZero();
      TestDns.udp(server.address(), TestDns.a("www.example.com"));
      TestDns.udp(server.address(), TestDns.query("nope.example.com", Type.AAAA));
      TestDns.tcp(server.address(), TestDns.query("www.example.com", Type.MX));
      Message notify = TestDns.query("example.com", Type.SOA);
      notify.getHeader().setOpcode(Opcode.NOTIFY);
      TestDns.udp(server.address(), notify); // no extension: NOTIMP

      ServerStatistics.Queries q = server.statistics().queries();
      assertThat(q.udp()).isEqualTo(3);
      assertThat(q.tcp()).isEqualTo(1);
      assertThat(q.opcodes()).containsEntry("QUERY", 3L).containsEntry("NOTIFY", 1L).containsEntry("UPDATE", 0L);
      assertThat(q.types()).containsEntry("A", 1L).containsEntry("AAAA", 1L).containsEntry("MX", 1L)
          .containsEntry("SOA", 1L).containsEntry("TXT", 0L).containsEntry(ServerStatistics.OTHER, 0L);
      assertThat(q.rcodes()).containsEntry("NOERROR", 2L).containsEntry("NXDOMAIN", 1L).containsEntry("NOTIMP", 1L)
          .containsEntry("BADVERS", 0L);
      assertThat(q.takenByExtensions()).isZero();
    }
  }

  @Test
  @DisplayName("the maps hold the same keys whatever was counted, in a fixed order")
  void fixedKeys() throws Exception {
    try (DnsServer server = server().build().start()) {
      ServerStatistics.Queries before = server.statistics().queries();
      TestDns.udp(server.address(), TestDns.query("www.example.com", 65280)); // a private-use type
      ServerStatistics.Queries after = server.statistics().queries();
      assertThat(after.types().keySet()).containsExactlyElementsOf(before.types().keySet());
      assertThat(after.rcodes().keySet()).containsExactlyElementsOf(before.rcodes().keySet());
      assertThat(after.types()).containsEntry(ServerStatistics.OTHER, 1L);
    }
  }

  @Test
  @DisplayName("extended rcodes are counted by name: BADVERS")
  void extendedRcodes() throws Exception {
    try (DnsServer server = server().build().start()) {
      Message query = TestDns.a("www.example.com");
      query.addRecord(new OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL);
      Message answer = TestDns.udp(server.address(), query);
      assertThat(answer.getRcode()).isEqualTo(Rcode.BADVERS);
      assertThat(server.statistics().queries().rcodes()).containsEntry("BADVERS", 1L).containsEntry("NOERROR", 0L);
    }
  }

  @Test
  @DisplayName("the answer cache: a miss, then hits for the same question; REFUSED for names in no zone")
  void cacheHitsMissesAndRefused() throws Exception {
    try (DnsServer server = server().build().start()) {
      for (int i = 0; i < 3; i++) {
        TestDns.udp(server.address(), TestDns.a("www.example.com"));
      }
      TestDns.udp(server.address(), TestDns.a("www.elsewhere.example"));
      TestDns.udp(server.address(), TestDns.a("mail.elsewhere.example"));

      ServerStatistics s = server.statistics();
      assertThat(s.fastPath().cacheMisses()).isEqualTo(1);
      assertThat(s.fastPath().cacheHits()).isEqualTo(2);
      assertThat(s.fastPath().refused()).isEqualTo(2);
      assertThat(s.queries().rcodes()).containsEntry("REFUSED", 2L).containsEntry("NOERROR", 3L);
    }
  }

  @Test
  @DisplayName("without a cache nothing is a hit or a miss")
  void noCache() throws Exception {
    try (DnsServer server = server().answerCacheBytes(0).build().start()) {
      for (int i = 0; i < 2; i++) {
        TestDns.udp(server.address(), TestDns.a("www.example.com"));
      }
      assertThat(server.statistics().fastPath()).isEqualTo(new ServerStatistics.FastPath(0, 0, 0));
      assertThat(server.statistics().queries().udp()).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("TCP: a connection at the cap is refused when the open one is busy, and evicts it when idle")
  void tcpRefusedAndEvicted() throws Exception {
    try (DnsServer server = server().tcpMaxConnections(1).build().start()) {
      try (Socket busy = new Socket()) {
        busy.connect(server.address());
        OutputStream out = busy.getOutputStream();
        out.write(0); // half a length prefix: a message is arriving, so the connection is not idle
        out.flush();
        Await.until("the first connection open", WAIT, () -> server.statistics().tcp().open() == 1);
        try (Socket second = new Socket()) {
          second.connect(server.address());
          Await.until("the second connection refused", WAIT, () -> server.statistics().tcp().refused() == 1);
        }
        ServerStatistics.Tcp t = server.statistics().tcp();
        assertThat(t.accepted()).isEqualTo(1);
        assertThat(t.evicted()).isZero();
      }
      Await.until("the busy connection closed", WAIT, () -> server.statistics().tcp().open() == 0);
      try (Socket idle = new Socket()) {
        idle.connect(server.address());
        Await.until("the idle connection open", WAIT, () -> server.statistics().tcp().open() == 1);
        Message answer = TestDns.tcp(server.address(), TestDns.a("www.example.com"));
        assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
        ServerStatistics.Tcp t = server.statistics().tcp();
        assertThat(t.evicted()).isEqualTo(1);
        assertThat(t.refused()).isEqualTo(1);
        assertThat(t.accepted()).isEqualTo(3);
      }
    }
  }

  @Test
  @DisplayName("rate limiting: answers dropped and slipped, and BADCOOKIE for a limited client with a cookie")
  void rateLimited() throws Exception {
    // A stopped clock: the client's account never earns back what the first answer took.
    Clock stopped = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    RateLimit limit = RateLimit.builder().responsesPerSecond(1).slip(2).build();
    try (DnsServer server = server().rateLimit(limit).clock(stopped).build().start();
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      byte[] query = TestDns.a("www.example.com").toWire();
      for (int i = 0; i < 9; i++) {
        socket.send(new DatagramPacket(query, query.length, server.address()));
      }
      Await.until("nine queries counted", WAIT, () -> server.statistics().queries().udp() == 9);
      ServerStatistics.RateLimiting r = server.statistics().rateLimiting();
      assertThat(r.dropped()).isEqualTo(4);
      assertThat(r.slipped()).isEqualTo(4);
      assertThat(r.badCookie()).isZero();

      Message withCookie = TestDns.a("www.example.com");
      withCookie.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new CookieOption(new byte[8]))), Section.ADDITIONAL);
      byte[] cookieQuery = withCookie.toWire();
      for (int i = 0; i < 2; i++) {
        socket.send(new DatagramPacket(cookieQuery, cookieQuery.length, server.address()));
      }
      Await.until("the cookie queries counted", WAIT, () -> server.statistics().queries().udp() == 11);
      ServerStatistics s = server.statistics();
      assertThat(s.rateLimiting().badCookie()).isEqualTo(1);
      assertThat(s.rateLimiting().slipped()).isEqualTo(4);
      assertThat(s.rateLimiting().dropped()).isEqualTo(5);
      assertThat(s.queries().rcodes()).containsEntry("BADCOOKIE", 1L);
    }
  }

  @Test
  @DisplayName("commits: counted and timed, failures apart; the builder's zones are the first")
  void commits() throws Exception {
    try (DnsServer server = server().build().start()) {
      assertThat(server.statistics().commits().commits()).isEqualTo(1);
      server.commit(ChangeSet.builder().add(TestRecords.rr("mail", 300, "A", "192.0.2.2")).build());
      assertThatThrownBy(() -> server.commit(ChangeSet.builder()
              .add(TestRecords.rr("www.elsewhere.example.", 300, "A", "192.0.2.3")).build()))
          .isInstanceOf(InvalidZoneException.class);
      ServerStatistics s = server.statistics();
      assertThat(s.commits().commits()).isEqualTo(2);
      assertThat(s.commits().failed()).isEqualTo(1);
      assertThat(s.commits().totalTime()).isPositive();
      assertThat(s.commits().maxTime()).isPositive().isLessThanOrEqualTo(s.commits().totalTime());
      assertThat(s.version()).isEqualTo(2);
      assertThat(s.zones()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("extensions add secondaries, transfers and metrics of their own; one that fails is left out")
  void extensionsContribute() throws Exception {
    ServerExtension feeds = new ServerExtension() {
      @Override
      public void statistics(ServerStatistics.Builder statistics) {
        statistics.secondary(new ServerStatistics.Secondary("ns2", null, true, 7, 2, 1500));
        statistics.transfers(new ServerStatistics.Transfers(1, 2, 3, 4, 5, 6));
        statistics.metric(ServerStatistics.Metric.counter("dnsd.test.things", "Things", Map.of(), 42));
      }
    };
    ServerExtension alsoFeeds = new ServerExtension() {
      @Override
      public void statistics(ServerStatistics.Builder statistics) {
        statistics.transfers(new ServerStatistics.Transfers(10, 0, 0, 0, 0, 0));
      }
    };
    ServerExtension broken = new ServerExtension() {
      @Override
      public void statistics(ServerStatistics.Builder statistics) {
        throw new IllegalStateException("bug");
      }
    };
    try (DnsServer server = server().extension(feeds).extension(broken).extension(alsoFeeds).build().start()) {
      ServerStatistics s = server.statistics();
      assertThat(s.secondaries()).containsExactly(new ServerStatistics.Secondary("ns2", null, true, 7, 2, 1500));
      assertThat(s.transfers()).isEqualTo(new ServerStatistics.Transfers(11, 2, 3, 4, 5, 6));
      assertThat(value(s, "dnsd.test.things", Map.of())).isEqualTo(42);
      assertThat(value(s, "dnsd.secondary.lag.seconds", Map.of("secondary", "ns2", "zone", ""))).isEqualTo(1.5);
      assertThat(value(s, "dnsd.notify", Map.of("direction", "in"))).isEqualTo(11);
      assertThat(value(s, "dnsd.transfers", Map.of("direction", "out", "type", "IXFR"))).isEqualTo(4);
    }
  }

  @Test
  @DisplayName("metrics: one series per name and tags, the same tag keys for every series of a name")
  void metricsAreWellFormed() throws Exception {
    ServerExtension feeds = new ServerExtension() {
      @Override
      public void statistics(ServerStatistics.Builder statistics) {
        statistics.secondary(new ServerStatistics.Secondary("ns2", null, true, 7, 0, 0));
        statistics.secondary(new ServerStatistics.Secondary("192.0.2.2:53", TestRecords.ORIGIN, false, 1, 1, -1));
      }
    };
    try (DnsServer server = server().extension(feeds).build().start()) {
      TestDns.udp(server.address(), TestDns.a("www.example.com"));
      ServerStatistics s = server.statistics();
      Set<String> series = new HashSet<>();
      Map<String, Set<String>> tagKeys = new HashMap<>();
      for (ServerStatistics.Metric m : s.metrics()) {
        assertThat(series.add(m.name() + m.tags())).as("unique: %s%s", m.name(), m.tags()).isTrue();
        Set<String> keys = tagKeys.computeIfAbsent(m.name(), n -> m.tags().keySet());
        assertThat(m.tags().keySet()).as("tag keys of %s", m.name()).isEqualTo(keys);
      }
      assertThat(value(s, "dnsd.queries", Map.of("transport", "udp"))).isEqualTo(1);
      assertThat(value(s, "dnsd.queries.type", Map.of("qtype", "A"))).isEqualTo(1);
      assertThat(value(s, "dnsd.responses", Map.of("rcode", "NOERROR"))).isEqualTo(1);
      assertThat(value(s, "dnsd.answer.cache.misses", Map.of())).isEqualTo(1);
      assertThat(value(s, "dnsd.secondary.connected", Map.of("secondary", "192.0.2.2:53", "zone", "example.com.")))
          .isZero();
      assertThat(value(s, "dnsd.secondary.lag.seconds", Map.of("secondary", "192.0.2.2:53", "zone", "example.com.")))
          .isEqualTo(-1);
    }
  }

  @Test
  @DisplayName("a snapshot before start and after close")
  void beforeAndAfter() throws Exception {
    DnsServer server = server().build();
    assertThat(server.statistics().queries().total()).isZero();
    assertThat(server.statistics().tcp()).isEqualTo(new ServerStatistics.Tcp(0, 0, 0, 0));
    server.start();
    TestDns.udp(server.address(), TestDns.a("www.example.com"));
    server.close();
    assertThat(server.statistics().queries().udp()).isEqualTo(1);
  }

  private static double value(ServerStatistics s, String name, Map<String, String> tags) {
    return s.metrics().stream()
        .filter(m -> m.name().equals(name) && m.tags().equals(tags))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + tags))
        .value();
  }
}
