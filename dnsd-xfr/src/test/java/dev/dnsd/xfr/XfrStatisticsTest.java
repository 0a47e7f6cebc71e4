package dev.dnsd.xfr;

import static dev.dnsd.xfr.Fixtures.KEY;
import static dev.dnsd.xfr.Fixtures.ORIGIN;
import static dev.dnsd.xfr.Fixtures.SECRET;
import static dev.dnsd.xfr.Fixtures.rr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.DnsServer;
import dev.dnsd.ServerStatistics;
import dev.dnsd.store.AbstractRecordStore;
import dev.dnsd.store.ChangeSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;

/**
 * What {@link ZoneTransfers} adds to the server's statistics: NOTIFY and transfers in and out,
 * each standard secondary of a zone (answering, serial taken, lag), and the audit lines of UPDATE
 * and transferred commits.
 */
class XfrStatisticsTest {
  private final ManualScheduler scheduler = new ManualScheduler(Instant.parse("2026-03-01T00:00:00Z"));
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

  private static ServerStatistics.Secondary only(DnsServer server) {
    List<ServerStatistics.Secondary> all = server.statistics().secondaries();
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  @Test
  @DisplayName("a standard secondary: unknown until it transfers, in sync after IXFR, behind from the next NOTIFY")
  void standardSecondary() throws Exception {
    try (DatagramSocket fake = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      fake.setSoTimeout(5000);
      InetSocketAddress target = (InetSocketAddress) fake.getLocalSocketAddress();
      ZoneTransfers xfr = ZoneTransfers.builder()
          .allowTransfer("example.com", "127.0.0.0/8")
          .notify("example.com", target)
          .scheduler(scheduler)
          .clock(scheduler.clock)
          .build();
      primary = DnsServer.builder().zone(Fixtures.zone()).extension(xfr).build().start();
      String name = "127.0.0.1:" + target.getPort();

      assertThat(only(primary)).isEqualTo(new ServerStatistics.Secondary(name, ORIGIN, false, -1, -1, -1));

      primary.commit(ChangeSet.builder().add(rr("a.example.com.", Type.A, "192.0.2.5")).build());
      scheduler.runDue();
      receive(fake);
      assertThat(primary.statistics().transfers().notifyOut()).isEqualTo(1);

      // It takes IXFR from the serial it has (1) to the zone's (2).
      ZoneTransferIn ixfr = ZoneTransferIn.newIXFR(ORIGIN, 1, false, primary.address(), null);
      ixfr.run();
      // The server counts a transfer once it has written the last of it, which may be just after
      // the client has read it.
      ServerStatistics.Secondary caughtUp = new ServerStatistics.Secondary(name, ORIGIN, true, 2, 0, 0);
      Await.until("the IXFR counted", Duration.ofSeconds(10), () -> only(primary).equals(caughtUp));

      primary.commit(ChangeSet.builder().add(rr("b.example.com.", Type.A, "192.0.2.6")).build());
      scheduler.runDue();
      receive(fake);
      scheduler.advance(Duration.ofMillis(1500)); // before the first retry, at 2 s
      ServerStatistics.Secondary behind = only(primary);
      assertThat(behind.appliedVersion()).isEqualTo(2);
      assertThat(behind.lagVersions()).isEqualTo(1);
      assertThat(behind.lagMillis()).isEqualTo(1500);

      ZoneTransferIn axfr = ZoneTransferIn.newAXFR(ORIGIN, primary.address(), null);
      axfr.run();
      ServerStatistics.Secondary caughtUpAgain = new ServerStatistics.Secondary(name, ORIGIN, true, 3, 0, 0);
      Await.until("the AXFR counted", Duration.ofSeconds(10), () -> only(primary).equals(caughtUpAgain));

      scheduler.advance(Duration.ofSeconds(1)); // past the retry of the NOTIFY still pending, at 2 s
      answer(fake, receive(fake), Rcode.SERVFAIL);
      Await.until("the failed answer counted", Duration.ofSeconds(10), () -> !only(primary).connected());
      ServerStatistics.Transfers t = primary.statistics().transfers();
      assertThat(t.ixfrOut()).isEqualTo(1);
      assertThat(t.axfrOut()).isEqualTo(1);
      assertThat(t.notifyOut()).isEqualTo(3);
      assertThat(t.notifyIn() + t.axfrIn() + t.ixfrIn()).isZero();
    }
  }

  @Test
  @DisplayName("a secondary zone counts NOTIFY in, AXFR in and IXFR in; its commits name the primary")
  void transfersIn() throws Exception {
    int secondaryPort = EndToEndTest.freePort();
    primary = DnsServer.builder().listen("127.0.0.1", 0).zone(Fixtures.zone())
        .extension(ZoneTransfers.builder().tsigKey(KEY).allowTransferKey("example.com", "xfr-key")
            .notify("example.com", new InetSocketAddress("127.0.0.1", secondaryPort)).build())
        .build().start();
    List<String> audit = auditLines(() -> {
      secondary = DnsServer.builder().listen("127.0.0.1", secondaryPort)
          .extension(ZoneTransfers.builder().tsigKey(KEY)
              .secondaryZone("example.com", primary.address(), "xfr-key").build())
          .build().start();
      Await.until("the first transfer", Duration.ofSeconds(20), () -> secondary.zones().get(ORIGIN) != null);
      primary.commit(ChangeSet.builder().add(rr("new.example.com.", Type.A, "192.0.2.77")).build());
      Await.until("the change", Duration.ofSeconds(20), () -> secondary.zones().get(ORIGIN).serial() == 2);
    });
    Await.until("the counts", Duration.ofSeconds(10), () -> secondary.statistics().transfers().ixfrIn() == 1);
    ServerStatistics.Transfers in = secondary.statistics().transfers();
    assertThat(in.axfrIn()).isEqualTo(1);
    assertThat(in.notifyIn()).isEqualTo(1);
    Await.until("the primary's counts", Duration.ofSeconds(10), () -> primary.statistics().transfers().ixfrOut() == 1);
    ServerStatistics.Transfers out = primary.statistics().transfers();
    assertThat(out.axfrOut()).isEqualTo(1);
    assertThat(out.ixfrOut()).isEqualTo(1);
    Await.until("the secondary answering", Duration.ofSeconds(10), () -> only(primary).connected());
    assertThat(only(primary).lagVersions()).isZero();
    String from = "from primary 127.0.0.1:" + primary.address().getPort();
    assertThat(audit).anySatisfy(l -> assertThat(l).endsWith("by transfer (AXFR) " + from + ": example.com. created"));
    assertThat(audit).anySatisfy(l -> assertThat(l).endsWith("by transfer (IXFR) " + from + ": example.com. modified"));
  }

  @Test
  @DisplayName("an UPDATE's commit is audited with its TSIG key and its client")
  void updateAudit() throws Exception {
    primary = DnsServer.builder().zone(Fixtures.zone())
        .extension(ZoneTransfers.builder().tsigKey(KEY).allowUpdate("example.com", "xfr-key").build())
        .build().start();
    List<String> audit = auditLines(() -> {
      SimpleResolver resolver = new SimpleResolver(primary.address());
      resolver.setTSIGKey(Fixtures.clientKey("xfr-key", SECRET, Clock.systemUTC()));
      org.xbill.DNS.Update u = new org.xbill.DNS.Update(ORIGIN);
      u.add(Fixtures.name("dyn.example.com."), Type.TXT, 60, "\"hello\"");
      assertThat(resolver.send(u).getRcode()).isEqualTo(Rcode.NOERROR);
    });
    assertThat(audit).singleElement().satisfies(l -> assertThat(l)
        .matches(".* - version 2 by update key xfr-key\\. from 127\\.0\\.0\\.1:\\d+: example\\.com\\. modified"));
    // The request is counted once the extension that answered it returns, which may be just after
    // the client has the answer.
    Await.until("the UPDATE counted", Duration.ofSeconds(10),
        () -> primary.statistics().queries().opcodes().get("UPDATE") == 1L);
    assertThat(primary.statistics().queries().takenByExtensions()).isEqualTo(1);
  }

  private interface Steps {
    void run() throws Exception;
  }

  private static List<String> auditLines(Steps steps) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      steps.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(AbstractRecordStore.AUDIT_LOG)).toList();
  }

  private record Received(Message message, java.net.SocketAddress from) {}

  private static Received receive(DatagramSocket socket) throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
    socket.receive(p);
    Message m = new Message(Arrays.copyOf(p.getData(), p.getLength()));
    assertThat(m.getHeader().getOpcode()).isEqualTo(Opcode.NOTIFY);
    return new Received(m, p.getSocketAddress());
  }

  /** Answers a NOTIFY the fake secondary received, to the primary's NOTIFY socket. */
  private static void answer(DatagramSocket fake, Received notify, int rcode) throws Exception {
    Message pending = notify.message();
    Message ack = new Message(pending.getHeader().getID());
    ack.getHeader().setFlag(Flags.QR);
    ack.getHeader().setOpcode(Opcode.NOTIFY);
    ack.getHeader().setRcode(rcode);
    ack.addRecord(pending.getQuestion(), Section.QUESTION);
    byte[] wire = ack.toWire();
    fake.send(new DatagramPacket(wire, wire.length, notify.from()));
  }
}
