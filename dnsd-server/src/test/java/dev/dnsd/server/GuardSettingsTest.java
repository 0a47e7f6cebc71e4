package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.TestDns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Type;

/** Rate limiting, cookies and TCP limits, from flags and from the config file, and as served. */
class GuardSettingsTest {
  @TempDir Path dir;

  @Test
  @DisplayName("the config file's rate-limit, cookies and tcp keys set what their flags set")
  void configKeys() throws IOException {
    Path file = dir.resolve("dnsd.yaml");
    Files.writeString(file, """
        rate-limit:
          responses-per-second: 20
          errors-per-second: 5
          slip: 0
          window: 30
        cookies:
          answer: false
          secret-file: cookie.secret
        tcp:
          max-connections: 2000
          max-per-source: 16
          idle-timeout: 5
        """);
    Settings s = ConfigFile.read(file);
    assertThat(List.of(s.rateLimit.value(), s.rateLimitErrors.value(), s.rateLimitSlip.value(), s.rateLimitWindow.value()))
        .containsExactly(20, 5, 0, 30);
    assertThat(s.cookies.value()).isFalse();
    assertThat(s.cookieSecretFile.value()).isEqualTo(dir.resolve("cookie.secret"));
    assertThat(List.of(s.tcpMaxConnections.value(), s.tcpMaxPerSource.value(), s.tcpIdleTimeout.value()))
        .containsExactly(2000, 16, 5);

    Settings flags = TestFlags.settings("--rate-limit", "20", "--rate-limit-errors", "5", "--rate-limit-slip", "0",
        "--rate-limit-window", "30", "--no-cookies", "--cookie-secret-file", "c", "--tcp-max-connections", "2000",
        "--tcp-max-per-source", "16", "--tcp-idle-timeout", "5");
    assertThat(List.of(flags.rateLimit.value(), flags.rateLimitErrors.value(), flags.rateLimitSlip.value(),
        flags.rateLimitWindow.value(), flags.tcpMaxConnections.value(), flags.tcpMaxPerSource.value(),
        flags.tcpIdleTimeout.value())).containsExactly(20, 5, 0, 30, 2000, 16, 5);
    assertThat(flags.cookies.value()).isFalse();
  }

  @Test
  @DisplayName("a bad value names the file, line and key; a rate limit without its rate is refused")
  void badValues() throws IOException {
    Path file = dir.resolve("dnsd.yaml");
    Files.writeString(file, "tcp:\n  max-per-source: 0\n");
    assertThatThrownBy(() -> ConfigFile.read(file)).isInstanceOf(UsageException.class)
        .hasMessageContaining(file + ":2").hasMessageContaining("tcp.max-per-source");
    Files.writeString(file, "rate-limit:\n  slip: 2\n");
    assertThatThrownBy(() -> ConfigFile.read(file)).isInstanceOf(UsageException.class)
        .hasMessageContaining("rate-limit needs responses-per-second");
    Files.writeString(file, "rate-limit:\n  responses-per-second: 10\n  burst: 3\n");
    assertThatThrownBy(() -> ConfigFile.read(file)).isInstanceOf(UsageException.class)
        .hasMessageContaining(file + ":3").hasMessageContaining("unknown key 'rate-limit.burst'");
    assertThatThrownBy(() -> TestFlags.settings("--rate-limit-slip", "11")).isInstanceOf(UsageException.class)
        .hasMessageContaining("--rate-limit-slip needs a whole number from 0 to 10");
  }

  @Test
  @DisplayName("served: with --rate-limit 1 --rate-limit-slip 1 repeated answers slip, and the cookie secret file is used")
  void served() throws Exception {
    Path secret = dir.resolve("cookie.secret");
    Files.writeString(secret, "e5e973e5a6b2a43f48e7dc849e37bfcf\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    try (ServerProcess server = ServerProcess.start(dir, "--memory", "--listen", "127.0.0.1:0",
        "--rate-limit", "1", "--rate-limit-slip", "1", "--cookie-secret-file", "cookie.secret")) {
      int port = server.awaitPort();
      var address = new java.net.InetSocketAddress("127.0.0.1", port);
      int full = 0;
      for (int i = 0; i < 5; i++) {
        if (!TestDns.udp(address, TestDns.query("demo.test.", Type.SOA)).getHeader().getFlag(Flags.TC)) {
          full++;
        }
      }
      // One a second: the first, and at most one more should the five straddle a second's end.
      assertThat(full).as("answered in full of 5").isBetween(1, 2);

      Dig.require("dig", "bind9-dnsutils");
      String out = Dig.run("dig", "+cookie=2464c4abcf10c957", "-p", String.valueOf(port), "@127.0.0.1", "www.demo.test");
      Matcher m = Pattern.compile("COOKIE: 2464c4abcf10c957(01000000[0-9a-f]{8})([0-9a-f]{16})").matcher(out);
      assertThat(m.find()).as(out).isTrue();
    }
  }
}
