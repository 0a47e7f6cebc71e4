package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.CLIENT;
import static dev.dnsd.internal.Fixture.NO_REPLIER;
import static dev.dnsd.internal.Fixture.answer;
import static dev.dnsd.internal.Fixture.query;
import static dev.dnsd.internal.Fixture.table;
import static dev.dnsd.internal.Fixture.udp;
import static dev.dnsd.internal.Fixture.withEdns;
import static dev.dnsd.internal.Fixture.zone;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** EDNS(0) per RFC 6891, DO (RFC 3225) and NSID (RFC 5001). */
class EdnsTest {
  private static final byte[] NSID = "ns-7.example".getBytes(StandardCharsets.US_ASCII);

  private final Responder responder =
      new Responder(() -> table(zone("example.", "www A 192.0.2.10")), ServerConfig.defaults());
  private final Responder withNsid =
      new Responder(() -> table(zone("example.", "www A 192.0.2.10")), ServerConfig.defaults().withNsid(NSID));

  @Test
  @DisplayName("an EDNS query gets OPT version 0 with our UDP payload size")
  void optInAnswer() {
    Message m = udp(responder, withEdns(query("www.example.", Type.A), 4096, 0, 0));
    OPTRecord opt = m.getOPT();
    assertThat(opt).isNotNull();
    assertThat(opt.getVersion()).isZero();
    assertThat(opt.getPayloadSize()).isEqualTo(1232);
    assertThat(opt.getFlags()).isZero();
    assertThat(opt.getOptions()).isEmpty();
    assertThat(m.getSection(Section.ADDITIONAL)).hasSize(1);
  }

  @Test
  @DisplayName("the advertised payload follows the configured maximum")
  void advertisedPayloadFromConfig() {
    Responder big =
        new Responder(() -> table(zone("example.")), ServerConfig.defaults().withMaxUdpPayload(4000));
    assertThat(udp(big, withEdns(query("example.", Type.SOA), 512, 0, 0)).getOPT().getPayloadSize()).isEqualTo(4000);
  }

  @Test
  @DisplayName("a query without EDNS gets no OPT")
  void noOptWithoutEdns() {
    assertThat(udp(responder, query("www.example.", Type.A)).getOPT()).isNull();
  }

  @Test
  @DisplayName("error answers to an EDNS query carry OPT too")
  void optOnErrors() {
    Message refused = udp(responder, withEdns(query("www.example.org.", Type.A), 4096, 0, 0));
    assertThat(refused.getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(refused.getOPT()).isNotNull();
    Message nx = udp(responder, withEdns(query("nope.example.", Type.A), 4096, 0, 0));
    assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(nx.getOPT()).isNotNull();
  }

  @Test
  @DisplayName("BADVERS for version 1: rcode 16 split between header (0) and OPT (1), OPT version 0, no answer")
  void badvers() {
    Message m = udp(responder, withEdns(query("www.example.", Type.A), 4096, 1, 0));
    assertThat(m.getRcode()).isEqualTo(Rcode.BADVERS);
    assertThat(m.getHeader().getRcode()).isZero();
    assertThat(m.getOPT().getExtendedRcode()).isEqualTo(1);
    assertThat(m.getOPT().getVersion()).isZero();
    assertThat(answer(m)).isEmpty();
    assertThat(m.getSection(Section.AUTHORITY)).isEmpty();
    assertThat(m.getQuestion().getName()).hasToString("www.example.");
  }

  @Test
  @DisplayName("DO is echoed")
  void doEchoed() {
    Message m = udp(responder, withEdns(query("www.example.", Type.A), 4096, 0, ExtendedFlags.DO));
    assertThat(m.getOPT().getFlags()).isEqualTo(ExtendedFlags.DO);
  }

  @Test
  @DisplayName("unknown flags are not echoed")
  void unknownFlagsNotEchoed() {
    Message m = udp(responder, withEdns(query("www.example.", Type.A), 4096, 0, 0x4080));
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(m.getOPT().getFlags()).isZero();
    Message withDo = udp(responder, withEdns(query("www.example.", Type.A), 4096, 0, ExtendedFlags.DO | 0x0001));
    assertThat(withDo.getOPT().getFlags()).isEqualTo(ExtendedFlags.DO);
  }

  @Test
  @DisplayName("unknown options are not echoed")
  void unknownOptionsNotEchoed() {
    Message m =
        udp(responder, withEdns(query("www.example.", Type.A), 4096, 0, 0, new GenericEDNSOption(100, new byte[] {1, 2})));
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answer(m)).hasSize(1);
    assertThat(m.getOPT().getOptions()).isEmpty();
  }

