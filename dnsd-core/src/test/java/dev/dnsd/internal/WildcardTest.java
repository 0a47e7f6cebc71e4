package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.aa;
import static dev.dnsd.internal.Fixture.additional;
import static dev.dnsd.internal.Fixture.answer;
import static dev.dnsd.internal.Fixture.authority;
import static dev.dnsd.internal.Fixture.table;
import static dev.dnsd.internal.Fixture.udp;
import static dev.dnsd.internal.Fixture.zone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.zone.ZoneTable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Wildcards per RFC 4592, on the example of its §2.2.1. */
class WildcardTest {
  private static final String SOA = "example. 300 IN SOA ns1.example. hostmaster.example. 1 7200 3600 1209600 300";

  private final ZoneTable zones =
      table(
          zone(
              "example.",
              "* TXT \"this is a wildcard\"",
              "* MX 10 host1",
              "host1 A 192.0.2.1",
              "_ssh._tcp.host1 SRV 0 0 22 host1",
              "_ssh._tcp.host2 SRV 0 0 22 host2",
              "subdel NS ns.example.com.",
              "*.cname CNAME host1",
              "*.blocked TXT \"wild below blocked\"",
              "explicit.blocked A 192.0.2.7"));

  @Test
  @DisplayName("a missing name is answered from the wildcard, with the query name as owner and AA=1")
  void synthesizedWithQueryName() {
    Message m = udp(zones, "host3.example.", Type.MX);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).containsExactly("host3.example. 3600 IN MX 10 host1.example.");
    assertThat(authority(m)).isEmpty();
  }

  @Test
  @DisplayName("wildcard MX gets its target's address in additional")
  void wildcardMxAdditional() {
    assertThat(additional(udp(zones, "host3.example.", Type.MX))).containsExactly("host1.example. 3600 IN A 192.0.2.1");
  }

  @Test
  @DisplayName("the wildcard answers a name several labels below the closest encloser")
  void severalLabelsBelow() {
    assertThat(answer(udp(zones, "foo.bar.example.", Type.TXT)))
        .containsExactly("foo.bar.example. 3600 IN TXT \"this is a wildcard\"");
  }

  @Test
  @DisplayName("NODATA at a wildcard: the type is not there, NOERROR with the SOA")
  void nodataAtWildcard() {
    Message m = udp(zones, "host3.example.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).isEmpty();
    assertThat(authority(m)).containsExactly(SOA);
  }

  @Test
  @DisplayName("an explicit name blocks synthesis: NODATA, not the wildcard's MX")
  void explicitNameBlocks() {
    Message m = udp(zones, "host1.example.", Type.MX);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answer(m)).isEmpty();
    assertThat(authority(m)).containsExactly(SOA);
  }

  @Test
  @DisplayName("an empty non-terminal blocks synthesis: NODATA at _tcp.host1")
  void emptyNonTerminalBlocks() {
    Message m = udp(zones, "_tcp.host1.example.", Type.TXT);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answer(m)).isEmpty();
    assertThat(authority(m)).containsExactly(SOA);
  }

  @Test
  @DisplayName("closest encloser blocks synthesis: below an existing name without a wildcard is NXDOMAIN")
  void closestEncloserBlocks() {
    // host1.example. exists, so it is the closest encloser of sub.host1.example.; *.host1 does not.
    Message m = udp(zones, "sub.host1.example.", Type.TXT);
    assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(answer(m)).isEmpty();
    assertThat(authority(m)).containsExactly(SOA);
    // _ssh._tcp.host2 exists, so host2 is an empty non-terminal and the closest encloser here.
    assertThat(udp(zones, "_foo._tcp.host2.example.", Type.TXT).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  @DisplayName("the wildcard's own parent may have other children: *.blocked answers beside explicit.blocked")
  void wildcardBesideExplicitSibling() {
    assertThat(answer(udp(zones, "other.blocked.example.", Type.TXT)))
        .containsExactly("other.blocked.example. 3600 IN TXT \"wild below blocked\"");
    Message m = udp(zones, "explicit.blocked.example.", Type.TXT);
    assertThat(answer(m)).isEmpty();
    assertThat(authority(m)).containsExactly(SOA);
  }

  @Test
  @DisplayName("a wildcard CNAME is synthesized with the query name and followed")
  void wildcardCname() {
    Message m = udp(zones, "anything.cname.example.", Type.A);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m))
        .containsExactly(
            "anything.cname.example. 3600 IN CNAME host1.example.", "host1.example. 3600 IN A 192.0.2.1");
  }

  @Test
  @DisplayName("a query for the wildcard name itself returns its records unchanged")
  void queryForAsterisk() {
    assertThat(answer(udp(zones, "*.example.", Type.TXT))).containsExactly("*.example. 3600 IN TXT \"this is a wildcard\"");
  }

  @Test
  @DisplayName("a name below a delegation is a referral, never synthesized from the parent's wildcard")
  void noSynthesisBelowCut() {
    Message m = udp(zones, "ghost.subdel.example.", Type.TXT);
    assertThat(aa(m)).isFalse();
    assertThat(answer(m)).isEmpty();
    assertThat(authority(m)).containsExactly("subdel.example. 3600 IN NS ns.example.com.");
  }
}
