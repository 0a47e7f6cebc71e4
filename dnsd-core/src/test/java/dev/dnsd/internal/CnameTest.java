package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.aa;
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

/** Exact answers and CNAME chains (RFC 1034 §3.6.2, §4.3.2; RFC 6604 for the rcode). */
class CnameTest {
  private final ZoneTable zones =
      table(
          zone(
              "example.",
              "www A 192.0.2.10",
              "www TXT \"hello\"",
              "alias CNAME www",
              "alias2 CNAME alias",
              "across CNAME www.other.test.",
              "outside CNAME www.example.org.",
              "dangling CNAME nothere",
              "loop1 CNAME loop2",
              "loop2 CNAME loop1",
              "self CNAME self"),
          zone("other.test.", "www A 203.0.113.10", "gone CNAME nothere"));

  @Test
  @DisplayName("an exact match is answered with AA=1 and nothing in authority")
  void exactAnswerIsAuthoritative() {
    Message m = udp(zones, "www.example.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).containsExactly("www.example. 3600 IN A 192.0.2.10");
    assertThat(authority(m)).isEmpty();
  }

  @Test
  @DisplayName("a CNAME is followed inside the zone")
  void cnameFollowedInZone() {
    Message m = udp(zones, "alias.example.", Type.A);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m))
        .containsExactly("alias.example. 3600 IN CNAME www.example.", "www.example. 3600 IN A 192.0.2.10");
  }

  @Test
  @DisplayName("a chain of CNAMEs is followed to its end")
  void chainFollowed() {
    assertThat(answer(udp(zones, "alias2.example.", Type.A)))
        .containsExactly(
            "alias2.example. 3600 IN CNAME alias.example.",
            "alias.example. 3600 IN CNAME www.example.",
            "www.example. 3600 IN A 192.0.2.10");
  }

  @Test
  @DisplayName("a CNAME is followed into another zone served here")
  void cnameFollowedAcrossZones() {
    Message m = udp(zones, "across.example.", Type.A);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m))
        .containsExactly(
            "across.example. 3600 IN CNAME www.other.test.", "www.other.test. 3600 IN A 203.0.113.10");
  }

  @Test
  @DisplayName("a CNAME to a name not served here ends the answer, NOERROR, for the resolver to follow")
  void cnameOutOfZonesEndsChain() {
    Message m = udp(zones, "outside.example.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).containsExactly("outside.example. 3600 IN CNAME www.example.org.");
    assertThat(authority(m)).isEmpty();
  }

  @Test
  @DisplayName("a CNAME answers every query type at its name")
  void cnameAnswersEveryType() {
    for (int type : new int[] {Type.A, Type.AAAA, Type.MX, Type.TXT, Type.NS}) {
      assertThat(answer(udp(zones, "alias.example.", type)))
          .as(Type.string(type))
          .startsWith("alias.example. 3600 IN CNAME www.example.");
    }
    assertThat(answer(udp(zones, "alias.example.", Type.TXT)))
        .containsExactly("alias.example. 3600 IN CNAME www.example.", "www.example. 3600 IN TXT hello");
  }

  @Test
  @DisplayName("qtype CNAME returns the CNAME itself, not followed")
  void qtypeCnameNotFollowed() {
    assertThat(answer(udp(zones, "alias2.example.", Type.CNAME)))
        .containsExactly("alias2.example. 3600 IN CNAME alias.example.");
  }

  @Test
  @DisplayName("RFC 6604: a chain ending at a missing name is NXDOMAIN, with the CNAME and the SOA")
  void chainToMissingNameIsNxdomain() {
    Message m = udp(zones, "dangling.example.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).containsExactly("dangling.example. 3600 IN CNAME nothere.example.");
    assertThat(authority(m))
        .containsExactly("example. 300 IN SOA ns1.example. hostmaster.example. 1 7200 3600 1209600 300");
  }

  @Test
  @DisplayName("RFC 6604: a chain ending in NODATA is NOERROR with the last zone's SOA")
  void chainToNodataIsNoerror() {
    Message m = udp(zones, "across.example.", Type.MX);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answer(m)).containsExactly("across.example. 3600 IN CNAME www.other.test.");
    assertThat(authority(m))
        .containsExactly("other.test. 300 IN SOA ns1.other.test. hostmaster.other.test. 1 7200 3600 1209600 300");
  }

  @Test
  @DisplayName("a CNAME loop is cut: each CNAME once, then NOERROR")
  void loopIsCut() {
    Message m = udp(zones, "loop1.example.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answer(m))
        .containsExactly("loop1.example. 3600 IN CNAME loop2.example.", "loop2.example. 3600 IN CNAME loop1.example.");
    assertThat(answer(udp(zones, "self.example.", Type.A))).containsExactly("self.example. 3600 IN CNAME self.example.");
  }

  @Test
  @DisplayName("a chain longer than the limit stops after MAX_CHAIN CNAMEs")
  void longChainIsCut() {
    String[] lines = new String[40];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = "c" + i + " CNAME c" + (i + 1);
    }
    ZoneTable chain = table(zone("example.", lines));
    assertThat(answer(udp(chain, "c0.example.", Type.A))).hasSize(Lookup.MAX_CHAIN);
  }
}
