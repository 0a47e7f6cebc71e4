package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.CLIENT;
import static dev.dnsd.internal.Fixture.NO_REPLIER;
import static dev.dnsd.internal.Fixture.name;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.dnssec.DnssecAlgorithm;
import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.dnssec.Signer;
import dev.dnsd.dnssec.SigningKey;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The direct encoding of cache misses ({@link DirectAnswer}) against the full path (dnsjava's
 * parse, {@link Lookup}, dnsjava's encoder): for many names, types and EDNS shapes the two
 * responders must send the same bytes, and the cases the direct encoding is for must take it.
 */
class DirectAnswerTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final SigningKey KEY =
      SigningKey.generate(name("signed.test."), DnssecAlgorithm.ECDSAP256SHA256, true);

  /** A zone with its origin in mixed case, so that pointers must match names ignoring case. */
  private static final Zone MAIN =
      Fixture.zone(
          "Example.COM.",
          "ns1 A 192.0.2.1",
          "www A 192.0.2.2",
          "www AAAA 2001:db8::2",
          "www TXT \"one\" \"two\"",
          "Mail MX 10 www",
          "_sip._tcp SRV 10 60 5060 www",
          "alias CNAME www",
          "a.b.c TXT \"below two empty non-terminals\"",
          "*.dyn 300 A 192.0.2.14",
          "*.dyn 300 A 192.0.2.15",
          "*.dyn AAAA 2001:db8::14",
          "*.dyn TXT \"wild\" \"card\"",
          "*.dyn CAA 0 issue \"ca.example.net\"",
          "*.dyn HINFO \"pc\" \"os\"",
          "*.dyn SSHFP 1 1 " + "ab".repeat(20),
          "*.dyn MX 10 www",
          "*.DEEP.x.y A 192.0.2.16",
          "*.cname CNAME www",
          "*.tocname CNAME www.example.com.",
          "*.big TXT \"" + "x".repeat(250) + "\" \"" + "y".repeat(250) + "\"",
          "*.big TXT \"" + "z".repeat(250) + "\"",
          "*.ent.e TXT \"wildcard below an empty non-terminal\"",
          "e.*.odd A 192.0.2.17",
          "sub NS ns1.sub",
          "sub NS NS2.Sub",
          "sub NS ns.other",
          "sub NS ns.outside.test.",
          "ns1.sub A 192.0.2.21",
          "ns1.sub AAAA 2001:db8::21",
          "ns2.sub A 192.0.2.22",
          "ns.other A 192.0.2.23",
          "bare NS ns.outside.test.",
          "dn DNAME example.net.",
          "wide NS ns1.wide",
          "wide NS ns2.wide",
          "wide NS ns3.wide",
          "wide NS ns4.wide",
          "ns1.wide TXT \"no address\"",
          "ns1.wide A 192.0.2.31",
          "ns2.wide A 192.0.2.32",
          "ns3.wide A 192.0.2.33",
          "ns4.wide A 192.0.2.34",
          "ns1.wide AAAA 2001:db8::31",
          "ns2.wide AAAA 2001:db8::32",
          "ns3.wide AAAA 2001:db8::33",
          "ns4.wide AAAA 2001:db8::34");

  /** A child zone served beside its parent, with an SOA TTL below its MINIMUM. */
  private static final Zone CHILD =
      Zone.of(
          name("child.example.com."),
          Fixture.parse(
              String.join("\n",
                  "$ORIGIN child.example.com.",
                  "@ 60 SOA ns.child hostmaster.example.com. 7 7200 3600 1209600 600",
                  "@ 3600 NS ns.child",
                  "ns 3600 A 192.0.2.40",
                  "* 3600 TXT \"child wildcard\"",
                  ""),
              "child.example.com."));

  private static final Zone SIGNED = signed();

  private static final ZoneTable TABLE = Fixture.table(MAIN, CHILD, SIGNED);

  private static Zone signed() {
    Zone plain = Fixture.zone("signed.test.", "www A 192.0.2.50", "*.wild TXT \"signed wildcard\"");
    Signer signer =
        new Signer(DnssecPolicy.builder().build(), List.of(KEY), List.of(KEY), List.of(KEY.dnskey()), NOW);
    return plain.edit().signAll(signer).build();
  }

  private static final List<String> NAMES =
      List.of(
          // NXDOMAIN at several depths, in several cases
          "x-abc.example.com.", "X-ABC.EXAMPLE.COM.", "q.r.s.t.example.com.", "nope.www.example.com.",
          "deep.nope.a.b.c.example.com.", "nope.x.y.example.com.", "e.nope.odd.example.com.",
          // empty non-terminals and existing names
          "b.c.example.com.", "c.example.com.", "a.b.c.example.com.", "www.example.com.",
          "WWW.Example.com.", "example.com.", "EXAMPLE.COM.", "mail.example.com.", "alias.example.com.",
          "_sip._tcp.example.com.", "x.y.example.com.", "ent.e.example.com.", "*.odd.example.com.",
          // wildcards, one and several labels below the closest encloser
          "random.dyn.example.com.", "Random.DYN.example.COM.", "a.b.c.dyn.example.com.",
          "*.dyn.example.com.", "zz.deep.x.y.example.com.", "w.cname.example.com.",
          "w.tocname.example.com.", "w.big.example.com.", "w.ent.e.example.com.", "q.e.odd.example.com.",
          // referrals, with glue inside the child, sibling glue and none
          "x.sub.example.com.", "sub.example.com.", "ns1.sub.example.com.", "a.b.SUB.example.com.",
          "x.bare.example.com.", "x.wide.example.com.",
          // DNAME, the child zone, the signed zone
          "x.dn.example.com.", "dn.example.com.", "child.example.com.", "x-y.child.example.com.",
          "q.child.example.com.", "nope.ns.child.example.com.", "www.signed.test.",
          "nope.signed.test.", "x.wild.signed.test.", "signed.test.");

  private static final int[] TYPES = {
    Type.A, Type.AAAA, Type.TXT, Type.MX, Type.CAA, Type.HINFO, Type.SSHFP, Type.CNAME, Type.SOA,
    Type.NS, Type.SRV, Type.PTR, Type.ANY, Type.DS, Type.DNAME, Type.RRSIG, Type.NSEC
  };

  /** The query shapes: no EDNS, EDNS with and without DO, NSID, a cookie, a small and a large payload. */
  private static List<Message> shapes(Name qname, int qtype) {
    List<Message> out = new ArrayList<>();
    for (int shape = 0; shape < 6; shape++) {
      Message q = Message.newQuery(Record.newRecord(qname, qtype, DClass.IN));
      q.getHeader().setID(0x1234 + shape);
      if (shape % 2 == 0) {
        q.getHeader().unsetFlag(Flags.RD);
      }
      if (shape == 5) {
        q.getHeader().setFlag(Flags.CD);
      }
      switch (shape) {
        case 1 -> Fixture.withEdns(q, 1232, 0, 0);
        case 2 -> Fixture.withEdns(q, 512, 0, ExtendedFlags.DO);
        case 3 -> Fixture.withEdns(q, 4096, 0, 0, new GenericEDNSOption(EDNSOption.Code.NSID, new byte[0]));
        case 4 -> Fixture.withEdns(q, 1400, 0, ExtendedFlags.DO, new CookieOption(HexFormat.of().parseHex("0102030405060708")));
        case 5 -> Fixture.withEdns(q, 600, 0, 0);
        default -> { }
      }
      out.add(q);
    }
    return out;
  }

  private static ServerConfig config(long cacheBytes) {
    return ServerConfig.defaults()
        .withAnswerCacheBytes(cacheBytes)
        .withNsid("dnsd-test".getBytes(StandardCharsets.US_ASCII))
        .withCookieSecret(HexFormat.of().parseHex("00112233445566778899aabbccddeeff"))
        .withClock(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static Responder responder(boolean direct, long cacheBytes) {
    return new Responder(() -> TABLE, () -> Set.of(), config(cacheBytes), new QueryCounters(), direct);
  }

  private static byte @Nullable [] ask(Responder responder, byte[] wire, boolean tcp) {
    return responder.respond(wire, wire.length, CLIENT, tcp, NO_REPLIER);
  }

  /** Whether the direct encoding answers the query by itself, and its bytes. */
  private static int directLength(byte[] wire, boolean tcp, byte[] out) {
    WireQuery q = new WireQuery();
    assertThat(q.parse(wire, wire.length, tcp, ServerConfig.defaults().maxUdpPayload())).isTrue();
    return new DirectAnswer(new DirectAnswer.Memo()).answer(TABLE, Set.of(), wire, q, out, q.limit, null);
  }

  @Test
  @DisplayName("for every name, type and EDNS shape, the direct encoding sends the full path's bytes")
  void sameBytesAsTheFullPath() {
    Responder full = responder(false, 0);
    Responder direct = responder(true, 0);
    Responder directCached = responder(true, ServerConfig.defaults().answerCacheBytes());
    int compared = 0;
    for (String text : NAMES) {
      for (int qtype : TYPES) {
        for (Message query : shapes(name(text), qtype)) {
          byte[] wire = query.toWire();
          for (boolean tcp : new boolean[] {false, true}) {
            String what = text + " " + Type.string(qtype) + " tcp=" + tcp + "\n" + query;
            byte[] expected = ask(full, wire, tcp);
            assertThat(ask(direct, wire, tcp)).as(what).isEqualTo(expected);
            // Twice: the second comes from the cache that the first filled.
            assertThat(ask(directCached, wire, tcp)).as(what).isEqualTo(expected);
            assertThat(ask(directCached, wire, tcp)).as(what).isEqualTo(expected);
            compared++;
          }
        }
      }
    }
    assertThat(compared).isEqualTo(NAMES.size() * TYPES.length * 6 * 2);
  }

  @Test
  @DisplayName("random names in a zone (NXDOMAIN, wildcard, referral, NODATA) take the direct encoding")
  void missesAreEncodedDirectly() {
    byte[] out = new byte[65535];
    for (String text : List.of(
        "x-abc.example.com.", "q.r.s.t.example.com.", "random.dyn.example.com.", "a.b.c.dyn.example.com.",
        "zz.deep.x.y.example.com.", "x.sub.example.com.", "a.b.sub.example.com.", "x.wide.example.com.",
        "b.c.example.com.", "q.child.example.com.", "nope.signed.test.", "x.wild.signed.test.")) {
      byte[] wire = Fixture.query(text, Type.A).toWire();
      assertThat(directLength(wire, false, out)).as(text).isPositive();
    }
  }

  @Test
  @DisplayName("what the direct encoding leaves to the full path: chains, additional targets, ANY, DS, DO=1 on a signed zone, cuts")
  void leftToTheFullPath() {
    byte[] out = new byte[65535];
    List<Object[]> cases = List.of(
        new Object[] {"w.cname.example.com.", Type.A},
        new Object[] {"alias.example.com.", Type.A},
        new Object[] {"random.dyn.example.com.", Type.MX},
        new Object[] {"example.com.", Type.NS},
        new Object[] {"random.dyn.example.com.", Type.ANY},
        new Object[] {"sub.example.com.", Type.DS},
        new Object[] {"x.dn.example.com.", Type.A},
        new Object[] {"w.big.example.com.", Type.TXT});
    for (Object[] c : cases) {
      byte[] wire = Fixture.query((String) c[0], (Integer) c[1]).toWire();
      assertThat(directLength(wire, false, out)).as(c[0] + " " + Type.string((Integer) c[1])).isEqualTo(DirectAnswer.FALLBACK);
    }
    Message signedQuery = Fixture.withEdns(Fixture.query("nope.signed.test.", Type.A), 1232, 0, ExtendedFlags.DO);
    byte[] signedWire = signedQuery.toWire();
    assertThat(directLength(signedWire, false, out)).isEqualTo(DirectAnswer.FALLBACK);
    // Over TCP the big wildcard fits whole.
    assertThat(directLength(Fixture.query("w.big.example.com.", Type.TXT).toWire(), true, out)).isPositive();
  }

  @Test
  @DisplayName("an NXDOMAIN holds the SOA with the negative TTL; its names point into the question, so read in its case")
  void nxdomainShape() {
    Message m = Fixture.udp(responder(true, 0), Fixture.query("x-Q.EXAMPLE.com.", Type.A));
    assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(Fixture.aa(m)).isTrue();
    assertThat(Fixture.authority(m))
        .containsExactly("EXAMPLE.com. 300 IN SOA ns1.EXAMPLE.com. hostmaster.EXAMPLE.com. 1 7200 3600 1209600 300");
    Message child = Fixture.udp(responder(true, 0), Fixture.query("x-y.child.example.com.", Type.A));
    assertThat(Fixture.authority(child)).singleElement().asString().startsWith("child.example.com. 60 IN SOA");
  }
}
