package dev.dnsd.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.Await;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The UDP transport on both of its paths, one datagram per system call (batch 1) and batched
 * (recvmmsg/sendmmsg, JDK 22+ on Linux), with a handler that does what each datagram's first
 * byte says in place of the responder.
 */
class UdpTransportTest {
  private static final int TIMEOUT_MS = 5000;
  /** Where this build and JVM must take the batched path when asked: a fallback here is a bug. */
  private static final boolean BATCHING =
      Runtime.version().feature() >= 22 && System.getProperty("os.name").equals("Linux");

  private final List<UdpTransport> transports = new ArrayList<>();
  private final List<DatagramSocket> clients = new ArrayList<>();

  @AfterEach
  void close() {
    transports.forEach(UdpTransport::close);
    clients.forEach(DatagramSocket::close);
  }

  /**
   * What a datagram asks of the handler: E echo it, with the client's address as the handler saw
   * it; D drop it; R reply through the replier; X throw; H answer with more than an IPv4 datagram
   * holds; W wait for {@link #release} first, then echo.
   */
  private final CountDownLatch waiting = new CountDownLatch(1);

  private final CountDownLatch release = new CountDownLatch(1);

  private final QueryHandler handler =
      (packet, length, client, tcp, replier) -> {
        String text = new String(packet, 0, length, StandardCharsets.ISO_8859_1);
        String echo = text + " " + client.getAddress().getHostAddress() + " " + client.getPort();
        switch (text.isEmpty() ? 'E' : text.charAt(0)) {
          case 'D':
            return null;
          case 'R':
            try {
              replier.send(("replied " + echo).getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
            return null;
          case 'X':
            throw new IllegalStateException("this datagram fails");
          case 'H':
            return new byte[65535];
          case 'W':
            waiting.countDown();
            try {
              release.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return echo.getBytes(StandardCharsets.ISO_8859_1);
          default:
            return echo.getBytes(StandardCharsets.ISO_8859_1);
        }
      };

  private UdpTransport start(String host, int threads, int batch) throws IOException {
    UdpTransport transport =
        UdpTransport.start(new InetSocketAddress(InetAddress.getByName(host), 0), threads, batch, handler);
    transports.add(transport);
    assertThat(transport.batched())
        .as("batched path taken (unavailable: %s)", UdpTransport.batchingUnavailable())
        .isEqualTo(batch > 1 && BATCHING);
    return transport;
  }

  private DatagramSocket client(String host) throws IOException {
    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(host), 0));
    socket.setSoTimeout(TIMEOUT_MS);
    clients.add(socket);
    return socket;
  }

  private static void send(DatagramSocket client, UdpTransport to, String text) throws IOException {
    byte[] data = text.getBytes(StandardCharsets.ISO_8859_1);
    client.send(new DatagramPacket(data, data.length, to.address()));
  }

  private static String receive(DatagramSocket client) throws IOException {
    byte[] buffer = new byte[65535];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    client.receive(packet);
    return new String(buffer, 0, packet.getLength(), StandardCharsets.ISO_8859_1);
  }

  /** The echo of {@code text} sent from this client. */
  private static String echo(String text, DatagramSocket client) {
    return text + " " + client.getLocalAddress().getHostAddress() + " " + client.getLocalPort();
  }

  @Test
  @DisplayName("JDK 22+ on Linux has the batched path (the build gives the tests native access)")
  void batchingIsAvailableWhereItShouldBe() {
    if (BATCHING) {
      assertThat(UdpTransport.batchingUnavailable()).isNull();
    } else {
      assertThat(UdpTransport.batchingUnavailable()).isNotBlank();
    }
  }

  @ParameterizedTest(name = "batch {0}")
  @ValueSource(ints = {1, 32})
  @DisplayName("many datagrams from several clients: each answer reaches its own client, in order")
  void manyClientsEachAnsweredInOrder(int batch) throws IOException {
    UdpTransport transport = start("127.0.0.1", 2, batch);
    List<DatagramSocket> several = new ArrayList<>();
    for (int c = 0; c < 6; c++) {
      several.add(client("127.0.0.1"));
    }
    // Each client pipelines a window of queries before it reads; the windows of all clients are
    // in flight at once, few enough that no socket buffer drops one.
    for (int round = 0; round < 8; round++) {
      for (DatagramSocket client : several) {
        for (int q = 0; q < 10; q++) {
          send(client, transport, "E" + round + "." + q);
        }
      }
      for (DatagramSocket client : several) {
        for (int q = 0; q < 10; q++) {
          assertThat(receive(client)).isEqualTo(echo("E" + round + "." + q, client));
        }
      }
    }
  }

  @ParameterizedTest(name = "batch {0}")
  @ValueSource(ints = {1, 32})
  @DisplayName("one batch mixing answers, drops, replier replies and failures: the right answers, in order")
  void batchMixingAnswersDropsRepliesAndFailures(int batch) throws Exception {
    UdpTransport transport = start("127.0.0.1", 1, batch);
    DatagramSocket a = client("127.0.0.1");
    DatagramSocket b = client("127.0.0.1");
    // The worker waits inside the first datagram while the rest queue up, so that the next
    // receive takes them all in one batch.
    send(a, transport, "W0");
    assertThat(waiting.await(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
    String[] fromA = {"E1", "D2", "R3", "X4", "E5", "H6", "R7", "E8"};
    String[] fromB = {"R1", "E2", "X3", "D4", "E5", "R6", "H7", "E8"};
    for (int i = 0; i < fromA.length; i++) {
      send(a, transport, fromA[i]);
      send(b, transport, fromB[i]);
    }
    release.countDown();
    assertThat(receive(a)).isEqualTo(echo("W0", a));
    for (String text : fromA) {
      expectAnswer(a, text);
    }
    for (String text : fromB) {
      expectAnswer(b, text);
    }
    // Nothing came for what was dropped or failed: the next answers are to the next queries.
    send(a, transport, "E9");
    send(b, transport, "E9");
    assertThat(receive(a)).isEqualTo(echo("E9", a));
    assertThat(receive(b)).isEqualTo(echo("E9", b));
  }

  private static void expectAnswer(DatagramSocket client, String text) throws IOException {
    switch (text.charAt(0)) {
      case 'E' -> assertThat(receive(client)).isEqualTo(echo(text, client));
      case 'R' -> assertThat(receive(client)).isEqualTo("replied " + echo(text, client));
      default -> {} // D, X and H (too large to send over IPv4) have no answer
    }
  }

  @ParameterizedTest(name = "batch {0}")
  @ValueSource(ints = {1, 32})
  @DisplayName("IPv6: answers reach IPv6 clients, whose address the handler sees")
  void ipv6(int batch) throws IOException {
    UdpTransport transport = start("::1", 2, batch);
    assertThat(transport.address().getAddress()).isEqualTo(InetAddress.getByName("::1"));
    for (int c = 0; c < 3; c++) {
      DatagramSocket client = client("::1");
      for (int q = 0; q < 5; q++) {
        send(client, transport, "E" + q);
        send(client, transport, "R" + q);
      }
      for (int q = 0; q < 5; q++) {
        assertThat(receive(client)).isEqualTo(echo("E" + q, client));
        assertThat(receive(client)).isEqualTo("replied " + echo("R" + q, client));
      }
    }
  }

  @ParameterizedTest(name = "batch {0}")
  @ValueSource(ints = {1, 32})
  @DisplayName("a datagram of 60,000 bytes is received and answered whole, and the next small one alone")
  void largeDatagrams(int batch) throws IOException {
    UdpTransport transport = start("127.0.0.1", 1, batch);
    DatagramSocket client = client("127.0.0.1");
    char[] large = new char[60_000];
    Arrays.fill(large, 'x');
    String text = "E" + new String(large);
    send(client, transport, text);
    assertThat(receive(client)).isEqualTo(echo(text, client));
    send(client, transport, "E1");
    assertThat(receive(client)).isEqualTo(echo("E1", client));
  }

  @ParameterizedTest(name = "batch {0}")
  @ValueSource(ints = {1, 32})
  @DisplayName("close while the workers wait to receive ends them and releases the port")
  void closeWhileReceiving(int batch) throws IOException {
    UdpTransport transport = start("127.0.0.1", 2, batch);
    DatagramSocket client = client("127.0.0.1");
    send(client, transport, "E1");
    assertThat(receive(client)).isEqualTo(echo("E1", client));
    List<Thread> workers = workers(transport);
    assertThat(workers).hasSize(2);
    transport.close();
    transport.close();
    Await.until("the workers end", Duration.ofSeconds(10), () -> workers.stream().noneMatch(Thread::isAlive));
    try (DatagramSocket again = new DatagramSocket(transport.address())) {
      assertThat(again.getLocalPort()).isEqualTo(transport.address().getPort());
    }
  }

  private static List<Thread> workers(UdpTransport transport) {
    String suffix = "-" + transport.address().getPort() + "-";
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("dnsd-udp-") && t.getName().contains(suffix))
        .toList();
  }

  @ParameterizedTest(name = "batch {0}")
  @ValueSource(ints = {1, 32})
  @DisplayName("a port in use fails start with a BindException and leaves nothing bound")
  void busyPort(int batch) throws IOException {
    try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      InetSocketAddress address = (InetSocketAddress) taken.getLocalSocketAddress();
      assertThatThrownBy(() -> UdpTransport.start(address, 2, batch, handler))
          .isInstanceOf(BindException.class);
    }
  }

  @Test
  @DisplayName("batch 1 takes the DatagramChannel path, and its workers are named for it")
  void batchOneIsThePortablePath() throws IOException {
    UdpTransport off = start("127.0.0.1", 1, 1);
    assertThat(off.batched()).isFalse();
    assertThat(workers(off)).extracting(Thread::getName)
        .containsExactly("dnsd-udp-" + off.address().getPort() + "-0");
    if (BATCHING) {
      UdpTransport on = start("127.0.0.1", 1, 32);
      assertThat(workers(on)).extracting(Thread::getName)
          .containsExactly("dnsd-udp-batch-" + on.address().getPort() + "-0");
    }
  }
}
