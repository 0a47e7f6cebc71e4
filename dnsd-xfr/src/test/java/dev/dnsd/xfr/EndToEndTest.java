package dev.dnsd.xfr;

import static dev.dnsd.xfr.Fixtures.KEY;
import static dev.dnsd.xfr.Fixtures.OTHER_SECRET;
import static dev.dnsd.xfr.Fixtures.ORIGIN;
import static dev.dnsd.xfr.Fixtures.SECRET;
import static dev.dnsd.xfr.Fixtures.rr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.Await;
import dev.dnsd.DnsServer;
import dev.dnsd.store.ChangeSet;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/** Over real sockets, through the responder: dnsjava's transfer client, and dnsd following dnsd. */
class EndToEndTest {
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

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void startPrimary(ZoneTransfers.Builder xfr, int port) throws Exception {
    primary = DnsServer.builder().listen("127.0.0.1", port).zone(Fixtures.zone())
        .extension(xfr.build()).build().start();
  }

  @Test
  void dnsjavaTakesSignedAxfrAndIxfrAndIsRefusedWithoutTheKey() throws Exception {
    startPrimary(ZoneTransfers.builder().tsigKey(KEY).allowTransferKey("example.com", "xfr-key"), 0);
    var key = Fixtures.clientKey("xfr-key", SECRET, Clock.systemUTC());

    ZoneTransferIn axfr = ZoneTransferIn.newAXFR(ORIGIN, primary.address(), key);
    axfr.run();
    assertThat(axfr.getAXFR()).containsAll(Fixtures.zone().records());

    Record added = rr("new.example.com.", Type.A, "192.0.2.77");
    primary.commit(ChangeSet.builder().add(added).build());
    ZoneTransferIn ixfr = ZoneTransferIn.newIXFR(ORIGIN, 1, false, primary.address(), key);
    ixfr.run();
    assertThat(ixfr.isIXFR()).isTrue();
    assertThat(ixfr.getIXFR()).hasSize(1);
    assertThat(ixfr.getIXFR().get(0).adds).contains(added);

    ZoneTransferIn unsigned = ZoneTransferIn.newAXFR(ORIGIN, primary.address(), null);
    assertThatThrownBy(unsigned::run).isInstanceOf(ZoneTransferException.class).hasMessageContaining("REFUSED");
  }

  @Test
  void aDnsdSecondaryFollowsADnsdPrimaryThroughNotifyAndIxfr() throws Exception {
    int secondaryPort = freePort();
    startPrimary(ZoneTransfers.builder()
        .tsigKey(KEY)
        .allowTransferKey("example.com", "xfr-key")
        .notify("example.com", new InetSocketAddress("127.0.0.1", secondaryPort)), 0);
    secondary = DnsServer.builder()
        .listen("127.0.0.1", secondaryPort)
        .extension(ZoneTransfers.builder().tsigKey(KEY)
            .secondaryZone("example.com", primary.address(), "xfr-key").build())
        .build().start();

    Await.until("the first transfer", Duration.ofSeconds(20), () -> secondary.zones().get(ORIGIN) != null);
    assertThat(secondary.zones().get(ORIGIN).records()).containsExactlyElementsOf(Fixtures.zone().records());

    primary.commit(ChangeSet.builder().add(rr("new.example.com.", Type.A, "192.0.2.77")).build());
    Await.until("the change to arrive", Duration.ofSeconds(20), () -> secondary.zones().get(ORIGIN).serial() == 2);
    assertThat(secondary.zones().get(ORIGIN).records()).containsExactlyElementsOf(primary.zones().get(ORIGIN).records());

    SimpleResolver resolver = new SimpleResolver(secondary.address());
    Message answer = resolver.send(Message.newQuery(Record.newRecord(Fixtures.name("new.example.com."), Type.A, DClass.IN)));
    assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answer.getSection(Section.ANSWER)).containsExactly(rr("new.example.com.", Type.A, "192.0.2.77"));
  }

  @Test
  void aNotifyFromTheWrongAddressIsRefused() throws Exception {
    // The primary is another loopback address, where nothing listens.
    secondary = DnsServer.builder()
        .extension(ZoneTransfers.builder()
            .secondaryZone("example.com", new InetSocketAddress("127.0.0.2", freePort())).build())
        .build().start();
    Message notify = new Message();
    notify.getHeader().setOpcode(Opcode.NOTIFY);
    notify.addRecord(Record.newRecord(ORIGIN, Type.SOA, DClass.IN), Section.QUESTION);
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      s.setSoTimeout(5000);
      byte[] wire = notify.toWire();
      s.send(new DatagramPacket(wire, wire.length, secondary.address()));
      DatagramPacket p = new DatagramPacket(new byte[512], 512);
      s.receive(p);
      assertThat(new Message(java.util.Arrays.copyOf(p.getData(), p.getLength())).getRcode()).isEqualTo(Rcode.REFUSED);
    }
  }

  @Test
  void updatesThroughTheNetworkAreAnsweredAndCommitted() throws Exception {
    startPrimary(ZoneTransfers.builder().tsigKey(KEY).allowUpdate("example.com", "xfr-key"), 0);
    SimpleResolver resolver = new SimpleResolver(primary.address());
    resolver.setTSIGKey(Fixtures.clientKey("xfr-key", SECRET, Clock.systemUTC()));
    org.xbill.DNS.Update u = new org.xbill.DNS.Update(ORIGIN);
    u.add(Fixtures.name("dyn.example.com."), Type.TXT, 60, "\"hello\"");
    Message answer = resolver.send(u);
    assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answer.isVerified()).isTrue();
    assertThat(primary.zones().get(ORIGIN).rrset(Fixtures.name("dyn.example.com."), Type.TXT)).isNotNull();
    assertThat(List.of(primary.zones().get(ORIGIN).serial())).containsExactly(2L);
  }

  @Test
  void aSignedQueryGetsASignedAnswerAndABadKeyGetsNotauth() throws Exception {
    startPrimary(ZoneTransfers.builder().tsigKey(KEY), 0);
    Message query = Message.newQuery(Record.newRecord(ORIGIN, Type.SOA, DClass.IN));
    for (boolean tcp : new boolean[] {false, true}) {
      SimpleResolver resolver = new SimpleResolver(primary.address());
      resolver.setTCP(tcp);
      resolver.setTSIGKey(Fixtures.clientKey("xfr-key", SECRET, Clock.systemUTC()));
      Message answer = resolver.send(query);
      assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(answer.isSigned()).isTrue();
      assertThat(answer.isVerified()).isTrue();
      assertThat(answer.getSection(Section.ANSWER)).hasSize(1);
    }
    SimpleResolver wrong = new SimpleResolver(primary.address());
    wrong.setTSIGKey(Fixtures.clientKey("xfr-key", OTHER_SECRET, Clock.systemUTC()));
    Message refused = wrong.send(query);
    assertThat(refused.getRcode()).isEqualTo(Rcode.NOTAUTH);
    assertThat(refused.getSection(Section.ANSWER)).isEmpty();
  }
}
