package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dnsd.Await;
import dev.dnsd.ReceivedQuery;
import dev.dnsd.TestDns;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * dnstap to a collector's Unix socket: fstrm_capture (Debian fstrm-bin, the Frame Streams
 * library's own collector) started after dnsd gets the queries once dnsd has connected, and
 * dnstap-read decodes what it captured; a collector that stops reading costs dropped messages,
 * not memory or answers. Under {@code CI=true} missing tools fail the test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DnstapSocketTest {
  private static final Path CAPTURE = Path.of("/usr/bin/fstrm_capture");
  private static final Path DNSTAP_READ = Path.of("/usr/bin/dnstap-read");

  @TempDir Path dir;

  private static void need(Path tool, String pkg) {
    if ("true".equals(System.getenv("CI"))) {
      assertThat(tool).as(tool.getFileName() + " (Debian " + pkg + "; .ci/run installs it)").isExecutable();
    }
    assumeTrue(Files.isExecutable(tool), tool + " is not installed");
  }

  @Test
  void aCollectorStartedLaterGetsTheQueries() throws Exception {
    need(CAPTURE, "fstrm-bin");
    need(DNSTAP_READ, "bind9-dnsutils");
    Path socket = dir.resolve("dnstap.sock");
    Path captured = dir.resolve("captured.fstrm");
    Process capture = null;
    try (ServerProcess server = ServerProcess.start(dir, "--memory", "--listen", "127.0.0.1:0", "--threads", "1",
        "--dnstap-socket", socket.toString())) {
      InetSocketAddress dns = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.awaitPort());
      TestDns.udp(dns, TestDns.query("early.demo.test", Type.A)); // nobody listens: dropped
      server.awaitLine(Pattern.compile("dnstap: cannot connect to"), Duration.ofSeconds(30));
      capture = new ProcessBuilder(CAPTURE.toString(), "-t", DnstapLog.CONTENT_TYPE, "-u", socket.toString(),
          "-w", captured.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("capture.log").toFile()).start();
      Await.until("the collector's socket", Duration.ofSeconds(30), () -> Files.exists(socket));
      // dnsd tries again at most every 2 s, when it has a message to send.
      Await.until("dnsd to connect to the collector", Duration.ofSeconds(60), () -> {
        try {
          TestDns.udp(dns, TestDns.query("probe.demo.test", Type.A));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return server.linesContaining("dnstap: connected to") > 0;
      });
      TestDns.udp(dns, TestDns.query("www.demo.test", Type.AAAA));
      server.close(); // STOP, and the collector's FINISH
    } finally {
      if (capture != null) {
        capture.destroy(); // SIGTERM: fstrm_capture closes its file
        assertThat(capture.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
    }
    Process read = new ProcessBuilder(DNSTAP_READ.toString(), captured.toString()).redirectErrorStream(true).start();
    String text = new String(read.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(read.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(read.exitValue()).as(text).isZero();
    assertThat(text).contains("AQ").contains("AR").contains("www.demo.test/IN/AAAA").doesNotContain("early.demo.test");
  }

  @Test
  void aCollectorThatStopsReadingCostsDroppedMessagesOnly() throws Exception {
    Path socket = dir.resolve("slow.sock");
    try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      listener.bind(UnixDomainSocketAddress.of(socket));
      DnstapLog dnstap = DnstapLog.toSocket(socket);
      ReceivedQuery q = query();
      dnstap.received(q); // connects
      try (SocketChannel collector = listener.accept()) {
        DataInputStream in = new DataInputStream(Channels.newInputStream(collector));
        DataOutputStream out = new DataOutputStream(Channels.newOutputStream(collector));
        assertThat(in.readInt()).as("escape").isZero();
        int length = in.readInt();
        assertThat(in.readInt()).as("READY").isEqualTo(4);
        in.skipNBytes(length - 4);
        DnstapLog.control(out, 1, true); // ACCEPT, then read nothing more
        out.flush();
        // Far more than the queue and the socket's buffers hold: the rest is dropped, not kept.
        for (int i = 0; i < DnstapLog.QUEUE * 8; i++) {
          dnstap.received(q);
        }
        assertThat(dnstap.dropped()).isGreaterThan(0);
      }
      dnstap.close();
    }
  }

  @Test
  void aCollectorThatNeverAnswersDoesNotHoldTheWriter() throws Exception {
    Path socket = dir.resolve("mute.sock");
    try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      listener.bind(UnixDomainSocketAddress.of(socket));
      DnstapLog dnstap = DnstapLog.toSocket(socket);
      dnstap.received(query());
      try (SocketChannel collector = listener.accept()) {
        dnstap.close(); // READY is never answered: the writer gives up on it and ends
        assertThat(dnstap.writing()).isFalse();
        assertThat(dnstap.dropped()).isEqualTo(2);
      }
    }
  }

  private static ReceivedQuery query() throws Exception {
    Message m = TestDns.query("www.demo.test", Type.A);
    byte[] wire = m.toWire();
    Message answer = new Message(wire);
    answer.getHeader().setFlag(org.xbill.DNS.Flags.QR);
    Instant now = Instant.now();
    return new ReceivedQuery(new Message(wire), new InetSocketAddress("127.0.0.1", 40000),
        ReceivedQuery.Transport.UDP, 0, new InetSocketAddress("127.0.0.1", 53), now, now, wire, answer.toWire());
  }
}
