package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.aa;
import static dev.dnsd.internal.Fixture.answer;
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

/** DNAME redirection (RFC 6672). */
class DnameTest {
  private static final String LONG_LABEL = "a".repeat(63);
  private final ZoneTable zones =
      table(
          zone(
              "example.",
              "old 600 DNAME new",
              "new A 192.0.2.1",
              "www.new A 192.0.2.10",
              "far 600 DNAME " + LONG_LABEL + "." + LONG_LABEL + "." + LONG_LABEL + ".test."),
          zone("test.", "www A 203.0.113.1"));

  @Test
  @DisplayName("a name below a DNAME gets the DNAME, a synthesized CNAME with the DNAME's TTL, and the target")
  void substitution() {
    Message m = udp(zones, "www.old.example.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m))
        .containsExactly(
            "old.example. 600 IN DNAME new.example.",
            "www.old.example. 600 IN CNAME www.new.example.",
            "www.new.example. 3600 IN A 192.0.2.10");
  }

  @Test
  @DisplayName("a CNAME question below a DNAME is answered by the synthesized CNAME, not followed (RFC 1034 §4.3.2 step 3a)")
  void cnameQuestionStopsAtSynthesizedCname() {
    for (String name : new String[] {"www.old.example.", "nope.old.example."}) {
      Message m = udp(zones, name, Type.CNAME);
      assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(answer(m)).hasSize(2).last().asString().contains(" IN CNAME ");
      assertThat(m.getSection(org.xbill.DNS.Section.AUTHORITY)).isEmpty();
    }
  }

  @Test
  @DisplayName("the DNAME owner itself is not redirected")
  void ownerNotRedirected() {
    Message m = udp(zones, "old.example.", Type.A);
    assertThat(answer(m)).isEmpty();
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answer(udp(zones, "old.example.", Type.DNAME))).containsExactly("old.example. 600 IN DNAME new.example.");
  }

  @Test
  @DisplayName("a substituted name that does not exist is NXDOMAIN after the DNAME and CNAME")
  void substitutedNameMissing() {
    Message m = udp(zones, "nope.old.example.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(answer(m))
        .containsExactly("old.example. 600 IN DNAME new.example.", "nope.old.example. 600 IN CNAME nope.new.example.");
  }

  @Test
  @DisplayName("a substituted name longer than 255 bytes is YXDOMAIN, with the DNAME")
  void tooLongIsYxdomain() {
    String qname = LONG_LABEL + "." + LONG_LABEL + ".far.example.";
    Message m = udp(zones, qname, Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.YXDOMAIN);
    assertThat(answer(m)).hasSize(1).first().asString().contains("DNAME");
  }
}
