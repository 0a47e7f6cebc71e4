package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.TestDns;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The packaged dnsd.jar, run with {@code java -jar} as the README says: its manifest, its shaded
 * services and its multi-release classes are what the process tests on the class path cannot see.
 */
@Timeout(120)
class DnsdJarIT {
  private static final Path JAR = Path.of("target", "dnsd.jar");

  @TempDir Path dir;

  @Test
  void servesTheDemoZoneOnAHostNameGivenToListen() throws Exception {
    try (ServerProcess server = ServerProcess.startJar(JAR, dir, "--listen", "localhost:0", "--threads", "1")) {
      int port = server.awaitPort();
      Message answer = TestDns.udp(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TestDns.query("demo.test.", Type.SOA));
      assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(answer.getSection(1)).hasSize(1);
    }
  }

  @Test
  void leavesHostNamesToTheSystemResolverAndGrantsNativeAccess() throws Exception {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(jar.getEntry("META-INF/services/java.net.spi.InetAddressResolverProvider")).isNull();
      assertThat(jar.getManifest().getMainAttributes().getValue("Multi-Release")).isEqualTo("true");
      assertThat(jar.getManifest().getMainAttributes().getValue("Enable-Native-Access")).isEqualTo("ALL-UNNAMED");
    }
  }
}
