package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.additional;
import static dev.dnsd.internal.Fixture.answer;
import static dev.dnsd.internal.Fixture.authority;
import static dev.dnsd.internal.Fixture.query;
import static dev.dnsd.internal.Fixture.table;
import static dev.dnsd.internal.Fixture.tc;
import static dev.dnsd.internal.Fixture.withEdns;
import static dev.dnsd.internal.Fixture.zone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.zone.ZoneTable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Answer size: 512 without EDNS, max(512, min(client, server)) with it, 65535 over TCP; cut at
 * whole RRsets with TC (RFC 1035 §4.2.1, RFC 6891 §6.2.5, RFC 2181 §9, RFC 9471 for glue).
 */
class TruncationTest {
  private static final ZoneTable ZONES = table(zone("example.", lines()));

  /** tN.example. holds N TXT records of 200 bytes: an answer of about 27 + 213 * N bytes. */
  private static String[] lines() {
    List<String> out = new ArrayList<>();
    for (int n : new int[] {2, 3, 5, 6, 30}) {
      for (int i = 0; i < n; i++) {
        out.add("t" + n + " TXT \"" + (char) ('a' + i % 26) + i + "x".repeat(200 - 1 - String.valueOf(i).length()) + "\"");
      }
    }
    out.add("alias CNAME t6");
    for (int i = 0; i < 10; i++) {
      out.add("sub NS ns" + i + ".sub");
      out.add("ns" + i + ".sub A 192.0.2." + i);
      out.add("ns" + i + ".sub AAAA 2001:db8::" + i);
      out.add("@ MX " + i + " mx" + i);
      out.add("mx" + i + " AAAA 2001:db8::25:" + i);
      out.add("mx" + i + " A 198.51.100." + i);
    }
    return out.toArray(new String[0]);
  }

  private final Responder responder = new Responder(() -> ZONES, ServerConfig.defaults());

  private Message send(String name, int type, int payload, boolean tcp) {
    Message q = query(name, type);
    if (payload > 0) {
      withEdns(q, payload, 0, 0);
    }
    byte[] wire = q.toWire();
    byte[] out = responder.respond(wire, wire.length, Fixture.CLIENT, tcp, Fixture.NO_REPLIER);
    assertThat(out).isNotNull();
    int limit = tcp ? 65535 : payload == 0 ? 512 : Math.max(512, Math.min(payload, 1232));
    assertThat(out.length).isLessThanOrEqualTo(limit);
    return Fixture.parse(out);
  }

