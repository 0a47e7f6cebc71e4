package dev.dnsd.internal;

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
import org.xbill.DNS.Type;

/** Additional-section processing (RFC 1034 §4.3.2 step 6) and minimal responses. */
class AdditionalSectionTest {
  private final ZoneTable zones =
      table(
          zone(
              "example.",
              "ns1 A 192.0.2.1",
              "ns1 AAAA 2001:db8:0:0:0:0:0:1",
              "@ NS ns.other.test.",
              "@ MX 10 mail",
              "@ MX 20 mail.other.test.",
              "@ MX 30 mx.example.org.",
              "mail A 192.0.2.25",
              "_sip._udp SRV 0 5 5060 sip",
              "sip AAAA 2001:db8:0:0:0:0:0:5060",
              "nomail MX 0 .",
              "both MX 10 ns1",
              "both NS ns1",
              "del NS ns.del",
              "ns.del A 192.0.2.99",
              "gluemx MX 10 ns.del",
              "self A 192.0.2.77",
              "self MX 10 self"),
          zone("other.test.", "ns A 203.0.113.53", "mail AAAA 2001:db8:1:0:0:0:0:25"));

  @Test
  @DisplayName("MX targets in any zone served here get their A and AAAA; targets elsewhere get nothing")
  void mxTargets() {
    Message m = udp(zones, "example.", Type.MX);
    assertThat(answer(m)).hasSize(3);
    assertThat(authority(m)).isEmpty();
    assertThat(additional(m))
        .containsExactly("mail.example. 3600 IN A 192.0.2.25", "mail.other.test. 3600 IN AAAA 2001:db8:1:0:0:0:0:25");
  }

  @Test
  @DisplayName("NS targets get their addresses")
  void nsTargets() {
    assertThat(additional(udp(zones, "example.", Type.NS)))
        .containsExactly(
            "ns1.example. 3600 IN A 192.0.2.1",
            "ns1.example. 3600 IN AAAA 2001:db8:0:0:0:0:0:1",
            "ns.other.test. 3600 IN A 203.0.113.53");
  }

  @Test
  @DisplayName("SRV targets get their addresses")
  void srvTargets() {
    assertThat(additional(udp(zones, "_sip._udp.example.", Type.SRV)))
        .containsExactly("sip.example. 3600 IN AAAA 2001:db8:0:0:0:0:0:5060");
  }

  @Test
  @DisplayName("a null MX (target .) adds nothing")
  void nullMx() {
    assertThat(additional(udp(zones, "nomail.example.", Type.MX))).isEmpty();
  }

  @Test
  @DisplayName("no duplicates: a target named twice appears once")
  void noDuplicates() {
    assertThat(additional(udp(zones, "both.example.", Type.ANY)))
        .doesNotHaveDuplicates();
    Message m = tcpAny("both.example.");
    assertThat(additional(m))
        .containsExactly("ns1.example. 3600 IN A 192.0.2.1", "ns1.example. 3600 IN AAAA 2001:db8:0:0:0:0:0:1");
  }

  @Test
  @DisplayName("nothing in additional that the answer already holds")
  void notWhatTheAnswerHolds() {
    Message m = tcpAny("self.example.");
    assertThat(answer(m)).contains("self.example. 3600 IN A 192.0.2.77");
    assertThat(additional(m)).isEmpty();
  }

  @Test
  @DisplayName("an MX target below a cut is glue, not authoritative data: left out")
  void mxTargetBelowCut() {
    assertThat(additional(udp(zones, "gluemx.example.", Type.MX))).isEmpty();
  }

  @Test
  @DisplayName("minimal responses: a positive answer carries no NS in authority")
  void minimalResponses() {
    Message m = udp(zones, "mail.example.", Type.A);
    assertThat(authority(m)).isEmpty();
    assertThat(additional(m)).isEmpty();
  }

  private Message tcpAny(String name) {
    return Fixture.ask(new Responder(() -> zones, ServerConfig.defaults()), Fixture.query(name, Type.ANY), true);
  }
}
