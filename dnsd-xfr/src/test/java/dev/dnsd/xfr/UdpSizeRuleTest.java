package dev.dnsd.xfr;

import static dev.dnsd.xfr.Fixtures.KEY;
import static dev.dnsd.xfr.Fixtures.ORIGIN;
import static dev.dnsd.xfr.Fixtures.SECRET;
import static dev.dnsd.xfr.Fixtures.rr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.DnsServer;
import dev.dnsd.TestDns;
import dev.dnsd.store.ChangeSet;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One size rule for every kind of UDP answer: the client's EDNS payload size (512 without EDNS),
 * at most the server's maxUdpPayload. Here the server sends at most 1000 bytes and the client
 * offers 4096, so an answer that obeyed the client alone, or another cap, would show.
 */
class UdpSizeRuleTest {
  private static final int SERVER_MAX = 1000;
  private DnsServer server;

  @BeforeEach
  void start() throws IOException {
    ZoneTransfers xfr =
        ZoneTransfers.builder()
            .tsigKey(KEY)
            .allowTransfer("example.com", "127.0.0.0/8")
            .build();
    server =
        DnsServer.builder()
            .maxUdpPayload(SERVER_MAX)
            .zone(Fixtures.zone())
            .extension(xfr)
            .build()
            .start();
    ChangeSet.Builder big = ChangeSet.builder();
    for (int i = 0; i < 40; i++) {
      big.add(rr("big.example.com.", Type.TXT, "\"" + "x".repeat(60) + i + "\""));
    }
    server.commit(big.build());
    // One change of about 1,100 bytes of records: more than this server sends over UDP, less
    // than the 1232 bytes the IXFR path once capped itself at.
    ChangeSet.Builder delta = ChangeSet.builder();
    for (int i = 0; i < 12; i++) {
      delta.add(rr("d" + i + ".example.com.", Type.TXT, "\"" + "y".repeat(60) + "\""));
    }
    server.commit(delta.build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static Message withEdns(Message m, int payload) {
    if (payload > 0) {
      m.addRecord(new OPTRecord(payload, 0, 0), Section.ADDITIONAL);
    }
    return m;
  }

  private static int limit(int payload) {
    return payload > 0 ? Math.min(payload, SERVER_MAX) : 512;
  }

  private byte[] udp(Message query) throws IOException {
    return TestDns.udpRaw(server.address(), query.toWire(65535)); // toWire(max) applies TSIG
  }

  @ParameterizedTest(name = "client payload {0} (0: no EDNS)")
  @ValueSource(ints = {0, 4096})
  @DisplayName("a plain answer that does not fit is cut to the limit with TC")
  void plain(int payload) throws IOException {
    byte[] wire = udp(withEdns(TestDns.query("big.example.com", Type.TXT), payload));
    assertThat(wire.length).isLessThanOrEqualTo(limit(payload));
    assertThat(new Message(wire).getHeader().getFlag(Flags.TC)).isTrue();
  }

  @ParameterizedTest(name = "client payload {0} (0: no EDNS)")
  @ValueSource(ints = {0, 4096})
  @DisplayName("a signed answer that does not fit is cut to the limit with TC, still signed")
  void signed(int payload) throws IOException {
    Message q = withEdns(TestDns.query("big.example.com", Type.TXT), payload);
    q.setTSIG(Fixtures.clientKey("xfr-key", SECRET, Clock.systemUTC()));
    byte[] wire = udp(q);
    assertThat(wire.length).isLessThanOrEqualTo(limit(payload));
    Message answer = new Message(wire);
    assertThat(answer.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(answer.getTSIG()).isNotNull();
  }

  @ParameterizedTest(name = "client payload {0} (0: no EDNS)")
  @ValueSource(ints = {0, 4096})
  @DisplayName("an IXFR that does not fit is the current SOA alone (RFC 1995 §2)")
  void ixfr(int payload) throws IOException {
    long serial = server.zones().get(ORIGIN).serial();
    Message q = withEdns(TestDns.query(ORIGIN, Type.IXFR), payload);
    q.addRecord(new SOARecord(ORIGIN, DClass.IN, 0, ORIGIN, ORIGIN, serial - 1, 0, 0, 0, 0), Section.AUTHORITY);
    Message overTcp = TestDns.tcp(server.address(), q);
    assertThat(overTcp.toWire().length).as("the whole answer").isBetween(SERVER_MAX + 1, 1231);

    byte[] wire = udp(q);
    assertThat(wire.length).isLessThanOrEqualTo(limit(payload));
    List<Record> answer = new Message(wire).getSection(Section.ANSWER);
    assertThat(answer).hasSize(1);
    assertThat(((SOARecord) answer.get(0)).getSerial()).isEqualTo(serial);
  }

  @ParameterizedTest(name = "client payload {0} (0: no EDNS)")
  @ValueSource(ints = {0, 4096})
  @DisplayName("a NOTIFY reply and an error reply keep to the limit too")
  void notifyAndError(int payload) throws IOException {
    Message notify = withEdns(TestDns.query(ORIGIN, Type.SOA), payload);
    notify.getHeader().setOpcode(Opcode.NOTIFY);
    byte[] reply = udp(notify);
    assertThat(reply.length).isLessThanOrEqualTo(limit(payload));
    assertThat(new Message(reply).getRcode()).isEqualTo(Rcode.NOTAUTH); // not a secondary zone here

    byte[] error = udp(withEdns(TestDns.query(ORIGIN, Type.AXFR), payload));
    assertThat(error.length).isLessThanOrEqualTo(limit(payload));
    assertThat(new Message(error).getRcode()).isEqualTo(Rcode.FORMERR); // AXFR over UDP
  }

  @Test
  @DisplayName("an answer that fits is sent whole, signed or not")
  void fits() throws IOException {
    Message q = withEdns(TestDns.query("www.example.com", Type.A), 4096);
    q.setTSIG(Fixtures.clientKey("xfr-key", SECRET, Clock.systemUTC()));
    Message answer = new Message(udp(q));
    assertThat(answer.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(answer.getSection(Section.ANSWER)).hasSize(2);
  }
}
