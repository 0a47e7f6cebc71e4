package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.TestDns;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * The runnable server keeps its zones in ./dnsd.db by default: an empty store is seeded once, and
 * what is in the store survives kill -9 of the server process.
 */
class SqliteDefaultTest {
  @TempDir Path dir;

  @Test
  void defaultStoreIsSeededOnceAndSurvivesKill9() throws Exception {
    try (ServerProcess first = ServerProcess.start(dir, "--listen", "127.0.0.1:0", "--threads", "1")) {
      first.awaitLine(Pattern.compile("seeding the demo zone demo.test."), Duration.ofSeconds(60));
      int port = first.awaitPort();
      assertThat(Files.exists(dir.resolve("dnsd.db"))).isTrue();
      assertThat(soaAnswered(port, "demo.test.")).isTrue();
      first.kill();
    }
    try (ServerProcess second = ServerProcess.start(dir, "--listen", "127.0.0.1:0", "--threads", "1")) {
      int port = second.awaitPort();
      assertThat(second.output()).doesNotContain("seeding");
      assertThat(soaAnswered(port, "demo.test.")).isTrue();
    }
  }

  private static boolean soaAnswered(int port, String zone) throws Exception {
    Message answer =
        TestDns.udp(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TestDns.query(zone, Type.SOA));
    return answer.getHeader().getFlag(Flags.AA) && answer.getSection(1).size() == 1;
  }
}
