package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable server, started as its own process on a directory of zone files, answers dig and
 * kdig correctly for each kind of query: exact, CNAME, DNAME, wildcard, empty non-terminal,
 * NXDOMAIN, referral with glue, DS at a cut, child zone, additional section, REFUSED, CH TXT,
 * EDNS, truncation and TCP.
 */
class RunnableServerDigTest {
  @TempDir static Path dir;
  private static ServerProcess server;
  private static String port;

  @BeforeAll
  static void start() throws Exception {
    Dig.require("dig", "bind9-dnsutils");
    Path zones = Files.createDirectories(dir.resolve("zones"));
    for (String zone : new String[] {"diff.test.", "child.diff.test.", "wild.test."}) {
      try (InputStream in = RunnableServerDigTest.class.getResourceAsStream("/differential/" + zone + "zone")) {
        Files.copy(in, zones.resolve(zone + "zone"));
      }
    }
    server = ServerProcess.start(dir, "--memory", "--zones", zones.toString(), "--listen", "127.0.0.1:0", "--threads", "1");
    port = String.valueOf(server.awaitPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static String dig(String... args) throws Exception {
    String[] all = new String[args.length + 4];
    all[0] = "@127.0.0.1";
    all[1] = "-p";
    all[2] = port;
    all[3] = "+norec";
    System.arraycopy(args, 0, all, 4, args.length);
    return Dig.run("dig", all).replaceAll("[ \t]+", " ");
  }

  @Test
  @DisplayName("exact answer is authoritative")
  void exact() throws Exception {
    String out = dig("diff.test", "A");
    assertThat(out).contains("status: NOERROR").contains("flags: qr aa;").contains("diff.test. 3600 IN A 192.0.2.1");
  }

  @Test
  @DisplayName("a CNAME chain is followed to the address")
  void cname() throws Exception {
    String out = dig("alias.diff.test", "A");
    assertThat(out)
        .contains("alias.diff.test. 3600 IN CNAME www.diff.test.")
        .contains("www.diff.test. 3600 IN CNAME diff.test.")
        .contains("diff.test. 3600 IN A 192.0.2.1");
  }

  @Test
  @DisplayName("DNAME substitution synthesizes a CNAME (RFC 6672)")
  void dname() throws Exception {
    String out = dig("www.redirect.diff.test", "A");
    assertThat(out)
        .contains("redirect.diff.test. 3600 IN DNAME target.diff.test.")
        .contains("www.redirect.diff.test. 3600 IN CNAME www.target.diff.test.")
        .contains("host.target.diff.test. 3600 IN A 192.0.2.70");
  }

  @Test
  @DisplayName("a wildcard synthesizes the answer with the query name as owner (RFC 4592)")
  void wildcard() throws Exception {
    String out = dig("anything.wild.diff.test", "A");
    assertThat(out).contains("flags: qr aa;").contains("anything.wild.diff.test. 3600 IN A 192.0.2.100");
  }

  @Test
  @DisplayName("an empty non-terminal is NODATA with the SOA, TTL min(SOA TTL, MINIMUM)")
  void emptyNonTerminal() throws Exception {
    String out = dig("b.ent.diff.test", "A");
    assertThat(out).contains("status: NOERROR").contains("ANSWER: 0")
        .contains("diff.test. 300 IN SOA ns1.diff.test. hostmaster.diff.test. 2026112601");
  }

  @Test
  @DisplayName("a name that does not exist is NXDOMAIN with the SOA")
  void nxdomain() throws Exception {
    String out = dig("nope.diff.test", "A");
    assertThat(out).contains("status: NXDOMAIN").contains("flags: qr aa;").contains("IN SOA ns1.diff.test.");
  }

  @Test
  @DisplayName("below a cut: referral without AA, NS in authority, glue in additional")
  void referral() throws Exception {
    String out = dig("host.sub.diff.test", "A");
    assertThat(out).contains("status: NOERROR").contains("flags: qr;").contains("ANSWER: 0")
        .contains("sub.diff.test. 3600 IN NS ns.sub.diff.test.")
        .contains("ns.sub.diff.test. 3600 IN A 192.0.2.80")
        .contains("ns.sub.diff.test. 3600 IN AAAA 2001:db8::80");
  }

  @Test
  @DisplayName("DS at the cut is answered by the parent, authoritatively")
  void dsAtCut() throws Exception {
    assertThat(dig("sub.diff.test", "DS")).contains("flags: qr aa;").contains("sub.diff.test. 3600 IN DS 12345 13 2");
  }

  @Test
  @DisplayName("a child zone served beside its parent answers its own names")
  void childZone() throws Exception {
    assertThat(dig("host.child.diff.test", "A")).contains("flags: qr aa;").contains("host.child.diff.test. 1800 IN A 192.0.2.91");
  }

  @Test
  @DisplayName("MX targets in the zone come with their addresses in additional")
  void additional() throws Exception {
    String out = dig("diff.test", "MX");
    assertThat(out).contains("diff.test. 3600 IN MX 10 mail.diff.test.")
        .contains("mail.diff.test. 3600 IN A 192.0.2.25")
        .contains("mail.diff.test. 3600 IN AAAA 2001:db8::25");
  }

  @Test
  @DisplayName("a name outside every zone is REFUSED")
  void refused() throws Exception {
    assertThat(dig("www.example.org", "A")).contains("status: REFUSED");
  }

  @Test
  @DisplayName("CH TXT version.dnsd tells the version")
  void chaos() throws Exception {
    assertThat(dig("version.dnsd", "TXT", "CH")).contains("version.dnsd. 0 CH TXT \"dnsd ");
  }

  @Test
  @DisplayName("EDNS queries get an OPT with our UDP payload size (RFC 6891)")
  void edns() throws Exception {
    assertThat(dig("+edns=0", "diff.test", "SOA")).contains("EDNS: version: 0").contains("udp: 1232");
  }

  @Test
  @DisplayName("an answer too large for 512 bytes is truncated over UDP and whole over TCP")
  void truncationAndTcp() throws Exception {
    assertThat(dig("+noedns", "+ignore", "big.diff.test", "TXT")).contains("flags: qr aa tc;");
    assertThat(dig("+tcp", "big.diff.test", "TXT")).contains("flags: qr aa;").contains("ANSWER: 8");
  }

  @Test
  @DisplayName("kdig over UDP and TCP agrees")
  void kdig() throws Exception {
    Dig.require("kdig", "knot-dnsutils");
    String udp = Dig.run("kdig", "@127.0.0.1", "-p", port, "+norec", "www.diff.test", "A");
    String tcp = Dig.run("kdig", "@127.0.0.1", "-p", port, "+norec", "+tcp", "www.diff.test", "A");
    for (String out : new String[] {udp, tcp}) {
      assertThat(out.replaceAll("[ \t]+", " ")).contains("status: NOERROR").contains("qr aa")
          .contains("www.diff.test. 3600 IN CNAME diff.test.");
    }
  }
}
