package dev.dnsd.sqlite;

import static dev.dnsd.sqlite.Fixtures.apex;
import static dev.dnsd.sqlite.Fixtures.dump;
import static dev.dnsd.sqlite.Fixtures.name;
import static dev.dnsd.sqlite.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.ZoneChange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.UNKRecord;

/** Every record type dnsjava knows, and one it does not, comes back from disk as it went in. */
class RecordTypesTest {
  private static final String ORIGIN = "types.example.";
  private static final String KEY =
      "AwEAAcMnWBKLuvG/LwnPVykcmpvnntwxfshHlHRhlY0F3oz8AkTuOMfJ7kNFkfpOuR9L0sJ9cs7Mg6XRQzWnzGTvxAc=";
  private static final String SIG =
      "A 8 3 3600 20300101000000 20200101000000 12345 types.example. " + KEY;
  private static final String DIGEST =
      "2BB183AF5F22588179A53B0A98631FAD1A292118D1A9A6EE0D1B6E7F0C5C4B59";

  /**
   * Sample rdata in presentation form; RFC 3597 {@code \#} form where dnsjava has no class for
   * the type, or its class does not read the presentation form.
   */
  private static final Map<Integer, String> SAMPLES = new LinkedHashMap<>();

  static {
    SAMPLES.put(Type.A, "192.0.2.1");
    SAMPLES.put(Type.MD, "md.types.example.");
    SAMPLES.put(Type.MF, "mf.types.example.");
    SAMPLES.put(Type.CNAME, "target.types.example.");
    SAMPLES.put(Type.MB, "mb.types.example.");
    SAMPLES.put(Type.MG, "mg.types.example.");
    SAMPLES.put(Type.MR, "mr.types.example.");
    SAMPLES.put(Type.NULL, "\\# 3 010203");
    SAMPLES.put(Type.WKS, "192.0.2.1 tcp 25 80");
    SAMPLES.put(Type.PTR, "ptr.types.example.");
    SAMPLES.put(Type.HINFO, "\"PC\" \"Linux\"");
    SAMPLES.put(Type.MINFO, "rmail.types.example. email.types.example.");
    SAMPLES.put(Type.MX, "10 Mail.Types.Example.");
    SAMPLES.put(Type.TXT, "\"hello world\" \"second string\"");
    SAMPLES.put(Type.RP, "mbox.types.example. txt.types.example.");
    SAMPLES.put(Type.AFSDB, "1 afs.types.example.");
    SAMPLES.put(Type.X25, "311061700956");
    SAMPLES.put(Type.ISDN, "150862028003217 004");
    SAMPLES.put(Type.RT, "10 relay.types.example.");
    SAMPLES.put(Type.NSAP, "0x47000580005a0000000001e133ffffff00016100");
    SAMPLES.put(Type.NSAP_PTR, "nsap.types.example.");
    SAMPLES.put(Type.SIG, SIG);
    SAMPLES.put(Type.KEY, "256 3 8 " + KEY);
    SAMPLES.put(Type.PX, "10 map822.types.example. mapx400.types.example.");
    SAMPLES.put(Type.GPOS, "-32.6882 116.8652 10.0");
    SAMPLES.put(Type.AAAA, "2001:db8::1");
    SAMPLES.put(Type.LOC, "52 22 23.000 N 4 53 32.000 E -2.00m 1.00m 10000.00m 10.00m");
    SAMPLES.put(Type.NXT, "next.types.example. A MX");
    SAMPLES.put(Type.EID, "\\# 4 01020304");
    SAMPLES.put(Type.NIMLOC, "\\# 4 01020304");
    SAMPLES.put(Type.SRV, "10 5 5060 sip.types.example.");
    SAMPLES.put(Type.ATMA, "\\# 5 0112345678");
    SAMPLES.put(Type.NAPTR, "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.types.example.");
    SAMPLES.put(Type.KX, "10 kx.types.example.");
    SAMPLES.put(Type.CERT, "1 12345 8 " + KEY);
    SAMPLES.put(Type.A6, "0 2001:db8::1");
    SAMPLES.put(Type.DNAME, "elsewhere.example.");
    SAMPLES.put(Type.SINK, "\\# 3 010203");
    SAMPLES.put(Type.APL, "1:192.0.2.0/24 !2:2001:db8::/32");
    SAMPLES.put(Type.DS, "12345 8 2 " + DIGEST);
    SAMPLES.put(Type.SSHFP, "1 1 123456789ABCDEF67890123456789ABCDEF67890");
    SAMPLES.put(Type.IPSECKEY, "10 1 2 192.0.2.38 " + KEY);
    SAMPLES.put(Type.RRSIG, SIG);
    SAMPLES.put(Type.NSEC, "next.types.example. A RRSIG NSEC");
    SAMPLES.put(Type.DNSKEY, "257 3 8 " + KEY);
    SAMPLES.put(Type.DHCID, "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=");
    SAMPLES.put(Type.NSEC3, "1 0 10 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG");
    SAMPLES.put(Type.NSEC3PARAM, "1 0 10 AABBCCDD");
    SAMPLES.put(Type.TLSA, "3 1 1 " + DIGEST);
    SAMPLES.put(Type.SMIMEA, "3 1 1 " + DIGEST);
    SAMPLES.put(Type.HIP, "2 200100107B1A74DF365639CC39F1D578 " + KEY + " rvs.types.example.");
    SAMPLES.put(Type.NINFO, "\\# 3 026869");
    SAMPLES.put(Type.RKEY, "\\# 4 01000308");
    SAMPLES.put(Type.TALINK, "\\# 2 0000");
    SAMPLES.put(Type.CDS, "12345 8 2 " + DIGEST);
    SAMPLES.put(Type.CDNSKEY, "257 3 8 " + KEY);
    SAMPLES.put(Type.OPENPGPKEY, KEY);
    // dnsjava has no class for CSYNC: serial 66, flags 3, type bitmap A NS AAAA.
    SAMPLES.put(Type.CSYNC, "\\# 12 00000042 0003 000460000008");
    SAMPLES.put(Type.ZONEMD, "2018031900 1 1 " + DIGEST + DIGEST.substring(0, 32));
    SAMPLES.put(Type.SVCB, "1 svc.types.example. alpn=h2,h3 port=8443");
    SAMPLES.put(Type.HTTPS, "1 . alpn=h2 ipv4hint=192.0.2.1");
    SAMPLES.put(Type.SPF, "\"v=spf1 -all\"");
    SAMPLES.put(Type.UINFO, "\\# 3 616263");
    SAMPLES.put(Type.UID, "\\# 4 000003e8");
    SAMPLES.put(Type.GID, "\\# 4 000003e8");
    SAMPLES.put(Type.UNSPEC, "\\# 2 abcd");
    SAMPLES.put(Type.NID, "\\# 10 000a00144fffff20ee64");
    SAMPLES.put(Type.L32, "\\# 6 000a0a010200");
    SAMPLES.put(Type.L64, "\\# 10 000a20010db811401000");
    SAMPLES.put(Type.LP, "\\# 29 000a0b6c36342d7375626e657431057479706573076578616d706c6500");
    SAMPLES.put(Type.EUI48, "\\# 6 00005e00532a");
    SAMPLES.put(Type.EUI64, "\\# 8 00005eef1000002a");
    SAMPLES.put(Type.URI, "10 1 \"ftp://ftp1.example.com/public\"");
    SAMPLES.put(Type.CAA, "0 issue \"ca.example.net\"");
    SAMPLES.put(Type.AVC, "\\# 4 03617063");
    SAMPLES.put(Type.DOA, "\\# 5 0000000000");
    SAMPLES.put(Type.AMTRELAY, "\\# 23 0a030572656c6179057479706573076578616d706c6500");
    SAMPLES.put(Type.TA, "\\# 36 303908022bb183af5f22588179a53b0a98631fad1a292118d1a9a6ee0d1b6e7f0c5c4b59");
    SAMPLES.put(Type.DLV, "12345 8 2 " + DIGEST);
  }

