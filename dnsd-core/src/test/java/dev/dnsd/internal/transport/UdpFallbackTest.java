package dev.dnsd.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM without native access (any JDK; on 22+ no {@code --enable-native-access}) asked for
 * batches falls back to the portable path: it answers, says why at debug, and the JDK prints no
 * warning about restricted methods, because none is called.
 */
class UdpFallbackTest {
  @TempDir Path dir;

  @Test
  @DisplayName("without native access: the portable path, its reason, and no JDK warning")
  void fallsBackWithoutNativeAccess() throws Exception {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path stderr = dir.resolve("stderr.txt");
    Process child =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    classPath,
                    Child.class.getName()))
            .redirectError(stderr.toFile())
            .start();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = Files.readString(stderr);
    assertThat(child.exitValue()).as(out + err).isZero();
    assertThat(out).contains("answered", "batched false");
    assertThat(out)
        .contains(Runtime.version().feature() >= 22 ? "native access is not enabled" : "JDK 22+");
    assertThat(err).doesNotContainIgnoringCase("restricted method").doesNotContain("WARNING");
  }

  /** Starts a transport that asks for batches, and has it answer one datagram. */
  static final class Child {
    public static void main(String[] args) throws IOException {
      QueryHandler echo = (packet, length, client, tcp, replier) -> Arrays.copyOf(packet, length);
      UdpTransport transport =
          UdpTransport.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, 32, echo);
      try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        client.setSoTimeout(5000);
        byte[] query = "query".getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(query, query.length, transport.address()));
        DatagramPacket answer = new DatagramPacket(new byte[100], 100);
        client.receive(answer);
        if (answer.getLength() == query.length) {
          System.out.println("answered");
        }
      } finally {
        transport.close();
      }
      System.out.println("batched " + transport.batched() + ": " + UdpTransport.batchingUnavailable());
    }
  }
}
