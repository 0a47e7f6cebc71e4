package dev.dnsd.xfr;

import static dev.dnsd.xfr.Fixtures.ORIGIN;
import static dev.dnsd.xfr.Fixtures.rr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.DnsServer;
import dev.dnsd.store.ChangeSet;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** NOTIFY out (RFC 1996 §3.5–3.7): sent after every commit, retried until the secondary answers. */
class NotifyTest {
  private final ManualScheduler scheduler = new ManualScheduler(Instant.parse("2026-03-01T00:00:00Z"));
  private DatagramSocket secondary;
  private DnsServer server;
  private ZoneTransfers xfr;

  @BeforeEach
  void start() throws Exception {
    secondary = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    secondary.setSoTimeout(5000);
    xfr = ZoneTransfers.builder()
        .notify("example.com", (InetSocketAddress) secondary.getLocalSocketAddress())
        .notifyRetry(Duration.ofSeconds(2), 3)
        .scheduler(scheduler)
        .clock(scheduler.clock)
        .build();
    server = DnsServer.builder().zone(Fixtures.zone()).extension(xfr).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
    secondary.close();
  }

  private DatagramPacket receive() throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
    secondary.receive(p);
    return p;
  }

  private static Message parse(DatagramPacket p) throws Exception {
    return new Message(Arrays.copyOf(p.getData(), p.getLength()));
  }

  @Test
  void aCommitNotifiesWithTheNewSoaAndRetriesUntilAnswered() throws Exception {
    server.commit(ChangeSet.builder().add(rr("new.example.com.", Type.A, "192.0.2.5")).build());
    scheduler.runDue();

    DatagramPacket first = receive();
    Message notify = parse(first);
    assertThat(notify.getHeader().getOpcode()).isEqualTo(Opcode.NOTIFY);
    assertThat(notify.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(notify.getQuestion().getName()).isEqualTo(ORIGIN);
    assertThat(notify.getQuestion().getType()).isEqualTo(Type.SOA);
    assertThat(((SOARecord) notify.getSection(Section.ANSWER).get(0)).getSerial()).isEqualTo(2);

    scheduler.advance(Duration.ofSeconds(2));
    Message retry = parse(receive());
    assertThat(retry.getHeader().getID()).isEqualTo(notify.getHeader().getID());
    assertThat(xfr.unansweredNotifies()).isEqualTo(1);

    Message ack = new Message(notify.getHeader().getID());
    ack.getHeader().setFlag(Flags.QR);
    ack.getHeader().setOpcode(Opcode.NOTIFY);
    ack.addRecord(notify.getQuestion(), Section.QUESTION);
    byte[] wire = ack.toWire();
    secondary.send(new DatagramPacket(wire, wire.length, first.getSocketAddress()));

    Await.until("the answer to be taken", Duration.ofSeconds(5), () -> xfr.unansweredNotifies() == 0);
    assertThat(scheduler.nextDue()).isNull();
  }

  @Test
  void aSecondaryThatNeverAnswersIsGivenUpAfterTheLastAttempt() throws Exception {
    server.commit(ChangeSet.builder().add(rr("new.example.com.", Type.A, "192.0.2.5")).build());
    scheduler.runDue();
    receive();
    scheduler.advance(Duration.ofSeconds(2));
    receive();
    scheduler.advance(Duration.ofSeconds(4));
    receive();
    assertThat(xfr.unansweredNotifies()).isEqualTo(1);

    scheduler.advance(Duration.ofSeconds(8));
    assertThat(xfr.unansweredNotifies()).isZero();
    assertThat(scheduler.nextDue()).isNull();
  }

  @Test
  void aNewerChangeReplacesAnUnansweredNotify() throws Exception {
    server.commit(ChangeSet.builder().add(rr("a.example.com.", Type.A, "192.0.2.5")).build());
    scheduler.runDue();
    Message first = parse(receive());
    server.commit(ChangeSet.builder().add(rr("b.example.com.", Type.A, "192.0.2.6")).build());
    scheduler.runDue();
    Message second = parse(receive());

    assertThat(((SOARecord) second.getSection(Section.ANSWER).get(0)).getSerial()).isEqualTo(3);
    assertThat(second.getHeader().getID()).isNotEqualTo(first.getHeader().getID());
    assertThat(xfr.unansweredNotifies()).isEqualTo(1);
  }

  @Test
  void aNotifyForAZoneWeDoNotCopyIsNotauth() throws Exception {
    Message notify = new Message();
    notify.getHeader().setOpcode(Opcode.NOTIFY);
    notify.addRecord(org.xbill.DNS.Record.newRecord(ORIGIN, Type.SOA, org.xbill.DNS.DClass.IN), Section.QUESTION);
    Fixtures.Capture out = new Fixtures.Capture();
    xfr.handle(Fixtures.request(notify, false), out);
    assertThat(out.only().getRcode()).isEqualTo(Rcode.NOTAUTH);
  }
}
