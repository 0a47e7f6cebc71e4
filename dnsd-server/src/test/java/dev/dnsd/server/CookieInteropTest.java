package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.DnsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNS cookies (RFC 7873, RFC 9018) with clients that speak them: dig (bind9-dnsutils) and
 * dnspython (python3-dnspython, run by Debian's /usr/bin/python3). Each gets a server cookie,
 * sends it back, and gets the same one again.
 */
class CookieInteropTest {
  private static final Pattern DIG_COOKIE = Pattern.compile("; COOKIE: ([0-9a-f]{16})([0-9a-f]{32}) \\(good\\)");

  @TempDir Path dir;
  private DnsServer server;

  @BeforeEach
  void start() throws IOException {
    server = DnsServer.builder().zone(DemoZone.zone()).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  @DisplayName("dig +cookie gets a server cookie, and the same one when it sends it back")
  void dig() throws Exception {
    Dig.require("dig", "bind9-dnsutils");
    String port = String.valueOf(server.port());
    String first = Dig.run("dig", "+cookie", "-p", port, "@127.0.0.1", "www.demo.test", "A");
    Matcher m = DIG_COOKIE.matcher(first);
    assertThat(m.find()).as(first).isTrue();
    String client = m.group(1);
    String cookie = m.group(2);
    assertThat(cookie).startsWith("01000000"); // RFC 9018 version 1

    String second = Dig.run("dig", "+cookie=" + client + cookie, "-p", port, "@127.0.0.1", "www.demo.test", "A");
    Matcher again = DIG_COOKIE.matcher(second);
    assertThat(again.find()).as(second).isTrue();
    assertThat(again.group(2)).as("the server cookie is reused").isEqualTo(cookie);
    assertThat(second).contains("status: NOERROR");
  }

  private static void requireDnspython() throws Exception {
    boolean present = false;
    if (Files.isExecutable(Path.of("/usr/bin/python3"))) {
      Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import dns.message").redirectErrorStream(true).start();
      present = p.waitFor() == 0;
    }
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("dnspython is missing but CI=true: apt-get install python3-dnspython");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(present, "dnspython is not installed (apt-get install python3-dnspython)");
  }

  @Test
  @DisplayName("dnspython gets a server cookie, and the same one when it sends it back")
  void dnspython() throws Exception {
    requireDnspython();
    Path script = dir.resolve("cookie.py");
    Files.writeString(script, """
        import sys, dns.edns, dns.message, dns.query, dns.rcode
        port = int(sys.argv[1])
        client = bytes.fromhex("0123456789abcdef")
        def ask(cookie):
            q = dns.message.make_query("www.demo.test", "A", use_edns=0,
                                       options=[dns.edns.GenericOption(10, cookie)])
            r = dns.query.udp(q, "127.0.0.1", port=port, timeout=5)
            got = [o for o in r.options if o.otype == 10]
            assert r.rcode() == dns.rcode.NOERROR and len(r.answer) >= 1, r
            assert len(got) == 1, r
            data = got[0].data
            assert data[:8] == client and len(data) == 24, data.hex()
            return data[8:]
        first = ask(client)
        second = ask(client + first)
        print("server cookie", first.hex(), "again", second.hex())
        assert first == second
        """);
    String out = Dig.run("/usr/bin/python3", script.toString(), String.valueOf(server.port()));
    assertThat(out).containsPattern("server cookie 01000000[0-9a-f]{24} again 01000000");
  }
}
