package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.aa;
import static dev.dnsd.internal.Fixture.name;
import static dev.dnsd.internal.Fixture.query;
import static dev.dnsd.internal.Fixture.tc;
import static dev.dnsd.internal.Fixture.udp;
import static dev.dnsd.internal.Fixture.withEdns;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.dnssec.DnssecAlgorithm;
import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.dnssec.Signer;
import dev.dnsd.dnssec.SigningKey;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers to DO=1 queries from signed zones, case by case as RFC 4035 §3.1 and RFC 5155 §7.2 have
 * them: each answer's RRsets carry signatures that verify with the zone's DNSKEY, and each denial
 * proves what it should (checked here from the NSEC and NSEC3 records themselves).
 */
class DnssecAnswerTest {
  private static final Instant NOW = Instant.now();
  private static final SigningKey KEY =
      SigningKey.generate(name("example.com."), DnssecAlgorithm.ECDSAP256SHA256, true);

  private static Zone signedZone(DnssecPolicy.Denial denial) {
    Zone plain = Fixture.zone("example.com.",
        "ns1 A 192.0.2.1",
        "www A 192.0.2.2",
        "mail MX 10 www",
        "a.b.c TXT \"below two empty non-terminals\"",
        "*.wild TXT \"wildcard\"",
        "secure NS ns.elsewhere.example.",
        "secure DS 12345 13 2 " + "AB".repeat(32),
        "insecure NS ns.insecure",
        "ns.insecure A 192.0.2.3",
        "big TXT \"" + "x".repeat(200) + "\"",
        "big TXT \"" + "y".repeat(200) + "\"");
    DNSKEYRecord k = KEY.dnskey();
    List<Record> apex = List.of(k,
        new CDSRecord(k.getName(), DClass.IN, k.getTTL(), DSRecord.SHA256_DIGEST_ID, k),
        new CDNSKEYRecord(k.getName(), DClass.IN, k.getTTL(), k.getFlags(), k.getProtocol(), k.getAlgorithm(), k.getKey()));
    Signer signer = new Signer(DnssecPolicy.builder().denial(denial).build(), List.of(KEY), List.of(KEY), apex, NOW);
    return plain.edit().signAll(signer).build();
  }

  private static Message ask(Zone zone, String qname, int qtype) {
    return udp(new Responder(() -> Fixture.table(zone), ServerConfig.defaults()), dnssecQuery(qname, qtype, 1232));
  }

  private static Message dnssecQuery(String qname, int qtype, int payload) {
    return withEdns(query(qname, qtype), payload, 0, ExtendedFlags.DO);
  }

