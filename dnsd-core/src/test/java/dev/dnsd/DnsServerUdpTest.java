package dev.dnsd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.internal.transport.UdpTransport;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The server's UDP on both paths: {@code udpBatch(1)}, and batched where this JVM has it. */
class DnsServerUdpTest {

  /** Answers NOTIFY itself, through the replier, as the zone transfer extension does. */
  private static final ServerExtension NOTIFY_ACK =
      new ServerExtension() {
        @Override
        public boolean handle(Request request, Replier replier) {
          if (request.kind() != Request.Kind.NOTIFY) {
            return false;
          }
          Message ack = new Message(request.message().getHeader().getID());
          ack.getHeader().setFlag(Flags.QR);
          ack.getHeader().setOpcode(Opcode.NOTIFY);
          try {
            replier.send(ack.toWire(request.maxResponseSize()));
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
          return true;
        }
      };

  @ParameterizedTest(name = "udpBatch {0}")
  @ValueSource(ints = {1, 32})
  @DisplayName("an extension's replies reach the client that asked, in order among that client's answers")
  void extensionRepliesReachTheirClients(int udpBatch) throws IOException {
    try (DnsServer server =
            DnsServer.builder().udpThreads(1).udpBatch(udpBatch).extension(NOTIFY_ACK).build().start();
        DatagramSocket a = client();
        DatagramSocket b = client()) {
      List<Message> sentA = new ArrayList<>();
      List<Message> sentB = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        // Pipelined, interleaved: queries the responder answers, and NOTIFYs the extension takes.
        sentA.add(send(a, server, i % 2 == 0 ? notifyMessage() : TestDns.a("a" + i + ".example.")));
        sentB.add(send(b, server, i % 3 == 0 ? TestDns.a("b" + i + ".example.") : notifyMessage()));
      }
      expectAnswers(a, sentA);
      expectAnswers(b, sentB);
    }
  }

  private static Message notifyMessage() {
    Message notify = TestDns.query("example.", Type.SOA);
    notify.getHeader().setOpcode(Opcode.NOTIFY);
    notify.getHeader().unsetFlag(Flags.RD);
    notify.getHeader().setFlag(Flags.AA);
    return notify;
  }

  private static void expectAnswers(DatagramSocket client, List<Message> sent) throws IOException {
    for (Message query : sent) {
      byte[] buffer = new byte[65535];
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      client.receive(packet);
      Message answer = new Message(Arrays.copyOf(buffer, packet.getLength()));
      assertThat(answer.getHeader().getID()).isEqualTo(query.getHeader().getID());
      assertThat(answer.getHeader().getOpcode()).isEqualTo(query.getHeader().getOpcode());
      if (query.getHeader().getOpcode() == Opcode.QUERY) {
        assertThat(answer.getRcode()).isEqualTo(Rcode.REFUSED); // no zone here
      }
    }
  }

  private static DatagramSocket client() throws IOException {
    DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    socket.setSoTimeout(5000);
    return socket;
  }

  private static Message send(DatagramSocket client, DnsServer server, Message query) throws IOException {
    byte[] wire = query.toWire();
    client.send(new DatagramPacket(wire, wire.length, server.address()));
    return query;
  }

  @Test
  @DisplayName("udpBatch(1) forces the DatagramChannel path; by default JDK 22+ on Linux batches")
  void udpBatchOneForcesThePortablePath() throws IOException {
    try (DnsServer off = DnsServer.builder().udpThreads(2).udpBatch(1).build().start();
        DnsServer byDefault = DnsServer.builder().udpThreads(2).build().start()) {
      assertThat(workerNames(off.address()))
          .containsExactlyInAnyOrder("dnsd-udp-" + off.port() + "-0", "dnsd-udp-" + off.port() + "-1");
      boolean batching = UdpTransport.batchingUnavailable() == null;
      String prefix = (batching ? "dnsd-udp-batch-" : "dnsd-udp-") + byDefault.port();
      assertThat(workerNames(byDefault.address())).containsExactlyInAnyOrder(prefix + "-0", prefix + "-1");
      assertThat(TestDns.udp(off.address(), TestDns.a("x.example.")).getRcode()).isEqualTo(Rcode.REFUSED);
      assertThat(TestDns.udp(byDefault.address(), TestDns.a("x.example.")).getRcode()).isEqualTo(Rcode.REFUSED);
    }
  }

  private static List<String> workerNames(InetSocketAddress address) {
    String port = "-" + address.getPort() + "-";
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(name -> name.startsWith("dnsd-udp-") && name.contains(port))
        .toList();
  }
}
