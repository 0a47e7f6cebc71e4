package dev.dnsd.xfr;

import static dev.dnsd.xfr.Fixtures.KEY;
import static dev.dnsd.xfr.Fixtures.OTHER_SECRET;
import static dev.dnsd.xfr.Fixtures.SECRET;
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
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * NOTIFY signed with TSIG (RFC 8945 §5.1): with the zone's transfer key by default or a key named
 * for the target, and only an answer signed with that key over the NOTIFY's MAC taken.
 */
class SignedNotifyTest {
  private final ManualScheduler scheduler = new ManualScheduler(Instant.parse("2026-03-01T00:00:00Z"));
  private final TSIG secondaryKey = Fixtures.clientKey("xfr-key", SECRET, scheduler.clock);
  private DatagramSocket secondary;
  private DnsServer server;
  private ZoneTransfers xfr;

  private void start(ZoneTransfers.Builder b) throws Exception {
    xfr = b.notifyRetry(Duration.ofSeconds(2), 3).scheduler(scheduler).clock(scheduler.clock).build();
    server = DnsServer.builder().zone(Fixtures.zone()).extension(xfr).build().start();
  }

  private InetSocketAddress secondaryAddress() throws Exception {
    secondary = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    secondary.setSoTimeout(5000);
    return (InetSocketAddress) secondary.getLocalSocketAddress();
  }

  @AfterEach
  void stop() {
    server.close();
    secondary.close();
  }

  private DatagramPacket commitAndReceive() throws Exception {
    server.commit(ChangeSet.builder().add(rr("new.example.com.", Type.A, "192.0.2.5")).build());
    scheduler.runDue();
    DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
    secondary.receive(p);
    return p;
  }

  private static byte[] bytes(DatagramPacket p) {
    return Arrays.copyOf(p.getData(), p.getLength());
  }

  private void answer(DatagramPacket to, Message notify, TSIG signer) throws Exception {
    Message ack = new Message(notify.getHeader().getID());
    ack.getHeader().setFlag(Flags.QR);
    ack.getHeader().setOpcode(Opcode.NOTIFY);
    ack.addRecord(notify.getQuestion(), Section.QUESTION);
    if (signer != null) {
      signer.apply(ack, notify.getTSIG());
    }
    byte[] wire = ack.toWire();
    secondary.send(new DatagramPacket(wire, wire.length, to.getSocketAddress()));
  }

  @Test
  void byDefaultTheNotifyIsSignedWithTheZonesTransferKeyAndASignedAnswerEndsIt() throws Exception {
    InetSocketAddress address = secondaryAddress();
    start(ZoneTransfers.builder().tsigKey(KEY).allowTransferKey("example.com", "xfr-key").notify("example.com", address));
    DatagramPacket p = commitAndReceive();
    byte[] wire = bytes(p);
    Message notify = new Message(wire);
    assertThat(notify.getTSIG()).isNotNull();
    assertThat(notify.getTSIG().getName()).isEqualTo(KEY.name());
    assertThat(secondaryKey.verify(notify, wire, null)).isEqualTo(Rcode.NOERROR);

    answer(p, notify, secondaryKey);
    Await.until("the signed answer to be taken", Duration.ofSeconds(5), () -> xfr.unansweredNotifies() == 0);
  }

  @Test
  void anUnsignedOrBadlySignedAnswerIsNotTakenAndTheNotifyIsRetried() throws Exception {
    InetSocketAddress address = secondaryAddress();
    start(ZoneTransfers.builder().tsigKey(KEY).notify("example.com", address, "xfr-key"));
    DatagramPacket p = commitAndReceive();
    Message notify = new Message(bytes(p));
    assertThat(notify.getTSIG()).isNotNull();

    answer(p, notify, null);
    answer(p, notify, Fixtures.clientKey("xfr-key", OTHER_SECRET, scheduler.clock));
    // Both answers are read before the retry: a third, good one is taken after it.
    scheduler.advance(Duration.ofSeconds(2));
    DatagramPacket retry = new DatagramPacket(new byte[4096], 4096);
    secondary.receive(retry);
    Message again = new Message(bytes(retry));
    assertThat(again.getHeader().getID()).isEqualTo(notify.getHeader().getID());
    assertThat(xfr.unansweredNotifies()).isEqualTo(1);

    answer(retry, notify, secondaryKey); // an answer to the first attempt still counts
    Await.until("the signed answer to be taken", Duration.ofSeconds(5), () -> xfr.unansweredNotifies() == 0);
  }

  @Test
  void withoutAKeyTheNotifyIsUnsigned() throws Exception {
    InetSocketAddress address = secondaryAddress();
    start(ZoneTransfers.builder().tsigKey(KEY).allowTransfer("example.com", "127.0.0.0/8").notify("example.com", address));
    assertThat(new Message(bytes(commitAndReceive())).getTSIG()).isNull();
  }
}
