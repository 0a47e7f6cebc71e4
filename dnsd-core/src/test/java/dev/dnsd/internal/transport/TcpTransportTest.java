package dev.dnsd.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.TestDns;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;

/** RFC 7766 behaviour of the TCP transport, with an echoing handler in place of the responder. */
class TcpTransportTest {
  private static final QueryHandler ECHO =
      (packet, length, client, tcp, replier) -> Arrays.copyOf(packet, length);

  private TcpTransport transport;

  private TcpTransport start(QueryHandler handler, int maxConnections, Duration idle) throws IOException {
    transport =
        TcpTransport.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), handler, maxConnections, maxConnections, idle);
    return transport;
  }

  @AfterEach
  void close() {
    if (transport != null) {
      transport.close();
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.connect(transport.address(), 5000);
    socket.setSoTimeout(5000);
    return socket;
  }

  @Test
  @DisplayName("many pipelined queries on one connection are all answered in order (RFC 7766 §6.2.1)")
  void pipelinedQueriesAnsweredInOrder() throws IOException {
    start(ECHO, 8, Duration.ofSeconds(10));
    try (Socket socket = connect()) {
      List<Message> queries = new ArrayList<>();
      OutputStream out = socket.getOutputStream();
      for (int i = 0; i < 50; i++) {
        Message q = TestDns.a("q" + i + ".example.");
        queries.add(q);
        byte[] wire = q.toWire();
        // All queries go out before any answer is read, in one write.
        out.write(new byte[] {(byte) (wire.length >> 8), (byte) wire.length});
        out.write(wire);
      }
      out.flush();
      for (Message q : queries) {
        Message answer = new Message(TestDns.read(socket));
        assertThat(answer.getHeader().getID()).isEqualTo(q.getHeader().getID());
        assertThat(answer.getQuestion().getName()).isEqualTo(q.getQuestion().getName());
      }
    }
  }

  @Test
  @DisplayName("a query split across many small segments is reassembled from its length prefix")
  void lengthPrefixAcrossSegments() throws IOException {
    start(ECHO, 8, Duration.ofSeconds(10));
    try (Socket socket = connect()) {
      Message q = TestDns.a("split.example.");
      byte[] wire = q.toWire();
      OutputStream out = socket.getOutputStream();
      out.write(wire.length >> 8);
      out.flush();
      out.write(wire.length & 0xff);
      out.flush();
      for (byte b : wire) {
        out.write(b);
        out.flush();
      }
      assertThat(new Message(TestDns.read(socket)).getHeader().getID()).isEqualTo(q.getHeader().getID());
    }
  }

  @Test
  @DisplayName("an idle connection is closed by the server after the idle timeout (RFC 7766 §6.2.3)")
  void idleConnectionClosed() throws IOException {
    start(ECHO, 8, Duration.ofMillis(200));
    try (Socket socket = connect()) {
      TestDns.write(socket, TestDns.a("x.example.").toWire());
      TestDns.read(socket);
      // The read blocks until the server closes; the socket timeout (5 s) bounds the wait.
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  @DisplayName("a client that trickles bytes of one query is cut off like an idle one")
  void tricklingClientClosed() throws Exception {
    start(ECHO, 8, Duration.ofMillis(300));
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(0);
      out.flush();
      // Half a length prefix and then nothing: no whole request within the idle timeout.
      InputStream in = socket.getInputStream();
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  @DisplayName("when full, the connection idle longest is closed to make room (RFC 7766 §6.2.3)")
  void fullClosesTheLongestIdle() throws Exception {
    start(ECHO, 2, Duration.ofSeconds(10));
    try (Socket a = connect();
        Socket b = connect()) {
      TestDns.write(a, TestDns.a("a.example.").toWire());
      TestDns.read(a);
      TestDns.write(b, TestDns.a("b.example.").toWire());
      TestDns.read(b);
      try (Socket c = connect()) {
        TestDns.write(c, TestDns.a("c.example.").toWire());
        assertThat(new Message(TestDns.read(c)).getQuestion().getName().toString()).isEqualTo("c.example.");
        assertThat(a.getInputStream().read()).isEqualTo(-1);
        TestDns.write(b, TestDns.a("b2.example.").toWire());
        assertThat(new Message(TestDns.read(b)).getQuestion().getName().toString()).isEqualTo("b2.example.");
      }
    }
  }

  @Test
  @DisplayName("when full and no connection is idle, a new one is closed at once; the others keep working")
  void fullWithNoneIdleRefuses() throws Exception {
    start(ECHO, 2, Duration.ofSeconds(10));
    byte[] qa = TestDns.a("a.example.").toWire();
    byte[] qb = TestDns.a("b.example.").toWire();
    try (Socket a = connect();
        Socket b = connect()) {
      // Half a query each: both have work under way.
      a.getOutputStream().write(new byte[] {(byte) (qa.length >> 8), (byte) qa.length, qa[0]});
      b.getOutputStream().write(new byte[] {(byte) (qb.length >> 8), (byte) qb.length, qb[0]});
      Await.until("both connections are open", Duration.ofSeconds(5), () -> transport.connectionCount() == 2);
      try (Socket c = connect()) {
        assertThat(c.getInputStream().read()).isEqualTo(-1);
      }
      a.getOutputStream().write(qa, 1, qa.length - 1);
      assertThat(new Message(TestDns.read(a)).getQuestion().getName().toString()).isEqualTo("a.example.");
      b.getOutputStream().write(qb, 1, qb.length - 1);
      assertThat(new Message(TestDns.read(b)).getQuestion().getName().toString()).isEqualTo("b.example.");
    }
  }

  @Test
  @DisplayName("a network at its share makes room from its own idle connections, not from others")
  void perSourceShare() throws Exception {
    transport =
        TcpTransport.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), ECHO, 100, 2, Duration.ofSeconds(10));
    InetAddress other = InetAddress.getByName("127.0.0.2");
    try (Socket mine = connect();
        Socket a = connectFrom(other);
        Socket b = connectFrom(other)) {
      TestDns.write(mine, TestDns.a("mine.example.").toWire());
      TestDns.read(mine);
      for (Socket s : List.of(a, b)) {
        TestDns.write(s, TestDns.a("x.example.").toWire());
        TestDns.read(s);
      }
      try (Socket c = connectFrom(other)) {
        TestDns.write(c, TestDns.a("c.example.").toWire());
        TestDns.read(c);
        assertThat(a.getInputStream().read()).as("the other network's longest idle").isEqualTo(-1);
      }
      TestDns.write(mine, TestDns.a("mine2.example.").toWire());
      assertThat(new Message(TestDns.read(mine)).getQuestion().getName().toString()).isEqualTo("mine2.example.");
    }
  }

  private Socket connectFrom(InetAddress source) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(source, 0));
    socket.connect(transport.address(), 5000);
    socket.setSoTimeout(5000);
    return socket;
  }

  @Test
  @DisplayName("a half-open client that sent half a query does not stall other clients")
  void halfOpenClientDoesNotStallOthers() throws Exception {
    start(ECHO, 8, Duration.ofSeconds(30));
    try (Socket stuck = connect()) {
      stuck.getOutputStream().write(new byte[] {0, 40, 1, 2, 3});
      stuck.getOutputStream().flush();
      for (int i = 0; i < 5; i++) {
        assertThat(TestDns.tcp(transport.address(), TestDns.a("ok" + i + ".example.")).getHeader().getRcode())
            .isZero();
      }
    }
  }

  @Test
  @DisplayName("a client that never reads its answers is closed, and others are served meanwhile")
  void nonReadingClientClosed() throws Exception {
    byte[] big = new byte[60000];
    CountDownLatch answered = new CountDownLatch(1);
    QueryHandler bigAnswers =
        (packet, length, client, tcp, replier) -> {
          answered.countDown();
          System.arraycopy(packet, 0, big, 0, 2);
          return big;
        };
    start(bigAnswers, 8, Duration.ofMillis(300));
    try (Socket greedy = connect()) {
      greedy.setReceiveBufferSize(4096);
      byte[] q = TestDns.a("greedy.example.").toWire();
      for (int i = 0; i < 100; i++) {
        TestDns.write(greedy, q);
      }
      assertThat(answered.await(5, TimeUnit.SECONDS)).isTrue();
      try (Socket other = connect()) {
        TestDns.write(other, q);
        assertThat(TestDns.read(other)).hasSize(big.length);
      }
      Await.until("the stalled connection is closed", Duration.ofSeconds(10),
          () -> transport.connectionCount() == 0);
    }
  }
}
