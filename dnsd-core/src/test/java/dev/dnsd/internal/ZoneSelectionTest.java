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

/** Which zone answers: the longest suffix among the zones served (RFC 1034 §4.3.2 step 2). */
class ZoneSelectionTest {
  private final ZoneTable zones =
      table(
          zone("example.", "ns1 A 192.0.2.1", "www A 192.0.2.10", "child NS ns1.child", "ns1.child A 192.0.2.53"),
          zone("child.example.", "ns1 A 192.0.2.53", "www A 198.51.100.10"),
          zone("other.test.", "www A 203.0.113.10"),
          zone("test.", "www A 203.0.113.1"));

  @Test
  @DisplayName("each name is answered from the zone that is its longest suffix")
  void longestSuffixWins() {
    assertThat(answer(udp(zones, "www.example.", Type.A))).containsExactly("www.example. 3600 IN A 192.0.2.10");
    assertThat(answer(udp(zones, "www.other.test.", Type.A)))
        .containsExactly("www.other.test. 3600 IN A 203.0.113.10");
    assertThat(answer(udp(zones, "www.test.", Type.A))).containsExactly("www.test. 3600 IN A 203.0.113.1");
  }

  @Test
  @DisplayName("a child zone served beside its parent answers its own data with AA, not a referral")
  void childServedBesideParentAnswersItself() {
    Message m = udp(zones, "www.child.example.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).containsExactly("www.child.example. 3600 IN A 198.51.100.10");
    assertThat(authority(m)).isEmpty();
  }

  @Test
  @DisplayName("the child's apex NS comes from the child")
  void childApexFromChild() {
    Message m = udp(zones, "child.example.", Type.NS);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).containsExactly("child.example. 3600 IN NS ns1.child.example.");
    assertThat(additional(m)).containsExactly("ns1.child.example. 3600 IN A 192.0.2.53");
  }

  @Test
  @DisplayName("a name outside all zones is REFUSED without AA")
  void outsideAllZonesIsRefused() {
    Message m = udp(zones, "www.example.org.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(aa(m)).isFalse();
    assertThat(answer(m)).isEmpty();
    assertThat(authority(m)).isEmpty();
  }

  @Test
  @DisplayName("a name that only ends like a zone (notexample.) is outside it")
  void suffixMatchesWholeLabels() {
    assertThat(udp(zones, "notexample.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
  }

  @Test
  @DisplayName("an empty zone table refuses everything")
  void emptyTableRefuses() {
    assertThat(udp(ZoneTable.empty(), "example.", Type.SOA).getRcode()).isEqualTo(Rcode.REFUSED);
  }
}