  /** A private-use type dnsjava has no class for: RFC 3597 generic rdata. */
  private static final int UNKNOWN_TYPE = 65_280;

  @TempDir Path dir;

  @Test
  void theSamplesCoverEveryTypeDnsjavaKnowsThatAZoneCanHold() {
    List<String> missing = new ArrayList<>();
    for (int type = 1; type < 65_536; type++) {
      boolean known = !Type.string(type).startsWith("TYPE");
      boolean held = known && Type.isRR(type) && type != Type.SOA && type != Type.NS;
      if (held && !SAMPLES.containsKey(type)) {
        missing.add(Type.string(type));
      }
    }
    assertThat(missing).as("types without a sample").isEmpty();
    List<String> unparsable = new ArrayList<>();
    for (Map.Entry<Integer, String> e : SAMPLES.entrySet()) {
      try {
        record(ORIGIN, e.getKey(), 600, e.getValue());
      } catch (RuntimeException ex) {
        unparsable.add(Type.string(e.getKey()) + ": " + ex.getCause());
      }
    }
    assertThat(unparsable).as("samples dnsjava cannot read").isEmpty();
  }

  @Test
  void everyTypeComesBackFromTheTablesAndTheLogByteForByte() {
    List<Record> records = new ArrayList<>(apex(ORIGIN));
    for (Map.Entry<Integer, String> e : SAMPLES.entrySet()) {
      String label = Type.string(e.getKey()).toLowerCase(Locale.ROOT);
      // Mixed case in owner names checks that case is kept.
      records.add(record("Type-" + label + "." + ORIGIN, e.getKey(), 600, e.getValue()));
    }
    Record unknown = record("Unknown." + ORIGIN, UNKNOWN_TYPE, 600, "\\# 4 0a000001");
    assertThat(unknown).isInstanceOf(UNKRecord.class);
    records.add(unknown);

    Path db = dir.resolve("types.db");
    Change created;
    List<String> before;
    try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
      created = store.commit(ChangeSet.builder().createZone(name(ORIGIN), records).build());
      before = dump(store.zones());
    }
    try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
      assertThat(dump(store.zones())).isEqualTo(before);
      assertThat(wires(store.zones().get(name(ORIGIN)).records()))
          .containsExactlyInAnyOrderElementsOf(wires(records));
      ZoneChange logged = store.changesSince(0, 10).orElseThrow().get(0).zones().get(0);
      assertThat(wires(logged.added())).isEqualTo(wires(created.zones().get(0).added()));
      assertThat(wires(logged.added())).containsExactlyInAnyOrderElementsOf(wires(records));
    }
  }

  private static List<String> wires(List<Record> records) {
    List<String> out = new ArrayList<>();
    for (Record r : records) {
      out.add(Type.string(r.getType()) + " " + HexFormat.of().formatHex(r.toWire(Section.ANSWER)));
    }
    return out;
  }
}
