package dev.dnsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.store.InMemoryRecordStore;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import dev.dnsd.zone.Zone;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class DnsServerTest {

  @ParameterizedTest(name = "udpBatch {0}")
  @ValueSource(ints = {1, 32})
  void portZeroBindsLoopbackAndReportsOnePortForUdpAndTcp(int udpBatch) throws IOException {
    try (DnsServer server = DnsServer.builder().udpBatch(udpBatch).build().start()) {
      InetSocketAddress udp = server.udpAddresses().get(0);
      InetSocketAddress tcp = server.tcpAddresses().get(0);
      assertThat(udp.getAddress().isLoopbackAddress()).isTrue();
      assertThat(udp.getPort()).isPositive().isEqualTo(tcp.getPort()).isEqualTo(server.port());
      Message query = TestDns.a("www.example.");
      assertThat(TestDns.udp(server.address(), query).getHeader().getID())
          .isEqualTo(query.getHeader().getID());
      assertThat(TestDns.tcp(server.address(), query).getHeader().getFlag(Flags.QR)).isTrue();
    }
  }

  @ParameterizedTest(name = "udpBatch {0}")
  @ValueSource(ints = {1, 32})
  void servesIpv4AndIpv6SideBySide(int udpBatch) throws IOException {
    try (DnsServer server =
        DnsServer.builder().listen("127.0.0.1", 0).listen("::1", 0).udpBatch(udpBatch).build().start()) {
      assertThat(server.udpAddresses()).hasSize(2);
      for (InetSocketAddress address : server.udpAddresses()) {
        assertThat(TestDns.udp(address, TestDns.a("a.example.")).getHeader().getFlag(Flags.QR)).isTrue();
      }
      for (InetSocketAddress address : server.tcpAddresses()) {
        assertThat(TestDns.tcp(address, TestDns.a("a.example.")).getHeader().getFlag(Flags.QR)).isTrue();
      }
      assertThat(server.udpAddresses().get(1).getAddress()).isEqualTo(InetAddress.getByName("::1"));
    }
  }

  @ParameterizedTest(name = "udpBatch {0}")
  @ValueSource(ints = {1, 32})
  void closeIsIdempotentReleasesThePortsAndClosesTheStore(int udpBatch) throws IOException {
    InMemoryRecordStore store = new InMemoryRecordStore();
    DnsServer server = DnsServer.builder().store(store).udpBatch(udpBatch).build().start();
    InetSocketAddress address = server.address();
    server.close();
    server.close();
    assertThat(server.isRunning()).isFalse();
    try (DatagramSocket again = new DatagramSocket(address)) {
      assertThat(again.getLocalPort()).isEqualTo(address.getPort());
    }
    assertThatThrownBy(() -> store.commit(dev.dnsd.store.ChangeSet.builder().deleteZone(
            org.xbill.DNS.Name.fromConstantString("x.")).build()))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void startTwiceIsRefused() throws IOException {
    try (DnsServer server = DnsServer.builder().build().start()) {
      assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    }
  }

  @ParameterizedTest(name = "udpBatch {0}")
  @ValueSource(ints = {1, 32})
  void aBusyPortFailsStartAndLeavesNothingRunning(int udpBatch) throws IOException {
    try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      DnsServer server =
          DnsServer.builder().listen("127.0.0.1", taken.getLocalPort()).udpThreads(1).udpBatch(udpBatch).build();
      assertThatThrownBy(server::start).isInstanceOf(IOException.class);
      assertThat(server.isRunning()).isFalse();
    }
  }

  @Test
  void builderRejectsBadAndRepeatedSettings() {
    assertThatThrownBy(() -> DnsServer.builder().udpThreads(0)).hasMessageContaining("udpThreads");
    assertThatThrownBy(() -> DnsServer.builder().maxUdpPayload(100)).hasMessageContaining("512");
    assertThatThrownBy(() -> DnsServer.builder().udpThreads(2).udpThreads(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set to 2");
    assertThatThrownBy(() -> DnsServer.builder().tcpIdleTimeout(Duration.ZERO))
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> DnsServer.builder().chaosTxt("foo.bar.", "x"))
        .hasMessageContaining("version.dnsd");
    assertThatThrownBy(() -> DnsServer.builder().answerCacheBytes(1000)).hasMessageContaining("65536");
    assertThatThrownBy(() -> DnsServer.builder().answerCacheBytes(0).answerCacheBytes(1 << 20))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> DnsServer.builder().udpBatch(0)).hasMessageContaining("udpBatch must be 1..1024");
    assertThatThrownBy(() -> DnsServer.builder().udpBatch(1025)).hasMessageContaining("1025");
    assertThatThrownBy(() -> DnsServer.builder().udpBatch(1).udpBatch(32))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("udpBatch was already set to 1");
  }

  @ParameterizedTest(name = "udpBatch {0}")
  @ValueSource(ints = {1, 32})
  void aCommitIsAnsweredAtOnceOverUdpAfterTheOldAnswerWasCached(int udpBatch) throws IOException {
    Name www = Name.fromConstantString("www.example.");
    Zone zone =
        Zone.empty(Name.fromConstantString("example."))
            .edit()
            .add(record("example.", Type.SOA, "ns1.example. hostmaster.example. 1 7200 3600 1209600 300"))
            .add(record("example.", Type.NS, "ns1.example."))
            .add(record("www.example.", Type.A, "192.0.2.1"))
            .build();
    try (DnsServer server = DnsServer.builder().zone(zone).udpThreads(1).udpBatch(udpBatch).build().start()) {
      for (int i = 0; i < 2; i++) {
        assertThat(TestDns.udp(server.address(), TestDns.a("www.example.")).getSection(Section.ANSWER))
            .extracting(Record::rdataToString)
            .containsExactly("192.0.2.1");
      }
      server.commit(
          dev.dnsd.store.ChangeSet.builder()
              .setRRset(www, Type.A, List.of(record("www.example.", Type.A, "192.0.2.2")))
              .build());
      assertThat(TestDns.udp(server.address(), TestDns.a("www.example.")).getSection(Section.ANSWER))
          .extracting(Record::rdataToString)
          .containsExactly("192.0.2.2");
    }
  }

  private static Record record(String owner, int type, String rdata) throws IOException {
    return Record.fromString(Name.fromConstantString(owner), type, DClass.IN, 3600, rdata, Name.root);
  }

  @Test
  void closeFinishesTheTcpAnswerInFlight() throws Exception {
    DnsServer server = DnsServer.builder().build().start();
    try (Socket socket = new Socket()) {
      socket.connect(server.address(), 5000);
      socket.setSoTimeout(5000);
      Message query = TestDns.a("www.example.");
      TestDns.write(socket, query.toWire());
      // The answer to a query read before close still arrives, then the connection ends.
      byte[] answer = TestDns.read(socket);
      server.close();
      assertThat(new Message(answer).getHeader().getID()).isEqualTo(query.getHeader().getID());
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    } finally {
      server.close();
    }
  }

  @Test
  void toStringNamesTheStateAndTheAddresses() throws IOException {
    DnsServer.Builder builder = DnsServer.builder().listen("127.0.0.1", 0).listen("::1", 0);
    DnsServer server = builder.build();
    assertThat(server).hasToString("DnsServer[new, listen [127.0.0.1:0, [0:0:0:0:0:0:0:1]:0]]");
    try (server) {
      server.start();
      int v4 = server.udpAddresses().get(0).getPort();
      int v6 = server.udpAddresses().get(1).getPort();
      assertThat(server)
          .hasToString(
              "DnsServer[running, UDP [127.0.0.1:" + v4 + ", [0:0:0:0:0:0:0:1]:" + v6 + "], TCP [127.0.0.1:" + v4
                  + ", [0:0:0:0:0:0:0:1]:" + v6 + "]]");
    }
    assertThat(server.toString()).startsWith("DnsServer[closed, ");
  }

  @Test
  void aBindFailureNamesTheAddressItTried() throws IOException {
    try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      DnsServer server = DnsServer.builder().listen("127.0.0.1", port).build();
      assertThatThrownBy(server::start)
          .isInstanceOf(java.net.BindException.class)
          .hasMessageStartingWith("cannot listen on UDP 127.0.0.1:" + port + ": ");
      assertThat(server.isRunning()).isFalse();
    }
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      DnsServer server = DnsServer.builder().listen("127.0.0.1", port).build();
      assertThatThrownBy(server::start)
          .isInstanceOf(java.net.BindException.class)
          .hasMessageStartingWith("cannot listen on TCP 127.0.0.1:" + port + ": ");
    }
  }
}