  @Test
  @DisplayName("without EDNS the UDP limit is 512 bytes")
  void noEdnsIs512() {
    assertThat(tc(send("t2.example.", Type.TXT, 0, false))).isFalse();
    Message m = send("t3.example.", Type.TXT, 0, false);
    assertThat(tc(m)).isTrue();
    assertThat(answer(m)).isEmpty(); // one RRset: cut whole, never in the middle
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  @DisplayName("with EDNS the limit is the client's payload, when below ours")
  void clientPayloadBelowOurs() {
    assertThat(tc(send("t3.example.", Type.TXT, 800, false))).isFalse();
    assertThat(tc(send("t5.example.", Type.TXT, 800, false))).isTrue();
  }

  @Test
  @DisplayName("with EDNS the limit is our maximum, when the client offers more")
  void ourMaximumBelowClients() {
    assertThat(tc(send("t5.example.", Type.TXT, 4096, false))).isFalse();
    assertThat(tc(send("t6.example.", Type.TXT, 4096, false))).isTrue();
    Responder bigger = new Responder(() -> ZONES, ServerConfig.defaults().withMaxUdpPayload(1400));
    byte[] wire = withEdns(query("t6.example.", Type.TXT), 4096, 0, 0).toWire();
    assertThat(tc(Fixture.parse(bigger.respond(wire, wire.length, Fixture.CLIENT, false, Fixture.NO_REPLIER))))
        .isFalse();
  }

  @Test
  @DisplayName("a client payload below 512 counts as 512")
  void payloadBelow512() {
    assertThat(tc(send("t2.example.", Type.TXT, 100, false))).isFalse();
    assertThat(tc(send("t3.example.", Type.TXT, 100, false))).isTrue();
  }

  @Test
  @DisplayName("a truncated answer keeps its OPT record")
  void truncatedKeepsOpt() {
    Message m = send("t6.example.", Type.TXT, 4096, false);
    assertThat(tc(m)).isTrue();
    assertThat(m.getOPT()).isNotNull();
    assertThat(m.getOPT().getPayloadSize()).isEqualTo(1232);
  }

  @Test
  @DisplayName("the cut falls between RRsets: the CNAME stays, the TXT RRset that does not fit goes")
  void cutBetweenRRsets() {
    Message m = send("alias.example.", Type.TXT, 4096, false);
    assertThat(tc(m)).isTrue();
    assertThat(answer(m)).containsExactly("alias.example. 3600 IN CNAME t6.example.");
  }

  @Test
  @DisplayName("over TCP the answer may be up to 65535 bytes")
  void tcpHoldsLargeAnswers() {
    Message m = send("t30.example.", Type.TXT, 0, true);
    assertThat(tc(m)).isFalse();
    assertThat(answer(m)).hasSize(30);
  }

  @Test
  @DisplayName("additional records that do not fit are left out without TC")
  void additionalDroppedWithoutTc() {
    Message m = send("example.", Type.MX, 0, false);
    assertThat(tc(m)).isFalse();
    assertThat(answer(m)).hasSize(10);
    assertThat(additional(m)).isNotEmpty().hasSizeLessThan(20);
    assertThat(send("example.", Type.MX, 0, true).getSection(org.xbill.DNS.Section.ADDITIONAL)).hasSize(20);
  }

  @Test
  @DisplayName("a referral whose in-domain glue does not fit is TC")
  void referralGlueRequired() {
    Message m = send("www.sub.example.", Type.A, 0, false);
    assertThat(tc(m)).isTrue();
    assertThat(authority(m)).hasSize(10);
    assertThat(additional(m)).hasSizeLessThan(20);
    Message fits = send("www.sub.example.", Type.A, 1232, false);
    assertThat(tc(fits)).isFalse();
    assertThat(additional(fits)).hasSize(20);
  }

  /**
   * A responder whose answer to {@code b.example. TXT} is exactly {@code size} bytes: the header
   * (12), the question (15), the TXT record (12 and its RDATA), and our OPT record (11) with EDNS.
   */
  static Responder answerOfSize(int size, boolean edns) {
    int rdata = size - 12 - 15 - 12 - (edns ? 11 : 0);
    StringBuilder txt = new StringBuilder();
    while (rdata > 0) {
      int chunk = Math.min(rdata, 256); // a length byte and up to 255 characters
      txt.append(" \"").append("x".repeat(chunk - 1)).append('"');
      rdata -= chunk;
    }
    ZoneTable zones = table(zone("example.", "b TXT" + txt));
    Responder responder = new Responder(() -> zones, ServerConfig.defaults());
    Message q = query("b.example.", Type.TXT);
    if (edns) {
      withEdns(q, 1000, 0, 0);
    }
    byte[] wire = q.toWire();
    assertThat(responder.respond(wire, wire.length, Fixture.CLIENT, true, Fixture.NO_REPLIER)).hasSize(size);
    return responder;
  }

  @ParameterizedTest(name = "an answer of {0} bytes against a limit of {1} (EDNS {2}): TC {3}")
  @CsvSource({
    "500, 512, false, false",
    "511, 512, false, false",
    "512, 512, false, false",
    "513, 512, false, true",
    "988, 1000, true, false",
    "999, 1000, true, false",
    "1000, 1000, true, false",
    "1001, 1000, true, true"
  })
  @DisplayName("an answer that fits the limit goes whole, up to its last byte; one byte more is TC")
  void boundary(int size, int limit, boolean edns, boolean truncated) {
    Responder responder = answerOfSize(size, edns);
    Message q = query("b.example.", Type.TXT);
    if (edns) {
      withEdns(q, limit, 0, 0);
    }
    byte[] wire = q.toWire();
    byte[] out = responder.respond(wire, wire.length, Fixture.CLIENT, false, Fixture.NO_REPLIER);
    Message m = Fixture.parse(out);
    assertThat(tc(m)).isEqualTo(truncated);
    assertThat(answer(m)).hasSize(truncated ? 0 : 1);
    assertThat(out.length).isEqualTo(truncated ? 27 + (edns ? 11 : 0) : size);
    assertThat(m.getOPT() != null).isEqualTo(edns);
  }
}
