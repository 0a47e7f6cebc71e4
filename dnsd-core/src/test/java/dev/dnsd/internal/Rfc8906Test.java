package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.aa;
import static dev.dnsd.internal.Fixture.answer;
import static dev.dnsd.internal.Fixture.ask;
import static dev.dnsd.internal.Fixture.authority;
import static dev.dnsd.internal.Fixture.query;
import static dev.dnsd.internal.Fixture.table;
import static dev.dnsd.internal.Fixture.tc;
import static dev.dnsd.internal.Fixture.withEdns;
import static dev.dnsd.internal.Fixture.zone;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The checks of RFC 8906 §8 ("Testing"), one test each, as the dig queries there ask them: for the
 * SOA at the apex of a served zone, RD=0, AD=0, no cookie.
 */
class Rfc8906Test {
  private static final String SOA = "example. 3600 IN SOA ns1.example. hostmaster.example. 1 7200 3600 1209600 300";
  private static final int UNKNOWN_OPTION = 100;
  private static final int UNKNOWN_FLAG = 0x80; // dig +ednsflags=0x80: a must-be-zero bit

  private final Responder responder =
      new Responder(() -> table(zone("example.", dnskeys())), ServerConfig.defaults());

  /** A DNSKEY RRset far over 512 bytes, for the truncation check. */
  private static String[] dnskeys() {
    String[] keys = new String[4];
    for (int i = 0; i < keys.length; i++) {
      byte[] key = new byte[260];
      key[0] = 3;
      key[1] = (byte) i;
      keys[i] = "@ DNSKEY 256 3 8 " + Base64.getEncoder().encodeToString(key);
    }
    return keys;
  }

  private static Message soa(boolean tcp) {
    return query("example.", Type.SOA);
  }

