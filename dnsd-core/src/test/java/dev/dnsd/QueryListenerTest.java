package dev.dnsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.internal.QueryReporter;
import dev.dnsd.internal.Responder;
import dev.dnsd.internal.ServerConfig;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class QueryListenerTest {
  private static final Zone ZONE =
      Zone.of(
          TestRecords.ORIGIN,
          List.of(
              TestRecords.rr("@", 3600, "SOA", "ns1 hostmaster 1 7200 3600 1209600 300"),
              TestRecords.rr("@", 3600, "NS", "ns1"),
              TestRecords.rr("www", 300, "A", "192.0.2.1")));

  private final BlockingQueue<ReceivedQuery> seen = new LinkedBlockingQueue<>();

  private DnsServer start(QueryListener listener) throws IOException {
    return DnsServer.builder().zone(ZONE).udpThreads(1).queryListener(listener).build().start();
  }

  private ReceivedQuery next() throws InterruptedException {
    ReceivedQuery q = seen.poll(5, TimeUnit.SECONDS);
    assertThat(q).as("a reported query").isNotNull();
    return q;
  }

  private static Message withEdns(Message query, int version, int flags) {
    query.addRecord(new OPTRecord(1400, 0, version, flags, new GenericEDNSOption(EDNSOption.Code.NSID, new byte[0])), Section.ADDITIONAL);
    return query;
  }

  @Test
  void seesEachQueryWithItsQuestionTransportClientFlagsEdnsAndRcode() throws Exception {
    try (DnsServer server = start(seen::add)) {
      Instant before = Instant.now();
      Message udp = withEdns(TestDns.query("www.example.com", Type.A), 0, ExtendedFlags.DO);
      udp.getHeader().setFlag(Flags.CD);
      TestDns.udp(server.address(), udp);
      TestDns.tcp(server.address(), TestDns.query("nope.example.com", Type.AAAA));

      ReceivedQuery first = next();
      assertThat(first.name()).isEqualTo(Name.fromString("www.example.com."));
      assertThat(first.type()).isEqualTo(Type.A);
      assertThat(first.dclass()).isEqualTo(DClass.IN);
      assertThat(first.transport()).isEqualTo(ReceivedQuery.Transport.UDP);
      assertThat(first.client().getAddress().isLoopbackAddress()).isTrue();
      assertThat(first.flag(Flags.RD)).isTrue();
      assertThat(first.flag(Flags.CD)).isTrue();
      assertThat(first.message().getHeader().getID()).isEqualTo(udp.getHeader().getID());
      assertThat(first.dnssecOk()).isTrue();
      assertThat(first.edns().getVersion()).isZero();
      assertThat(first.edns().getPayloadSize()).isEqualTo(1400);
      assertThat(first.edns().getOptions()).hasSize(1);
      assertThat(first.rcode()).isEqualTo(Rcode.NOERROR);
      assertThat(first.wire()).isEqualTo(udp.toWire());
      assertThat(first.server()).isEqualTo(server.address());
      assertThat(new Message(first.response()).getSection(Section.ANSWER)).hasSize(1);
      assertThat(new Message(first.response()).getHeader().getID()).isEqualTo(udp.getHeader().getID());
      assertThat(first.answeredAt()).isAfterOrEqualTo(first.receivedAt());
      assertThat(first.receivedAt()).isBetween(before, Instant.now());

      ReceivedQuery second = next();
      assertThat(second.name()).isEqualTo(Name.fromString("nope.example.com."));
      assertThat(second.transport()).isEqualTo(ReceivedQuery.Transport.TCP);
      assertThat(second.edns()).isNull();
      assertThat(second.dnssecOk()).isFalse();
      assertThat(second.rcode()).isEqualTo(Rcode.NXDOMAIN);
      assertThat(second.server()).isEqualTo(server.tcpAddresses().get(0));
      assertThat(new Message(second.response()).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }
  }

  @Test
  void seesCacheHitsRefusalsAndExtendedRcodes() throws Exception {
    try (DnsServer server = start(seen::add)) {
      for (int i = 0; i < 2; i++) { // the second is answered from the cache
        TestDns.udp(server.address(), TestDns.a("www.example.com"));
      }
      TestDns.udp(server.address(), TestDns.a("www.elsewhere.example")); // refused at once
      TestDns.udp(server.address(), withEdns(TestDns.a("www.example.com"), 1, 0));

      assertThat(next().rcode()).isEqualTo(Rcode.NOERROR);
      assertThat(next().rcode()).isEqualTo(Rcode.NOERROR);
      ReceivedQuery refused = next();
      assertThat(refused.name()).isEqualTo(Name.fromString("www.elsewhere.example."));
      assertThat(refused.rcode()).isEqualTo(Rcode.REFUSED);
      ReceivedQuery badvers = next();
      assertThat(badvers.edns().getVersion()).isEqualTo(1);
      assertThat(badvers.rcode()).isEqualTo(Rcode.BADVERS);
      assertThat(seen).isEmpty();
    }
  }

  @Test
  void aFailingListenerDoesNotKeepTheAnswerBack() throws Exception {
    try (DnsServer server = start(q -> {
      seen.add(q);
      throw new IllegalStateException("listener bug");
    })) {
      for (int i = 0; i < 3; i++) {
        Message answer = TestDns.udp(server.address(), TestDns.a("www.example.com"));
        assertThat(answer.getSection(Section.ANSWER)).hasSize(1);
      }
      assertThat(seen).hasSize(3);
    }
  }

  @Test
  void withoutAListenerTheTransportsGetTheResponderItself() {
    Responder responder = new Responder(ZoneTable::empty, ServerConfig.defaults());
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 53);
    assertThat(QueryReporter.around(responder, null, Clock.systemUTC(), address)).isSameAs(responder);
    assertThat(QueryReporter.around(responder, seen::add, Clock.systemUTC(), address)).isNotSameAs(responder);
  }

  @Test
  void theListenerIsSetOnce() {
    DnsServer.Builder builder = DnsServer.builder().queryListener(seen::add);
    assertThatThrownBy(() -> builder.queryListener(seen::add))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("queryListener was already set");
  }
}
