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

/** Zone cuts: referrals (RFC 1034 §4.3.2 step 3b), glue (RFC 9471), DS at the cut (RFC 4035 §3.1.4.1). */
class DelegationTest {
  private static final String PARENT_SOA =
      "example. 300 IN SOA ns1.example. hostmaster.example. 1 7200 3600 1209600 300";

  private final ZoneTable zones =
      table(
          zone(
              "example.",
              "ns1 A 192.0.2.1",
              "sub NS ns1.sub",
              "sub NS ns2.sub",
              "sub NS ns1",
              "sub NS ns.elsewhere.test.",
              "ns1.sub A 192.0.2.53",
              "ns1.sub AAAA 2001:db8:0:0:0:0:0:53",
              "ns2.sub A 192.0.2.54",
              "signed NS ns1.signed",
              "signed DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
              "ns1.signed A 192.0.2.60",
              "served NS ns1.served",
              "served DS 54321 13 2 fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
              "ns1.served A 192.0.2.70",
              "to-sub CNAME www.sub"),
          zone("served.example.", "ns1 A 192.0.2.70", "www A 198.51.100.1"),
          zone("lonely.test.", "www A 203.0.113.5"));

  @Test
  @DisplayName("a name below a cut gets a referral: AA=0, NOERROR, the child's NS in authority")
  void referral() {
    Message m = udp(zones, "www.sub.example.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(aa(m)).isFalse();
    assertThat(answer(m)).isEmpty();
    assertThat(authority(m))
        .containsExactly(
            "sub.example. 3600 IN NS ns1.sub.example.",
            "sub.example. 3600 IN NS ns2.sub.example.",
            "sub.example. 3600 IN NS ns1.example.",
            "sub.example. 3600 IN NS ns.elsewhere.test.");
  }

  @Test
  @DisplayName("glue: A and AAAA of in-bailiwick name servers, the child's first, nothing for out-of-zone ones")
  void glue() {
    assertThat(additional(udp(zones, "www.sub.example.", Type.A)))
        .containsExactly(
            "ns1.sub.example. 3600 IN A 192.0.2.53",
            "ns1.sub.example. 3600 IN AAAA 2001:db8:0:0:0:0:0:53",
            "ns2.sub.example. 3600 IN A 192.0.2.54",
            "ns1.example. 3600 IN A 192.0.2.1");
  }

  @Test
  @DisplayName("the cut itself is a referral for any type but DS, NS included")
  void atCutIsReferral() {
    for (int type : new int[] {Type.A, Type.NS, Type.SOA, Type.MX}) {
      Message m = udp(zones, "sub.example.", type);
      assertThat(aa(m)).as(Type.string(type)).isFalse();
      assertThat(answer(m)).as(Type.string(type)).isEmpty();
      assertThat(authority(m)).as(Type.string(type)).hasSize(4).allMatch(r -> r.contains(" NS "));
    }
  }

  @Test
  @DisplayName("glue below a cut is never answered as authoritative data")
  void glueIsNotAnswer() {
    Message m = udp(zones, "ns1.sub.example.", Type.A);
    assertThat(aa(m)).isFalse();
    assertThat(answer(m)).isEmpty();
    assertThat(authority(m)).hasSize(4);
  }

  @Test
  @DisplayName("DS at the cut is answered by the parent with AA=1")
  void dsAtCutFromParent() {
    Message m = udp(zones, "signed.example.", Type.DS);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).hasSize(1).allMatch(r -> r.startsWith("signed.example. 3600 IN DS 12345 13 2"));
    assertThat(authority(m)).isEmpty();
  }

  @Test
  @DisplayName("no DS at the cut is NODATA from the parent, with the parent's SOA and AA=1")
  void noDsAtCutIsNodata() {
    Message m = udp(zones, "sub.example.", Type.DS);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).isEmpty();
    assertThat(authority(m)).containsExactly(PARENT_SOA);
  }

  @Test
  @DisplayName("DS below the cut is a referral")
  void dsBelowCutIsReferral() {
    Message m = udp(zones, "www.signed.example.", Type.DS);
    assertThat(aa(m)).isFalse();
    assertThat(authority(m)).containsExactly("signed.example. 3600 IN NS ns1.signed.example.");
  }

  @Test
  @DisplayName("DS for the apex of a served child is answered from its served parent")
  void dsForServedChildApexFromParent() {
    Message m = udp(zones, "served.example.", Type.DS);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).hasSize(1).allMatch(r -> r.startsWith("served.example. 3600 IN DS 54321 13 2"));
  }

  @Test
  @DisplayName("other types at a served child's apex come from the child")
  void otherTypesAtServedChildApexFromChild() {
    Message m = udp(zones, "served.example.", Type.NS);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).containsExactly("served.example. 3600 IN NS ns1.served.example.");
  }

  @Test
  @DisplayName("DS at the apex of a zone whose parent is not served is NODATA from the zone itself")
  void dsAtApexWithoutParent() {
    Message m = udp(zones, "lonely.test.", Type.DS);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).isEmpty();
    assertThat(authority(m))
        .containsExactly("lonely.test. 300 IN SOA ns1.lonely.test. hostmaster.lonely.test. 1 7200 3600 1209600 300");
  }

  @Test
  @DisplayName("a CNAME into a delegation: the CNAME with AA=1, then the referral")
  void cnameIntoDelegation() {
    Message m = udp(zones, "to-sub.example.", Type.A);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).containsExactly("to-sub.example. 3600 IN CNAME www.sub.example.");
    assertThat(authority(m)).hasSize(4).allMatch(r -> r.startsWith("sub.example. 3600 IN NS"));
    assertThat(additional(m)).contains("ns1.sub.example. 3600 IN A 192.0.2.53");
  }
}