  /** Every RRset of the answer and authority sections has a signature that verifies. */
  private static void allSigned(Zone zone, Message m) throws DNSSEC.DNSSECException {
    DNSKEYRecord key = (DNSKEYRecord) zone.rrset(zone.origin(), Type.DNSKEY).first();
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
      Map<String, List<Record>> sets = new LinkedHashMap<>();
      Map<String, List<RRSIGRecord>> sigs = new LinkedHashMap<>();
      for (Record r : m.getSection(section)) {
        String k = r.getName() + "/" + r.getRRsetType();
        if (r instanceof RRSIGRecord sig) {
          sigs.computeIfAbsent(k, x -> new ArrayList<>()).add(sig);
        } else {
          sets.computeIfAbsent(k, x -> new ArrayList<>()).add(r);
        }
      }
      for (Map.Entry<String, List<Record>> e : sets.entrySet()) {
        Record first = e.getValue().get(0);
        boolean unsignedReferral = section == Section.AUTHORITY && first.getType() == Type.NS && !aa(m);
        if (unsignedReferral || first.getType() == Type.CNAME && sigs.get(e.getKey()) == null && isDnameSynthesis(m)) {
          continue;
        }
        assertThat(sigs.get(e.getKey())).as("signatures of %s", e.getKey()).isNotNull();
        for (RRSIGRecord sig : sigs.get(e.getKey())) {
          DNSSEC.verify(new RRset(e.getValue()), sig, key, NOW);
        }
      }
    }
  }

  private static boolean isDnameSynthesis(Message m) {
    return m.getSection(Section.ANSWER).stream().anyMatch(r -> r.getType() == Type.DNAME);
  }

  private static List<NSECRecord> nsecs(Message m) {
    List<NSECRecord> out = new ArrayList<>();
    for (Record r : m.getSection(Section.AUTHORITY)) {
      if (r instanceof NSECRecord n) {
        out.add(n);
      }
    }
    return out;
  }

  private static List<NSEC3Record> nsec3s(Message m) {
    List<NSEC3Record> out = new ArrayList<>();
    for (Record r : m.getSection(Section.AUTHORITY)) {
      if (r instanceof NSEC3Record n) {
        out.add(n);
      }
    }
    return out;
  }

  /** Whether the NSEC's interval has the name strictly inside (RFC 4035 §5.4). */
  private static boolean covers(NSECRecord nsec, Name name) {
    Name from = nsec.getName();
    Name to = nsec.getNext();
    return to.compareTo(from) > 0
        ? name.compareTo(from) > 0 && name.compareTo(to) < 0
        : name.compareTo(from) > 0 || name.compareTo(to) < 0;
  }

  private static byte[] hash(Name name) {
    try {
      return new NSEC3PARAMRecord(name("example.com."), 1, 0, 1, 0, 0, new byte[0]).hashName(name);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] ownerHash(NSEC3Record r) {
    return new org.xbill.DNS.utils.base32(org.xbill.DNS.utils.base32.Alphabet.BASE32HEX, false, false)
        .fromString(r.getName().getLabelString(0).toUpperCase());
  }

  private static boolean nsec3Matches(List<NSEC3Record> records, Name name) {
    return records.stream().anyMatch(r -> Arrays.equals(ownerHash(r), hash(name)));
  }

  private static boolean nsec3Covers(List<NSEC3Record> records, Name name) {
    byte[] h = hash(name);
    for (NSEC3Record r : records) {
      byte[] from = ownerHash(r);
      byte[] to = r.getNext();
      boolean inside = Arrays.compareUnsigned(to, from) > 0
          ? Arrays.compareUnsigned(h, from) > 0 && Arrays.compareUnsigned(h, to) < 0
          : Arrays.compareUnsigned(h, from) > 0 || Arrays.compareUnsigned(h, to) < 0;
      if (inside) {
        return true;
      }
    }
    return false;
  }

  private static NSEC3Record matching(List<NSEC3Record> records, Name name) {
    return records.stream().filter(r -> Arrays.equals(ownerHash(r), hash(name))).findFirst().orElseThrow();
  }

  @ParameterizedTest
  @EnumSource(DnssecPolicy.Denial.class)
  @DisplayName("a positive answer carries the RRset's signature; without DO it is as an unsigned zone's")
  void positive(DnssecPolicy.Denial denial) throws Exception {
    Zone zone = signedZone(denial);
    Message m = ask(zone, "www.example.com.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(m.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.A, Type.RRSIG);
    allSigned(zone, m);
    Message plain = udp(Fixture.table(zone), "www.example.com.", Type.A);
    assertThat(plain.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.A);
    assertThat(plain.getSection(Section.AUTHORITY)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(DnssecPolicy.Denial.class)
  @DisplayName("name error: the name and the wildcard at its closest encloser are proved not to exist")
  void nxdomain(DnssecPolicy.Denial denial) throws Exception {
    Zone zone = signedZone(denial);
    Message m = ask(zone, "nope.b.c.example.com.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    allSigned(zone, m);
    if (denial == DnssecPolicy.Denial.NSEC) {
      assertThat(nsecs(m)).anyMatch(n -> covers(n, name("nope.b.c.example.com.")));
      assertThat(nsecs(m)).anyMatch(n -> covers(n, name("*.b.c.example.com.")));
    } else {
      // Closest encloser b.c (an empty non-terminal) matched, next closer and wildcard covered.
      assertThat(nsec3Matches(nsec3s(m), name("b.c.example.com."))).isTrue();
      assertThat(nsec3Covers(nsec3s(m), name("nope.b.c.example.com."))).isTrue();
      assertThat(nsec3Covers(nsec3s(m), name("*.b.c.example.com."))).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(DnssecPolicy.Denial.class)
  @DisplayName("no data: the name's own denial record lacks the type; an empty non-terminal's proof shows it has none")
  void nodata(DnssecPolicy.Denial denial) throws Exception {
    Zone zone = signedZone(denial);
    Message m = ask(zone, "www.example.com.", Type.TXT);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(m.getSection(Section.ANSWER)).isEmpty();
    allSigned(zone, m);
    Message ent = ask(zone, "b.c.example.com.", Type.A);
    assertThat(ent.getRcode()).isEqualTo(Rcode.NOERROR);
    allSigned(zone, ent);
    if (denial == DnssecPolicy.Denial.NSEC) {
      assertThat(nsecs(m)).singleElement().satisfies(n -> {
        assertThat(n.getName()).isEqualTo(name("www.example.com."));
        assertThat(n.hasType(Type.TXT)).isFalse();
      });
      // RFC 4035 §3.1.3.2: the NSEC before the empty non-terminal, whose next name is below it.
      assertThat(nsecs(ent)).singleElement().satisfies(n -> {
        assertThat(covers(n, name("b.c.example.com."))).isTrue();
        assertThat(n.getNext().subdomain(name("b.c.example.com."))).isTrue();
      });
    } else {
      assertThat(matching(nsec3s(m), name("www.example.com.")).hasType(Type.TXT)).isFalse();
      assertThat(matching(nsec3s(ent), name("b.c.example.com.")).getTypes()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(DnssecPolicy.Denial.class)
  @DisplayName("a wildcard answer is signed as the wildcard and proves the query name does not exist")
  void wildcard(DnssecPolicy.Denial denial) throws Exception {
    Zone zone = signedZone(denial);
    Message m = ask(zone, "any.wild.example.com.", Type.TXT);
    assertThat(m.getSection(Section.ANSWER)).allSatisfy(r -> assertThat(r.getName()).isEqualTo(name("any.wild.example.com.")));
    RRSIGRecord sig = (RRSIGRecord) m.getSection(Section.ANSWER).stream().filter(r -> r instanceof RRSIGRecord).findFirst().orElseThrow();
    assertThat(sig.getLabels()).as("the labels of *.wild.example.com. without the *").isEqualTo(3);
    allSigned(zone, m);
    if (denial == DnssecPolicy.Denial.NSEC) {
      assertThat(nsecs(m)).anyMatch(n -> covers(n, name("any.wild.example.com.")));
    } else {
      assertThat(nsec3Covers(nsec3s(m), name("any.wild.example.com."))).isTrue();
    }
    Message nodata = ask(zone, "any.wild.example.com.", Type.A);
    assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
    allSigned(zone, nodata);
    if (denial == DnssecPolicy.Denial.NSEC) {
      assertThat(nsecs(nodata)).anyMatch(n -> covers(n, name("any.wild.example.com.")));
      assertThat(nsecs(nodata)).anyMatch(n -> n.getName().equals(name("*.wild.example.com.")) && !n.hasType(Type.A));
    } else {
      assertThat(nsec3Matches(nsec3s(nodata), name("wild.example.com."))).isTrue();
      assertThat(nsec3Covers(nsec3s(nodata), name("any.wild.example.com."))).isTrue();
      assertThat(matching(nsec3s(nodata), name("*.wild.example.com.")).hasType(Type.A)).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(DnssecPolicy.Denial.class)
  @DisplayName("referrals carry the signed DS, or the proof that the delegation has none; DS queries are answered by the parent")
  void referrals(DnssecPolicy.Denial denial) throws Exception {
    Zone zone = signedZone(denial);
    Message secure = ask(zone, "www.secure.example.com.", Type.A);
    assertThat(aa(secure)).isFalse();
    assertThat(secure.getSection(Section.AUTHORITY)).extracting(Record::getType)
        .containsExactly(Type.NS, Type.DS, Type.RRSIG);
    allSigned(zone, secure);
    Message insecure = ask(zone, "www.insecure.example.com.", Type.A);
    assertThat(insecure.getSection(Section.ADDITIONAL)).anyMatch(r -> r.getType() == Type.A);
    assertThat(insecure.getSection(Section.ADDITIONAL)).noneMatch(r -> r.getType() == Type.RRSIG);
    allSigned(zone, insecure);
    if (denial == DnssecPolicy.Denial.NSEC) {
      assertThat(nsecs(insecure)).singleElement().satisfies(n -> {
        assertThat(n.getName()).isEqualTo(name("insecure.example.com."));
        assertThat(n.hasType(Type.NS)).isTrue();
        assertThat(n.hasType(Type.DS)).isFalse();
      });
    } else {
      NSEC3Record n = matching(nsec3s(insecure), name("insecure.example.com."));
      assertThat(n.hasType(Type.NS)).isTrue();
      assertThat(n.hasType(Type.DS)).isFalse();
    }
    Message ds = ask(zone, "secure.example.com.", Type.DS);
    assertThat(aa(ds)).isTrue();
    assertThat(ds.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.DS, Type.RRSIG);
    allSigned(zone, ds);
    Message noDs = ask(zone, "insecure.example.com.", Type.DS);
    assertThat(aa(noDs)).isTrue();
    assertThat(noDs.getSection(Section.ANSWER)).isEmpty();
    allSigned(zone, noDs);
  }

  @Test
  @DisplayName("the apex's DNSKEY, CDS and CDNSKEY are answered signed")
  void apexKeys() throws Exception {
    Zone zone = signedZone(DnssecPolicy.Denial.NSEC);
    for (int type : new int[] {Type.DNSKEY, Type.CDS, Type.CDNSKEY, Type.NSEC}) {
      Message m = ask(zone, "example.com.", type);
      assertThat(m.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(type, Type.RRSIG);
      allSigned(zone, m);
    }
  }

  @Test
  @DisplayName("a signed answer that does not fit the client's 512 bytes is truncated with TC")
  void truncates() {
    Zone zone = signedZone(DnssecPolicy.Denial.NSEC);
    Message big = udp(new Responder(() -> Fixture.table(zone), ServerConfig.defaults()),
        dnssecQuery("big.example.com.", Type.TXT, 512));
    assertThat(tc(big)).isTrue();
    Message unsignedFits = udp(new Responder(() -> Fixture.table(zone), ServerConfig.defaults()),
        withEdns(query("big.example.com.", Type.TXT), 512, 0, 0));
    assertThat(tc(unsignedFits)).isFalse();
  }

  @Test
  @DisplayName("signed answers are cached apart from unsigned ones and served from the cache alike")
  void cache() {
    ZoneTable table = Fixture.table(signedZone(DnssecPolicy.Denial.NSEC3));
    Responder responder = new Responder(() -> table, ServerConfig.defaults());
    Message first = udp(responder, dnssecQuery("nope.example.com.", Type.A, 1232));
    byte[] q = dnssecQuery("nope.example.com.", Type.A, 1232).toWire();
    assertThat(responder.isCached(q, false)).isTrue();
    Message second = udp(responder, dnssecQuery("nope.example.com.", Type.A, 1232));
    assertThat(second.toString().replaceAll("id: \\d+", "")).isEqualTo(first.toString().replaceAll("id: \\d+", ""));
    Message plain = udp(responder, query("nope.example.com.", Type.A));
    assertThat(plain.getSection(Section.AUTHORITY)).extracting(Record::getType).containsExactly(Type.SOA);
  }

  @ParameterizedTest
  @EnumSource(DnssecPolicy.Denial.class)
  @DisplayName("a zone that arrived signed is proved from its own records, with no keys here")
  void presigned(DnssecPolicy.Denial denial) throws Exception {
    Zone arrived = Zone.of(name("example.com."), signedZone(denial).records());
    Message m = ask(arrived, "nope.example.com.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    allSigned(arrived, m);
    assertThat(m.getSection(Section.AUTHORITY)).anyMatch(r -> r.getType() == (denial == DnssecPolicy.Denial.NSEC ? Type.NSEC : Type.NSEC3));
  }

  @Test
  @DisplayName("a query for an NSEC3 owner name is answered as for a name that does not exist")
  void hashedOwnerName() {
    Zone zone = signedZone(DnssecPolicy.Denial.NSEC3);
    Name hashed = zone.hashedOwner(name("www.example.com."));
    ZoneTable table = Fixture.table(zone);
    assertThat(udp(table, hashed.toString(), Type.NSEC3).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }
}
