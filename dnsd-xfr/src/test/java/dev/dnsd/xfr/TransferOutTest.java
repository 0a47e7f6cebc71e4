package dev.dnsd.xfr;

import static dev.dnsd.xfr.Fixtures.KEY;
import static dev.dnsd.xfr.Fixtures.ORIGIN;
import static dev.dnsd.xfr.Fixtures.SECRET;
import static dev.dnsd.xfr.Fixtures.rr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.DnsServer;
import dev.dnsd.Request;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.store.RecordStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/** AXFR (RFC 5936) and IXFR (RFC 1995) answers, their access rules, and their framing. */
class TransferOutTest {
  private static final InetSocketAddress OUTSIDER = new InetSocketAddress(addr("192.0.2.99"), 4000);
  private DnsServer server;
  private ZoneTransfers xfr;

  private static InetAddress addr(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private void start(RecordStore store) throws Exception {
    xfr = ZoneTransfers.builder()
        .tsigKey(KEY)
        .allowTransfer("example.com", "127.0.0.0/8")
        .allowTransferKey("example.com.", "xfr-key")
        .build();
    server = DnsServer.builder().store(store).zone(Fixtures.zone()).extension(xfr).build().start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Fixtures.Capture ask(Message q, boolean tcp, InetSocketAddress client) {
    Fixtures.Capture out = new Fixtures.Capture();
    assertThat(xfr.handle(Fixtures.request(q, tcp, client), out)).isTrue();
    return out;
  }

  private static Message ixfrQuery(long serial) {
    Message q = Fixtures.query(ORIGIN, Type.IXFR);
    q.addRecord(
        new SOARecord(ORIGIN, DClass.IN, 0, ORIGIN, ORIGIN, serial, 0, 0, 0, 0), Section.AUTHORITY);
    return q;
  }

  private static List<Record> answers(List<Message> messages) {
    List<Record> out = new ArrayList<>();
    messages.forEach(m -> out.addAll(m.getSection(Section.ANSWER)));
    return out;
  }

  private static long serial(Record r) {
    return ((SOARecord) r).getSerial();
  }

  @Test
  void axfrIsTheSoaThenEveryRecordThenTheSoa() throws Exception {
    start(new InMemoryRecordStore());
    List<Message> messages = ask(Fixtures.query(ORIGIN, Type.AXFR), true, Fixtures.LOOPBACK).messages();

    assertThat(messages).hasSize(1);
    assertThat(messages.get(0).getHeader().getFlag(Flags.AA)).isTrue();
    List<Record> records = answers(messages);
    assertThat(records.get(0).getType()).isEqualTo(Type.SOA);
    assertThat(records.get(records.size() - 1)).isEqualTo(records.get(0));
    assertThat(records.subList(1, records.size() - 1))
        .containsExactlyInAnyOrderElementsOf(
            Fixtures.zone().records().stream().filter(r -> r.getType() != Type.SOA).toList());
  }

  @Test
  void aLargeZoneStreamsManyMessagesEachSignedInSequence() throws Exception {
    start(new InMemoryRecordStore());
    ChangeSet.Builder many = ChangeSet.builder();
    for (int i = 0; i < 3000; i++) {
      many.add(rr("host" + i + ".example.com.", Type.TXT, "\"padding padding padding " + i + "\""));
    }
    server.commit(many.build());
    TSIG client = Fixtures.clientKey("xfr-key", SECRET, Clock.systemUTC());
    Message q = Fixtures.query(ORIGIN, Type.AXFR);
    q.setTSIG(client);
    Request request = Fixtures.request(q, true, OUTSIDER);
    Fixtures.Capture out = new Fixtures.Capture();
    xfr.handle(request, out);

    assertThat(out.sent).hasSizeGreaterThan(3);
    TSIG.StreamVerifier verifier = new TSIG.StreamVerifier(client, request.message().getTSIG());
    List<Message> messages = out.messages();
    for (int i = 0; i < messages.size(); i++) {
      assertThat(verifier.verify(messages.get(i), out.sent.get(i))).as("message %d", i).isEqualTo(Rcode.NOERROR);
      assertThat(out.sent.get(i).length).isLessThan(65535);
    }
    assertThat(messages.get(0).getQuestion().getName()).isEqualTo(ORIGIN);
    assertThat(messages.get(1).getQuestion()).isNull();
    List<Record> records = answers(messages);
    assertThat(records).hasSize(Fixtures.zone().recordCount() + 3000 + 1);
    assertThat(records.get(records.size() - 1).getType()).isEqualTo(Type.SOA);
  }

  @Test
  void clientsOutsideThePrefixesWithoutAKeyAreRefused() throws Exception {
    start(new InMemoryRecordStore());
    Message refused = ask(Fixtures.query(ORIGIN, Type.AXFR), true, OUTSIDER).only();
    assertThat(refused.getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(refused.getSection(Section.ANSWER)).isEmpty();

    Message q = Fixtures.query(ORIGIN, Type.AXFR);
    q.setTSIG(Fixtures.clientKey("xfr-key", SECRET, Clock.systemUTC()));
    assertThat(ask(q, true, OUTSIDER).messages().get(0).getRcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void aZoneWithoutRulesIsRefusedToEveryone() throws Exception {
    start(new InMemoryRecordStore());
    Name other = Fixtures.name("other.test.");
    server.commit(ChangeSet.builder().createZone(other, List.of(
        rr("other.test.", Type.SOA, "ns.other.test. a.other.test. 1 3600 600 86400 300"),
        rr("other.test.", Type.NS, "ns.other.test."))).build());

    assertThat(ask(Fixtures.query(other, Type.AXFR), true, Fixtures.LOOPBACK).only().getRcode())
        .isEqualTo(Rcode.REFUSED);
  }

  @Test
  void unknownZoneIsNotauthAndAxfrOverUdpIsFormerr() throws Exception {
    start(new InMemoryRecordStore());
    assertThat(ask(Fixtures.query(Fixtures.name("nowhere.test."), Type.AXFR), true, Fixtures.LOOPBACK).only().getRcode())
        .isEqualTo(Rcode.NOTAUTH);
    assertThat(ask(Fixtures.query(ORIGIN, Type.AXFR), false, Fixtures.LOOPBACK).only().getRcode())
        .isEqualTo(Rcode.FORMERR);
  }

  @Test
  void ixfrSendsTheDifferenceSequencesFromTheChangeLog() throws Exception {
    start(new InMemoryRecordStore());
    Record added = rr("new.example.com.", Type.A, "192.0.2.77");
    Record removed = rr("www.example.com.", Type.A, "192.0.2.10");
    server.commit(ChangeSet.builder().add(added).build()); // serial 2
    server.commit(ChangeSet.builder().remove(removed).build()); // serial 3

    List<Record> r = answers(ask(ixfrQuery(1), true, Fixtures.LOOPBACK).messages());

    assertThat(r).hasSize(8);
    assertThat(serial(r.get(0))).isEqualTo(3);
    assertThat(serial(r.get(1))).isEqualTo(1);
    assertThat(serial(r.get(2))).isEqualTo(2);
    assertThat(r.get(3)).isEqualTo(added);
    assertThat(serial(r.get(4))).isEqualTo(2);
    assertThat(r.get(5)).isEqualTo(removed);
    assertThat(serial(r.get(6))).isEqualTo(3);
    assertThat(serial(r.get(7))).isEqualTo(3);
  }

  @Test
  void ixfrFromTheMiddleOfTheLogStartsThere() throws Exception {
    start(new InMemoryRecordStore());
    for (int i = 0; i < 200; i++) {
      server.commit(ChangeSet.builder().add(rr("h" + i + ".example.com.", Type.A, "192.0.2.5")).build());
    }
    List<Record> r = answers(ask(ixfrQuery(150), true, Fixtures.LOOPBACK).messages());

    assertThat(serial(r.get(0))).isEqualTo(201);
    assertThat(serial(r.get(1))).isEqualTo(150);
    assertThat(r.stream().filter(x -> x.getType() == Type.A)).hasSize(51);
  }

  @Test
  void ixfrFromTheCurrentSerialIsTheSoaAlone() throws Exception {
    start(new InMemoryRecordStore());
    List<Record> r = answers(ask(ixfrQuery(1), true, Fixtures.LOOPBACK).messages());
    assertThat(r).hasSize(1);
    assertThat(serial(r.get(0))).isEqualTo(1);
  }

  @Test
  void ixfrFallsBackToTheWholeZoneWhenTheLogDoesNotReachBack() throws Exception {
    start(new InMemoryRecordStore(1));
    server.commit(ChangeSet.builder().add(rr("a.example.com.", Type.A, "192.0.2.5")).build());
    server.commit(ChangeSet.builder().add(rr("b.example.com.", Type.A, "192.0.2.6")).build());

    List<Record> r = answers(ask(ixfrQuery(1), true, Fixtures.LOOPBACK).messages());

    assertThat(serial(r.get(0))).isEqualTo(3);
    assertThat(r.get(1).getType()).isNotEqualTo(Type.SOA); // AXFR form: no difference sequence
    assertThat(r).hasSize(Fixtures.zone().recordCount() + 2 + 1);
  }

  @Test
  void ixfrOverUdpIsAnsweredWhenItFitsAndIsTheSoaAloneWhenNot() throws Exception {
    start(new InMemoryRecordStore());
    server.commit(ChangeSet.builder().add(rr("new.example.com.", Type.A, "192.0.2.77")).build());
    assertThat(ask(ixfrQuery(1), false, Fixtures.LOOPBACK).only().getSection(Section.ANSWER)).hasSize(5);

    ChangeSet.Builder big = ChangeSet.builder();
    for (int i = 0; i < 100; i++) {
      big.add(rr("bulk" + i + ".example.com.", Type.TXT, "\"more than fits in 512 bytes\""));
    }
    server.commit(big.build());
    List<Record> r = ask(ixfrQuery(1), false, Fixtures.LOOPBACK).only().getSection(Section.ANSWER);
    assertThat(r).hasSize(1);
    assertThat(serial(r.get(0))).isEqualTo(3);
  }
}
