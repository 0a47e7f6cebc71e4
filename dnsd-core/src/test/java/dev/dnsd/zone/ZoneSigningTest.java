package dev.dnsd.zone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.RandomEdits;
import dev.dnsd.SignedZoneCheck;
import dev.dnsd.dnssec.DnssecAlgorithm;
import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.dnssec.Signer;
import dev.dnsd.dnssec.SigningKey;
import dev.dnsd.store.ChangeSet;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

class ZoneSigningTest {
  static final Name ORIGIN = name("example.com.");
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final SigningKey KEY = SigningKey.generate(ORIGIN, DnssecAlgorithm.ECDSAP256SHA256, true);

  static Name name(String s) {
    try {
      return Name.fromString(s, Name.root);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Record rr(String owner, String type, String data) {
    try {
      Name n = Name.fromString(owner, ORIGIN);
      return Record.fromString(n, Type.value(type), DClass.IN, 300, data, ORIGIN);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Signer signer(DnssecPolicy.Denial denial, Instant now) {
    DnssecPolicy policy = DnssecPolicy.builder().denial(denial).build();
    return new Signer(policy, List.of(KEY), List.of(KEY), List.of(KEY.dnskey()), now);
  }

  /** A zone with every shape the chain must get right. */
  static Zone zone() {
    return Zone.of(ORIGIN, List.of(
        rr("@", "SOA", "ns1 hostmaster 1 7200 3600 1209600 300"),
        rr("@", "NS", "ns1"),
        rr("ns1", "A", "192.0.2.1"),
        rr("www", "A", "192.0.2.2"),
        rr("www", "AAAA", "2001:db8::2"),
        rr("a.b.c", "TXT", "\"empty non-terminals b.c and c above\""),
        rr("*.w", "A", "192.0.2.3"),
        rr("sub", "NS", "ns.sub"),
        rr("ns.sub", "A", "192.0.2.4"),
        rr("deep.ns.sub", "A", "192.0.2.5"),
        rr("secure", "NS", "ns.elsewhere.example."),
        rr("secure", "DS", "12345 13 2 " + "AB".repeat(32)),
        rr("dn", "DNAME", "elsewhere.example."),
        rr("x.dn", "A", "192.0.2.6"),
        rr("alias", "CNAME", "www")));
  }

  @ParameterizedTest
  @EnumSource(DnssecPolicy.Denial.class)
  @DisplayName("signing a whole zone signs every authoritative RRset and chains exactly its names")
  void signAll(DnssecPolicy.Denial denial) {
    Zone signed = zone().edit().signAll(signer(denial, NOW)).build();
    SignedZoneCheck.check(signed, NOW);
    assertThat(signed.isSigned()).isTrue();
  }

  @Test
  @DisplayName("glue and the NS RRset at a cut are not signed; the DS there is")
  void cutSignatures() {
    Zone signed = zone().edit().signAll(signer(DnssecPolicy.Denial.NSEC, NOW)).build();
    assertThat(covered(signed, "sub")).containsExactly(Type.NSEC);
    assertThat(covered(signed, "ns.sub")).isEmpty();
    assertThat(covered(signed, "secure")).containsExactlyInAnyOrder(Type.DS, Type.NSEC);
    assertThat(signed.rrset(name("x.dn.example.com."), Type.NSEC)).isNull();
  }

  @ParameterizedTest
  @EnumSource(DnssecPolicy.Denial.class)
  @DisplayName("random edits signed one at a time keep the zone exactly as signing it whole makes it")
  void incrementalMatchesFull(DnssecPolicy.Denial denial) {
    Signer signer = signer(denial, NOW);
    Zone zone = zone().edit().signAll(signer).build();
    RandomEdits edits = new RandomEdits(ORIGIN, denial.ordinal() + 7);
    int applied = 0;
    for (int step = 0; step < 150; step++) {
      Zone.Editor editor = zone.edit();
      try {
        apply(editor, edits.next(zone));
      } catch (InvalidZoneException e) {
        continue; // a CNAME beside data, say: the store would refuse the whole change too
      }
      bumpSerial(editor);
      zone = editor.sign(signer).build();
      applied++;
      SignedZoneCheck.checkStructure(zone);
      if (step % 50 == 49) {
        SignedZoneCheck.check(zone, NOW);
        Zone whole = unsignedCopy(zone).edit().signAll(signer).build();
        assertThat(denialRecords(zone)).isEqualTo(denialRecords(whole));
      }
    }
    assertThat(applied).isGreaterThan(100);
  }

  @ParameterizedTest
  @EnumSource(DnssecPolicy.Denial.class)
  @DisplayName("one new name in a zone of 300 changes its RRsets, its chain neighbours and the SOA, nothing else")
  void oneChangeIsSmall(DnssecPolicy.Denial denial) {
    Zone.Editor big = zone().edit();
    for (int i = 0; i < 300; i++) {
      big.add(rr("host" + i, "A", "192.0.2." + (i % 250 + 1)));
    }
    Signer signer = signer(denial, NOW);
    Zone zone = big.signAll(signer).build();
    Zone.Editor editor = zone.edit();
    editor.add(rr("host150x", "A", "198.51.100.1"));
    bumpSerial(editor);
    editor.sign(signer);
    Set<String> added = new TreeSet<>();
    for (Record r : editor.addedRecords()) {
      added.add(Type.string(r instanceof RRSIGRecord s ? s.getTypeCovered() : r.getType()) + (r instanceof RRSIGRecord ? "-sig" : ""));
    }
    // The new A and its NSEC(3), the predecessor's NSEC(3), the SOA: each with its signature.
    String d = denial == DnssecPolicy.Denial.NSEC ? "NSEC" : "NSEC3";
    assertThat(added).containsExactlyInAnyOrder("A", "A-sig", d, d + "-sig", "SOA", "SOA-sig");
    assertThat(editor.addedRecords()).hasSize(8);
    assertThat(editor.removedRecords()).hasSize(4); // the predecessor's record and signature, the SOA and its
    SignedZoneCheck.check(editor.build(), NOW);
  }

  @Test
  @DisplayName("a new delegation above existing names takes their signatures and NSECs away; removing it gives them back")
  void occlusion() {
    Signer signer = signer(DnssecPolicy.Denial.NSEC, NOW);
    Zone zone = zone().edit().signAll(signer).build();
    Zone.Editor editor = zone.edit().add(rr("b.c", "NS", "ns.elsewhere.example."));
    zone = editor.sign(signer).build();
    SignedZoneCheck.check(zone, NOW);
    assertThat(covered(zone, "a.b.c")).isEmpty();
    zone = zone.edit().removeRRset(name("b.c.example.com."), Type.NS).sign(signer).build();
    SignedZoneCheck.check(zone, NOW);
    assertThat(covered(zone, "a.b.c")).containsExactlyInAnyOrder(Type.TXT, Type.NSEC);
  }

  @Test
  @DisplayName("switching from NSEC to NSEC3 and back is one edit each way, and unsigning leaves the data as it was")
  void switchAndUnsign() {
    Zone plain = zone();
    Zone nsec = plain.edit().signAll(signer(DnssecPolicy.Denial.NSEC, NOW)).build();
    Zone nsec3 = nsec.edit().sign(signer(DnssecPolicy.Denial.NSEC3, NOW)).build();
    SignedZoneCheck.check(nsec3, NOW);
    Zone back = nsec3.edit().sign(signer(DnssecPolicy.Denial.NSEC, NOW)).build();
    SignedZoneCheck.check(back, NOW);
    Zone unsigned = back.edit().unsign().build();
    assertThat(unsigned.isSigned()).isFalse();
    assertThat(unsigned.records()).containsExactlyInAnyOrderElementsOf(plain.records());
  }

  @Test
  @DisplayName("names that own only NSEC3 records do not exist in the zone's name space")
  void hashedOwnersDoNotExist() {
    Zone zone = zone().edit().signAll(signer(DnssecPolicy.Denial.NSEC3, NOW)).build();
    Name hashed = zone.hashedOwner(name("www.example.com."));
    assertThat(zone.rrset(hashed, Type.NSEC3)).isNotNull();
    assertThat(zone.exists(hashed)).isFalse();
    assertThat(zone.nsec3Covering(hashed).owner()).isEqualTo(hashed);
  }

  @Test
  @DisplayName("the sweep makes anew, in bounded batches, exactly the signatures that fell due, and keeps the rest")
  void sweep() {
    Signer early = signer(DnssecPolicy.Denial.NSEC, NOW);
    Zone zone = zone().edit().signAll(early).build();
    // Eleven days on, signatures valid for 14 days with 3.5 days' refresh are due (most of them:
    // those whose jitter took them more than half a day early).
    Instant later = NOW.plus(Duration.ofDays(11));
    DnssecPolicy small = DnssecPolicy.builder().resignBatch(5).build();
    Signer signer = new Signer(small, List.of(KEY), List.of(KEY), List.of(KEY.dnskey()), later);
    Name cursor = null;
    int batches = 0;
    int resigned = 0;
    do {
      Zone.Editor editor = zone.edit();
      Zone.Editor.Sweep sweep = editor.resign(signer, cursor, 1000);
      assertThat(sweep.resigned()).isLessThanOrEqualTo(5 + 4); // a batch ends at the end of a name
      resigned += sweep.resigned();
      cursor = sweep.next();
      zone = editor.build();
      batches++;
    } while (cursor != null);
    assertThat(batches).isGreaterThan(2);
    assertThat(resigned).isGreaterThan(10);
    SignedZoneCheck.check(zone, later);
    for (Record r : zone.records()) {
      if (r instanceof RRSIGRecord sig) {
        assertThat(sig.getExpire()).isAfter(later.plus(small.signatureRefresh()));
      }
    }
    Zone.Editor again = zone.edit();
    assertThat(again.resign(signer, null, 1000).resigned()).isZero();
  }

  @Test
  @DisplayName("a signer needs a DNSKEY for the apex")
  void signerNeedsDnskey() {
    assertThatThrownBy(() -> new Signer(DnssecPolicy.defaults(), List.of(KEY), List.of(KEY), List.of(), NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- helpers

  static List<Integer> covered(Zone zone, String owner) {
    List<Integer> out = new ArrayList<>();
    RRset sigs = zone.rrset(Name.fromConstantString(owner + ".example.com."), Type.RRSIG);
    if (sigs != null) {
      for (Record r : sigs.records()) {
        out.add(((RRSIGRecord) r).getTypeCovered());
      }
    }
    return out;
  }

  static void apply(Zone.Editor editor, ChangeSet changes) {
    for (ChangeSet.Op op : changes.ops()) {
      if (op instanceof ChangeSet.Add a) {
        editor.add(a.record());
      } else if (op instanceof ChangeSet.Remove r) {
        editor.remove(r.record());
      } else if (op instanceof ChangeSet.RemoveName r) {
        editor.removeName(r.owner());
      } else if (op instanceof ChangeSet.RemoveRRset r) {
        editor.removeRRset(r.owner(), r.type());
      } else {
        throw new IllegalArgumentException(op.toString());
      }
    }
  }

  static void bumpSerial(Zone.Editor editor) {
    SOARecord soa = (SOARecord) editor.rrset(ORIGIN, Type.SOA).first();
    editor.add(new SOARecord(soa.getName(), DClass.IN, soa.getTTL(), soa.getHost(), soa.getAdmin(),
        soa.getSerial() + 1, soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum()));
  }

  static Zone unsignedCopy(Zone zone) {
    List<Record> data = new ArrayList<>();
    for (Record r : zone.records()) {
      int t = r.getType();
      if (t != Type.RRSIG && t != Type.NSEC && t != Type.NSEC3 && t != Type.NSEC3PARAM && t != Type.DNSKEY) {
        data.add(r);
      }
    }
    return Zone.of(zone.origin(), data);
  }

  static Set<String> denialRecords(Zone zone) {
    Set<String> out = new TreeSet<>();
    for (Record r : zone.records()) {
      if (r.getType() == Type.NSEC || r.getType() == Type.NSEC3) {
        out.add(r.toString());
      }
    }
    return out;
  }
}