  private static void assertSoaAnswer(Message m) {
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).containsExactly(SOA);
  }

  private static void assertOptVersion0(Message m) {
    OPTRecord opt = m.getOPT();
    assertThat(opt).isNotNull();
    assertThat(opt.getVersion()).isZero();
  }

  // 8.1. Testing - Basic DNS

  @Test
  @DisplayName("8.1.1 dig +norec +noedns soa: the SOA, NOERROR, AA, no OPT")
  void serverConfiguredForZone() {
    Message m = ask(responder, soa(false), false);
    assertSoaAnswer(m);
    assertThat(m.getOPT()).isNull();
  }

  @Test
  @DisplayName("8.1.2 dig +norec +noedns type1000: NOERROR, AA, empty answer, SOA in authority")
  void unknownTypes() {
    Message m = ask(responder, query("example.", 1000), false);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).isEmpty();
    assertThat(authority(m)).hasSize(1).allMatch(r -> r.contains(" SOA "));
    assertThat(m.getOPT()).isNull();
  }

  @Test
  @DisplayName("8.1.3.1 dig +norec +noedns +cd soa: the SOA, and CD copied")
  void cdBit() {
    Message q = soa(false);
    q.getHeader().setFlag(Flags.CD);
    Message m = ask(responder, q, false);
    assertSoaAnswer(m);
    assertThat(m.getHeader().getFlag(Flags.CD)).isTrue();
  }

  @Test
  @DisplayName("8.1.3.2 dig +norec +noedns +ad soa: the SOA, AD clear (we do not validate)")
  void adBit() {
    Message q = soa(false);
    q.getHeader().setFlag(Flags.AD);
    Message m = ask(responder, q, false);
    assertSoaAnswer(m);
    assertThat(m.getHeader().getFlag(Flags.AD)).isFalse();
  }

  @Test
  @DisplayName("8.1.3.3 dig +norec +noedns +zflag soa: the SOA, Z clear")
  void reservedZBit() {
    byte[] wire = soa(false).toWire();
    wire[3] |= 0x40;
    byte[] out = responder.respond(wire, wire.length, Fixture.CLIENT, false, Fixture.NO_REPLIER);
    assertSoaAnswer(Fixture.parse(out));
    assertThat(out[3] & 0x40).isZero();
  }

  @Test
  @DisplayName("8.1.4 dig +noedns +opcode=15 +norec +header-only: NOTIMP, no SOA, AA clear")
  void unknownOpcodes() {
    Message q = new Message(99);
    q.getHeader().setOpcode(15);
    Message m = ask(responder, q, false);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOTIMP);
    assertThat(m.getHeader().getOpcode()).isEqualTo(15);
    assertThat(m.getHeader().getID()).isEqualTo(99);
    assertThat(aa(m)).isFalse();
    assertThat(answer(m)).isEmpty();
    assertThat(authority(m)).isEmpty();
  }

  @Test
  @DisplayName("8.1.5 dig +norec +noedns +tcp soa: the SOA over TCP")
  void tcp() {
    assertSoaAnswer(ask(responder, soa(true), true));
  }

  // 8.2. Testing - Extended DNS

  @Test
  @DisplayName("8.2.1 dig +norec +edns=0 soa: the SOA, OPT version 0, no options")
  void minimalEdns() {
    Message m = ask(responder, withEdns(soa(false), 4096, 0, 0), false);
    assertSoaAnswer(m);
    assertOptVersion0(m);
    assertThat(m.getOPT().getOptions()).isEmpty();
  }

  @Test
  @DisplayName("8.2.2 dig +norec +edns=1 +noednsneg soa: BADVERS, OPT version 0, no SOA")
  void ednsVersionNegotiation() {
    Message m = ask(responder, withEdns(soa(false), 4096, 1, 0), false);
    assertThat(m.getRcode()).isEqualTo(Rcode.BADVERS);
    assertOptVersion0(m);
    assertThat(answer(m)).isEmpty();
  }

  @Test
  @DisplayName("8.2.3 dig +norec +edns=0 +ednsopt=100 soa: the SOA, OPT version 0 without option 100")
  void unknownEdnsOptions() {
    Message m = ask(responder, withEdns(soa(false), 4096, 0, 0, new GenericEDNSOption(UNKNOWN_OPTION, new byte[0])), false);
    assertSoaAnswer(m);
    assertOptVersion0(m);
    assertThat(m.getOPT().getOptions(UNKNOWN_OPTION)).isEmpty();
  }

  @Test
  @DisplayName("8.2.4 dig +norec +edns=0 +ednsflags=0x80 soa: the SOA, OPT version 0, the flag clear")
  void unknownEdnsFlags() {
    Message m = ask(responder, withEdns(soa(false), 4096, 0, UNKNOWN_FLAG), false);
    assertSoaAnswer(m);
    assertOptVersion0(m);
    assertThat(m.getOPT().getFlags() & UNKNOWN_FLAG).isZero();
  }

  @Test
  @DisplayName("8.2.5 dig +norec +edns=1 +noednsneg +ednsflags=0x80 soa: BADVERS, OPT version 0, flag clear, no SOA")
  void versionNegotiationWithUnknownFlag() {
    Message m = ask(responder, withEdns(soa(false), 4096, 1, UNKNOWN_FLAG), false);
    assertThat(m.getRcode()).isEqualTo(Rcode.BADVERS);
    assertOptVersion0(m);
    assertThat(m.getOPT().getFlags() & UNKNOWN_FLAG).isZero();
    assertThat(answer(m)).isEmpty();
  }

  @Test
  @DisplayName("8.2.6 dig +norec +edns=1 +noednsneg +ednsopt=100 soa: BADVERS, OPT version 0 without option, no SOA")
  void versionNegotiationWithUnknownOption() {
    EDNSOption option = new GenericEDNSOption(UNKNOWN_OPTION, new byte[0]);
    Message m = ask(responder, withEdns(soa(false), 4096, 1, 0, option), false);
    assertThat(m.getRcode()).isEqualTo(Rcode.BADVERS);
    assertOptVersion0(m);
    assertThat(m.getOPT().getOptions()).isEmpty();
    assertThat(answer(m)).isEmpty();
  }

  @Test
  @DisplayName("8.2.7 dig +norec +dnssec +bufsize=512 +ignore dnskey: NOERROR, OPT version 0, TC (it does not fit)")
  void truncatedResponses() {
    Message q = withEdns(query("example.", Type.DNSKEY), 512, 0, ExtendedFlags.DO);
    byte[] wire = q.toWire();
    byte[] out = responder.respond(wire, wire.length, Fixture.CLIENT, false, Fixture.NO_REPLIER);
    assertThat(out).isNotNull();
    assertThat(out.length).isLessThanOrEqualTo(512);
    Message m = Fixture.parse(out);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertOptVersion0(m);
    assertThat(m.getOPT().getFlags()).isEqualTo(ExtendedFlags.DO);
    assertThat(tc(m)).isTrue();
    assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
    // and the whole RRset over TCP
    assertThat(answer(ask(responder, withEdns(query("example.", Type.DNSKEY), 512, 0, ExtendedFlags.DO), true))).hasSize(4);
  }

  @Test
  @DisplayName("8.2.8 dig +norec +edns=0 +dnssec soa: the SOA, OPT version 0 with DO=1")
  void doBit() {
    Message m = ask(responder, withEdns(soa(false), 4096, 0, ExtendedFlags.DO), false);
    assertSoaAnswer(m);
    assertOptVersion0(m);
    assertThat(m.getOPT().getFlags() & ExtendedFlags.DO).isNotZero();
  }

  @Test
  @DisplayName("8.2.9 dig +norec +edns=0 +tcp soa: the SOA, OPT version 0, over TCP")
  void ednsOverTcp() {
    Message m = ask(responder, withEdns(soa(true), 4096, 0, 0), true);
    assertSoaAnswer(m);
    assertOptVersion0(m);
    assertThat(tc(m)).isFalse();
  }
}