  @Test
  @DisplayName("NSID is returned when configured and asked for with an empty option")
  void nsidReturned() {
    Message m = udp(withNsid, withEdns(query("www.example.", Type.A), 4096, 0, 0, new NSIDOption(new byte[0])));
    assertThat(m.getOPT().getOptions(EDNSOption.Code.NSID)).containsExactly(new NSIDOption(NSID));
  }

  @Test
  @DisplayName("NSID is not returned unasked, nor when not configured")
  void nsidOnlyWhenAskedAndConfigured() {
    assertThat(udp(withNsid, withEdns(query("www.example.", Type.A), 4096, 0, 0)).getOPT().getOptions()).isEmpty();
    Message unconfigured =
        udp(responder, withEdns(query("www.example.", Type.A), 4096, 0, 0, new NSIDOption(new byte[0])));
    assertThat(unconfigured.getOPT().getOptions()).isEmpty();
  }

  @Test
  @DisplayName("two OPT records are FORMERR")
  void twoOptsFormerr() {
    Message q = withEdns(withEdns(query("www.example.", Type.A), 4096, 0, 0), 1232, 0, 0);
    assertFormerr(q);
  }

  @Test
  @DisplayName("an OPT record in the answer or authority section is FORMERR")
  void optOutsideAdditionalFormerr() {
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
      Message q = query("www.example.", Type.A);
      q.addRecord(new OPTRecord(4096, 0, 0), section);
      assertFormerr(q);
    }
  }

  @Test
  @DisplayName("a COOKIE option of 5 bytes is FORMERR, and the FORMERR carries our OPT with DO echoed (RFC 6891 §7)")
  void badCookieFormerrKeepsOpt() {
    Message q = withEdns(query("www.example.", Type.A), 4096, 0, ExtendedFlags.DO, new GenericEDNSOption(10, new byte[5]));
    Message m = assertFormerr(q);
    assertThat(m.getOPT().getPayloadSize()).isEqualTo(1232);
    assertThat(m.getOPT().getFlags() & ExtendedFlags.DO).isEqualTo(ExtendedFlags.DO);
    Message withoutDo = assertFormerr(withEdns(query("www.example.", Type.A), 4096, 0, 0, new GenericEDNSOption(10, new byte[5])));
    assertThat(withoutDo.getOPT().getFlags()).isZero();
  }

  @Test
  @DisplayName("a FORMERR for an unreadable request without an OPT record carries none")
  void formerrWithoutEdnsHasNoOpt() {
    byte[] wire = query("www.example.", Type.A).toWire();
    byte[] cut = java.util.Arrays.copyOf(wire, wire.length - 2); // the question ends early
    Message m = Fixture.parse(responder.respond(cut, cut.length, CLIENT, false, NO_REPLIER));
    assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);
    assertThat(m.getOPT()).isNull();
  }

  /** Asserts the answer is FORMERR with the query's ID, nothing in it but our OPT record. */
  private Message assertFormerr(Message q) {
    byte[] wire = q.toWire();
    Message m = Fixture.parse(responder.respond(wire, wire.length, CLIENT, false, NO_REPLIER));
    assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);
    assertThat(m.getHeader().getID()).isEqualTo(q.getHeader().getID());
    assertThat(answer(m)).isEmpty();
    assertThat(m.getOPT()).as("an OPT record, as the request had one").isNotNull();
    assertThat(m.getOPT().getVersion()).isZero();
    assertThat(m.getSection(Section.ADDITIONAL)).hasSize(1);
    return m;
  }
}
