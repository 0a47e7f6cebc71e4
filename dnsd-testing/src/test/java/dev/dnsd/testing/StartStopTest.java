package dev.dnsd.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.ReceivedQuery;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

class StartStopTest {
  @StartStop
  DnsTestServer dns =
      DnsTestServer.builder()
          .zone(
              "example.com.",
              """
              www        A     192.0.2.1
              www        AAAA  2001:db8::1
              $ORIGIN sub.example.com.
              deep 300   TXT   "below sub"
              """)
          .zoneResource("zones/example.org.zone")
          .build();

  @Test
  void answersFromTextWithRelativeNamesAndOrigin() throws Exception {
    assertThat(dns.isRunning()).isTrue();
    assertThat(dns.address().getAddress().isLoopbackAddress()).isTrue();
    assertThat(dns.answers("www.example.com", Type.A)).containsExactly("192.0.2.1");
    assertThat(dns.answers("www.example.com.", Type.AAAA)).containsExactly("2001:db8:0:0:0:0:0:1");
    assertThat(dns.answers("deep.sub.example.com", Type.TXT)).containsExactly("\"below sub\"");
    assertThat(dns.query("nothing.example.com", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void aZoneWithoutSoaOrNsGetsDefaultOnesAndTtlsDefaultTo3600() throws Exception {
    Message soa = dns.query("example.com", Type.SOA);
    SOARecord record = (SOARecord) soa.getSection(Section.ANSWER).get(0);
    assertThat(record.getHost()).isEqualTo(Name.fromString("ns1.example.com."));
    assertThat(record.getAdmin()).isEqualTo(Name.fromString("hostmaster.example.com."));
    assertThat(dns.answers("example.com", Type.NS)).containsExactly("ns1.example.com.");
    assertThat(dns.query("www.example.com", Type.A).getSection(Section.ANSWER).get(0).getTTL())
        .isEqualTo(3600);
  }

  @Test
  void aZoneFileOnTheClassPathIsNamedByItsFileName() throws Exception {
    assertThat(dns.answers("example.org", Type.MX)).containsExactly("10 mail.example.org.");
    Record www = dns.query("www.example.org", Type.A).getSection(Section.ANSWER).get(0);
    assertThat(www.getTTL()).isEqualTo(600);
  }

  @Test
  void recordsEachQueryInOrderWithItsDetails() throws Exception {
    SimpleResolver tcp = dns.resolver();
    tcp.setTCP(true);
    tcp.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
    Message query = Message.newQuery(Record.newRecord(Name.fromString("www.example.com."), Type.AAAA, DClass.IN));
    query.getHeader().setFlag(Flags.CD);
    tcp.send(query);
    dns.query("mail.example.org", Type.A);

    assertThat(dns.queryCount()).isEqualTo(2);
    ReceivedQuery first = dns.takeQuery();
    assertThat(first.name()).isEqualTo(Name.fromString("www.example.com."));
    assertThat(first.type()).isEqualTo(Type.AAAA);
    assertThat(first.dclass()).isEqualTo(DClass.IN);
    assertThat(first.transport()).isEqualTo(ReceivedQuery.Transport.TCP);
    assertThat(first.client().getAddress().isLoopbackAddress()).isTrue();
    assertThat(first.flag(Flags.RD)).isTrue();
    assertThat(first.flag(Flags.CD)).isTrue();
    assertThat(first.edns().getPayloadSize()).isEqualTo(1232);
    assertThat(first.dnssecOk()).isTrue();
    assertThat(first.rcode()).isEqualTo(Rcode.NOERROR);

    ReceivedQuery second = dns.takeQuery();
    assertThat(second.name()).isEqualTo(Name.fromString("mail.example.org."));
    assertThat(second.transport()).isEqualTo(ReceivedQuery.Transport.UDP);
    assertThat(second.dnssecOk()).isFalse();

    assertThat(dns.takeQuery(Duration.ofMillis(50))).isNull();
  }

  @Test
  void eachTestStartsWithAnEmptyRecordAndAChangeableServer() throws Exception {
    assertThat(dns.queryCount()).isZero();
    dns.server().commit(
        dev.dnsd.store.ChangeSet.builder()
            .add(Record.fromString(Name.fromString("new.example.com."), Type.A, DClass.IN, 60, "192.0.2.9", Name.root))
            .build());
    assertThat(dns.answers("new.example.com", Type.A)).containsExactly("192.0.2.9");
  }
}
