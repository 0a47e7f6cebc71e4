package dev.dnsd.xfr;

import static dev.dnsd.xfr.Fixtures.KEY;
import static dev.dnsd.xfr.Fixtures.ORIGIN;
import static dev.dnsd.xfr.Fixtures.SECRET;
import static dev.dnsd.xfr.Fixtures.rr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.DnsServer;
import dev.dnsd.TestDns;
import dev.dnsd.store.ChangeSet;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * EDNS in answers this extension makes (RFC 6891 §7): an OPT record when the request had one,
 * in every message of a transfer; and EDNS EXPIRE (RFC 7314) as BIND and Knot answer it: a
 * primary's SOA expire, a secondary zone's time left, in SOA, AXFR and IXFR answers.
 */
class EdnsExpireTest {
  private static final long EXPIRE = 86400; // the fixture zone's SOA expire
  private DnsServer primary;
  private DnsServer secondary;

  @AfterEach
  void stop() {
    if (secondary != null) {
      secondary.close();
    }
    if (primary != null) {
      primary.close();
    }
  }

  private void startPrimary() throws Exception {
    primary = DnsServer.builder().zone(Fixtures.zone())
        .extension(ZoneTransfers.builder().tsigKey(KEY).allowTransfer("example.com", "127.0.0.0/8").build())
        .build().start();
    primary.commit(ChangeSet.builder().add(rr("new.example.com.", Type.A, "192.0.2.77")).build());
  }

  private static Message withEdns(Message m, boolean expire) {
    List<EDNSOption> options =
        expire ? List.of(new GenericEDNSOption(EDNSOption.Code.EDNS_EXPIRE, new byte[0])) : List.of();
    m.addRecord(new OPTRecord(1232, 0, 0, 0, options), Section.ADDITIONAL);
    return m;
  }

  /** The EXPIRE value in the message's OPT record; -1 when there is none. */
  private static long expire(Message m) {
    OPTRecord opt = m.getOPT();
    assertThat(opt).as("an OPT record").isNotNull();
    List<EDNSOption> found = opt.getOptions(EDNSOption.Code.EDNS_EXPIRE);
    if (found.isEmpty()) {
      return -1;
    }
    byte[] wire = found.get(0).toWire();
    return ByteBuffer.wrap(wire, 4, 4).getInt() & 0xFFFFFFFFL;
  }

  private static List<Message> tcpStream(InetSocketAddress server, Message query) throws Exception {
    try (java.net.Socket s = new java.net.Socket(server.getAddress(), server.getPort())) {
      s.setSoTimeout(5000);
      TestDns.write(s, query.toWire());
      List<Message> out = new java.util.ArrayList<>();
      while (true) {
        Message m = new Message(TestDns.read(s));
        out.add(m);
        List<Record> answer = m.getSection(Section.ANSWER);
        long soas = out.stream().flatMap(x -> x.getSection(Section.ANSWER).stream())
            .filter(r -> r.getType() == Type.SOA).count();
        if (query.getQuestion().getType() == Type.AXFR ? soas >= 2 : soas >= 3 || (soas == 1 && answer.size() == 1)) {
          return out;
        }
      }
    }
  }

  @Test
  void aPrimaryAnswersExpireWithTheSoaExpireInSoaAxfrAndIxfr() throws Exception {
    startPrimary();
    Message soa = TestDns.udp(primary.address(), withEdns(TestDns.query(ORIGIN, Type.SOA), true));
    assertThat(soa.getSection(Section.ANSWER)).hasSize(1);
    assertThat(expire(soa)).isEqualTo(EXPIRE);

    for (Message m : tcpStream(primary.address(), withEdns(TestDns.query(ORIGIN, Type.AXFR), true))) {
      assertThat(expire(m)).isEqualTo(EXPIRE);
    }
    Message ixfr = Message.newQuery(Record.newRecord(ORIGIN, Type.IXFR, DClass.IN));
    ixfr.addRecord(new SOARecord(ORIGIN, DClass.IN, 0, ORIGIN, ORIGIN, 1, 0, 0, 0, 0), Section.AUTHORITY);
    Message udpIxfr = TestDns.udp(primary.address(), withEdns(ixfr, true));
    assertThat(udpIxfr.getSection(Section.ANSWER)).hasSizeGreaterThan(1);
    assertThat(expire(udpIxfr)).isEqualTo(EXPIRE);
  }

  @Test
  void transferAnswersCarryAnOptOnlyWhenTheRequestHadOne() throws Exception {
    startPrimary();
    for (Message m : tcpStream(primary.address(), withEdns(TestDns.query(ORIGIN, Type.AXFR), false))) {
      assertThat(m.getOPT()).isNotNull();
      assertThat(expire(m)).isEqualTo(-1);
    }
    for (Message m : tcpStream(primary.address(), TestDns.query(ORIGIN, Type.AXFR))) {
      assertThat(m.getOPT()).isNull();
    }
    Message refused = TestDns.udp(primary.address(), withEdns(TestDns.query(Fixtures.name("other.test."), Type.IXFR), true));
    assertThat(refused.getOPT()).isNotNull();
    assertThat(expire(refused)).isEqualTo(-1);
  }

  @Test
  void aSecondaryAnswersExpireWithTheTimeLeftSinceItsLastRefresh() throws Exception {
    startPrimary();
    ManualScheduler scheduler = new ManualScheduler(java.time.Instant.now());
    secondary = DnsServer.builder()
        .extension(ZoneTransfers.builder().tsigKey(KEY)
            .scheduler(scheduler).clock(scheduler.clock)
            .secondaryZone("example.com", primary.address(), null)
            .allowTransfer("example.com", "127.0.0.0/8").build())
        .build().start();
    scheduler.runDue(); // the first refresh: an AXFR
    assertThat(secondary.zones().get(ORIGIN)).isNotNull();
    scheduler.advance(Duration.ofSeconds(1000)); // before the SOA refresh interval (3600 s)

    Message soa = TestDns.udp(secondary.address(), withEdns(TestDns.query(ORIGIN, Type.SOA), true));
    assertThat(expire(soa)).isEqualTo(EXPIRE - 1000);
    var key = Fixtures.clientKey("xfr-key", SECRET, scheduler.clock);
    org.xbill.DNS.SimpleResolver signed = new org.xbill.DNS.SimpleResolver(secondary.address());
    signed.setTSIGKey(key);
    Message signedSoa = signed.send(withEdns(TestDns.query(ORIGIN, Type.SOA), true));
    assertThat(signedSoa.isVerified()).isTrue();
    assertThat(expire(signedSoa)).isEqualTo(EXPIRE - 1000);
    for (Message m : tcpStream(secondary.address(), withEdns(TestDns.query(ORIGIN, Type.AXFR), true))) {
      assertThat(expire(m)).isEqualTo(EXPIRE - 1000);
    }
  }
}
