package dev.dnsd.zone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ZoneFilesTest {
  private static final String HEAD =
      """
      $TTL 3600
      @ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
      @ NS ns1
      ns1 A 192.0.2.1
      """;

  @TempDir Path dir;

  private static Name name(String s) throws IOException {
    return Name.fromString(s);
  }

  private Path file(String relative, String text) throws IOException {
    Path path = dir.resolve(relative);
    Files.createDirectories(path.getParent());
    return Files.writeString(path, text);
  }

  private static List<String> lines(Zone zone) {
    return zone.records().stream().map(Record::toString).toList();
  }

  private ZoneFileException loadFails(Path file, String origin) {
    return catchThrowableOfType(ZoneFileException.class, () -> ZoneFiles.load(file, name(origin)));
  }

  @Test
  @DisplayName("$TTL sets the default TTL and $ORIGIN the origin of relative names")
  void ttlAndOrigin() throws IOException {
    Path f =
        file(
            "example.com.zone",
            HEAD
                + """
                www A 192.0.2.2
                $TTL 60
                short A 192.0.2.3
                $ORIGIN sub.example.com.
                deep 120 A 192.0.2.4
                """);
    Zone zone = ZoneFiles.load(f, name("example.com."));
    assertThat(zone.rrset(name("www.example.com."), Type.A).ttl()).isEqualTo(3600);
    assertThat(zone.rrset(name("short.example.com."), Type.A).ttl()).isEqualTo(60);
    assertThat(zone.rrset(name("deep.sub.example.com."), Type.A).ttl()).isEqualTo(120);
    assertThat(zone.exists(name("sub.example.com."))).isTrue();
  }

  @Test
  @DisplayName("$INCLUDE is relative to the including file, with an optional origin")
  void includeRelativeToFile() throws IOException {
    file("parts/hosts.inc", "host1 A 192.0.2.11\n$INCLUDE more.inc\n");
    file("parts/more.inc", "host2 A 192.0.2.12\n");
    file("parts/lab.inc", "x A 192.0.2.13\n");
    Path f =
        file(
            "zones/example.com.zone",
            HEAD + "$INCLUDE ../parts/hosts.inc\n$INCLUDE ../parts/lab.inc lab.example.com.\nafter A 192.0.2.14\n");
    Zone zone = ZoneFiles.load(f, name("example.com."));
    assertThat(zone.rrset(name("host1.example.com."), Type.A)).isNotNull();
    assertThat(zone.rrset(name("host2.example.com."), Type.A)).isNotNull();
    assertThat(zone.rrset(name("x.lab.example.com."), Type.A)).isNotNull();
    assertThat(zone.rrset(name("after.example.com."), Type.A)).isNotNull();
  }

  @Test
  @DisplayName("$GENERATE makes a record per step")
  void generate() throws IOException {
    Path f = file("example.com.zone", HEAD + "$GENERATE 1-3 host$ A 192.0.2.$\nlast A 192.0.2.99\n");
    Zone zone = ZoneFiles.load(f, name("example.com."));
    for (int i = 1; i <= 3; i++) {
      assertThat(zone.rrset(name("host" + i + ".example.com."), Type.A).first())
          .isEqualTo(new ARecord(name("host" + i + ".example.com."), 1, 3600, java.net.InetAddress.getByName("192.0.2." + i)));
    }
    assertThat(zone.rrset(name("last.example.com."), Type.A)).isNotNull();
  }

  @Test
  @DisplayName("unknown types (RFC 3597) load and survive export")
  void unknownTypes() throws IOException {
    Path f = file("example.com.zone", HEAD + "odd TYPE65534 \\# 3 abcdef\n");
    Zone zone = ZoneFiles.load(f, name("example.com."));
    RRset odd = zone.rrset(name("odd.example.com."), 65534);
    assertThat(odd.first().rdataToString()).isEqualTo("\\# 3 ABCDEF");

    Zone again = ZoneFiles.load(file("again.zone", ZoneFiles.toMasterFormat(zone)), name("example.com."));
    assertThat(lines(again)).isEqualTo(lines(zone));
  }

  @Test
  @DisplayName("export then import gives the same zone, TTLs and odd names included")
  void roundTrip() throws IOException {
    Path f =
        file(
            "example.com.zone",
            """
            $ORIGIN example.com.
            @ 3600 IN SOA ns1 hostmaster ( 2024010101 ; serial
                  7200 3600 1209600 300 )
            @ 3600 NS ns1
            @ 3600 NS ns.other.net.
            @ 300 MX 10 mail
            @ 300 TXT "v=spf1 -all" "second; string"
            ns1 3600 A 192.0.2.1
            ns1 3600 AAAA 2001:db8::1
            www 60 CNAME @
            *.dyn 30 A 192.0.2.9
            _sip._tcp 3600 SRV 10 60 5060 sip
            a\\.dot 3600 TXT "escaped dot in a label"
            \\@at 3600 TXT "an owner that is not the apex"
            \\$dollar 3600 TXT "an owner that is not a directive"
            sub 3600 NS ns1.sub
            ns1.sub 3600 A 192.0.2.20
            """);
    Zone zone = ZoneFiles.load(f, name("example.com."));
    String text = ZoneFiles.toMasterFormat(zone);
    assertThat(text).startsWith("$ORIGIN example.com.\n@");
    assertThat(text.lines().skip(1).findFirst().orElseThrow()).contains("SOA");

    Zone again = ZoneFiles.load(file("copy.zone", text), name("example.com."));
    assertThat(lines(again)).isEqualTo(lines(zone));
    assertThat(again.recordCount()).isEqualTo(15);
    assertThat(again.rrset(name("\\$dollar.example.com."), Type.TXT)).isNotNull();
  }

  @Test
  @DisplayName("RRset TTLs are made equal: the last record's TTL wins (RFC 2181 §5.2)")
  void ttlsInOneRRset() throws IOException {
    Path f = file("example.com.zone", HEAD + "www 300 A 192.0.2.2\nwww 60 A 192.0.2.3\n");
    RRset www = ZoneFiles.load(f, name("example.com.")).rrset(name("www.example.com."), Type.A);
    assertThat(www.ttl()).isEqualTo(60);
    assertThat(www.records()).extracting(Record::getTTL).containsOnly(60L);
  }

  /** Opens files as the loader does, counting the opens of each file and the characters read. */
  private static final class CountingOpener implements ZoneFileReader.Opener {
    final Map<Path, Integer> opens = new HashMap<>();
    long chars;

    @Override
    public BufferedReader open(Path file) throws IOException {
      opens.merge(file, 1, Integer::sum);
      Reader in = ZoneFileReader.Opener.FILES.open(file);
      return new BufferedReader(
          new Reader() {
            @Override
            public int read(char[] buffer, int offset, int length) throws IOException {
              int n = in.read(buffer, offset, length);
              chars += Math.max(n, 0);
              return n;
            }

            @Override
            public void close() throws IOException {
              in.close();
            }
          });
    }
  }

  @Test
  @DisplayName("50,000 records whose TTL differs from their RRset's load reading each file once")
  void ttlDifferencesReadOnce() throws IOException {
    StringBuilder hosts = new StringBuilder();
    for (int i = 0; i < 50_000; i++) {
      hosts.append("h").append(i).append(" 300 A 192.0.2.1\n");
      hosts.append("h").append(i).append(" 60 A 192.0.2.2\n");
    }
    Path inc = file("hosts.inc", hosts.toString());
    Path f = file("example.com.zone", HEAD + "www 300 A 192.0.2.1\nwww 60 A 192.0.2.2\n$INCLUDE hosts.inc\n");
    CountingOpener opener = new CountingOpener();

    Zone zone = ZoneFileReader.read(f, name("example.com."), opener).zone();

    assertThat(zone.recordCount()).isEqualTo(3 + 2 + 100_000);
    assertThat(zone.rrset(name("h49999.example.com."), Type.A).ttl()).isEqualTo(60);
    // Positions come from the pass that parses: no file is opened or read a second time.
    assertThat(opener.opens).isEqualTo(Map.of(f, 1, inc, 1));
    assertThat(opener.chars).isEqualTo(Files.size(f) + Files.size(inc));
  }

  @Test
  @DisplayName("a file whose origin is its $ORIGIN or its name is read once too")
  void originFromFileReadOnce() throws IOException {
    Path named = file("example.com.zone", HEAD);
    Path declared = file("other.zone", "; the origin is declared\n$ORIGIN example.net.\n" + HEAD);
    CountingOpener opener = new CountingOpener();

    List<Zone> zones = ZoneFiles.loadAll(List.of(named, declared), opener);

    assertThat(zones).extracting(z -> z.origin().toString()).containsExactly("example.com.", "example.net.");
    assertThat(opener.opens).isEqualTo(Map.of(named, 1, declared, 1));
    assertThat(opener.chars).isEqualTo(Files.size(named) + Files.size(declared));
  }

  @Test
  @DisplayName("an SOA without a TTL takes its minimum field, which then is the default TTL")
  void soaWithoutTtl() throws IOException {
    Path f = file("example.com.zone", "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\nwww A 192.0.2.1\n");
    Zone zone = ZoneFiles.load(f, name("example.com."));
    assertThat(zone.soa().getTTL()).isEqualTo(300);
    assertThat(zone.rrset(name("www.example.com."), Type.A).ttl()).isEqualTo(300);
  }

  @Test
  @DisplayName("a first record without owner names its line")
  void noOwner() throws IOException {
    Path f = file("example.com.zone", "$TTL 60\n\n  A 192.0.2.1\n");
    ZoneFileException e = loadFails(f, "example.com.");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.problem()).contains("owner");
  }

  @Test
  @DisplayName("an error inside parentheses names the line it is on")
  void errorInsideParentheses() throws IOException {
    Path f = file("example.com.zone", HEAD + "www MX ( 10\n  mail ) extra\nok A 192.0.2.2\n");
    assertThat(loadFails(f, "example.com.").line()).isEqualTo(6);
    Path g = file("example.org.zone", HEAD.replace("@ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300", "@ IN SOA ns1 hostmaster (\n 1 2\n x 4 5 )"));
    ZoneFileException e = loadFails(g, "example.org.");
    assertThat(e.line()).isEqualTo(4);
  }

  @Test
  @DisplayName("an $INCLUDE loop is an error naming the $INCLUDE that closes it")
  void includeLoop() throws IOException {
    Path f = file("example.com.zone", HEAD + "$INCLUDE parts/b.inc\n");
    Path b = file("parts/b.inc", "x A 192.0.2.9\n$INCLUDE ../example.com.zone\n");
    ZoneFileException e = loadFails(f, "example.com.");
    assertThat(e.file()).isEqualTo(b);
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.problem()).contains("loop").contains(f.toString()).contains(b.toString());

    Path self = file("self.zone", HEAD + "$INCLUDE self.zone\n");
    ZoneFileException selfE = loadFails(self, "example.com.");
    assertThat(selfE.file()).isEqualTo(self);
    assertThat(selfE.line()).isEqualTo(5);
    assertThat(selfE.problem()).contains("loop");
  }

  @Test
  @DisplayName("the same file included twice, with two origins, is no loop")
  void includeTwice() throws IOException {
    file("hosts.inc", "www A 192.0.2.5\n");
    Path f = file("example.com.zone", HEAD + "$INCLUDE hosts.inc a.example.com.\n$INCLUDE hosts.inc b.example.com.\n");
    Zone zone = ZoneFiles.load(f, name("example.com."));
    assertThat(zone.rrset(name("www.a.example.com."), Type.A)).isNotNull();
    assertThat(zone.rrset(name("www.b.example.com."), Type.A)).isNotNull();
  }

  @Test
  @DisplayName("$INCLUDEs nest 16 files deep at most; deeper is an error at the $INCLUDE")
  void includeDepth() throws IOException {
    int max = ZoneFileReader.MAX_INCLUDE_DEPTH;
    for (int depth = 1; depth <= max + 1; depth++) {
      String next = depth <= max ? "$INCLUDE d" + (depth + 1) + ".inc\n" : "";
      file("chain/d" + depth + ".inc", "h" + depth + " A 192.0.2.1\n" + next);
    }
    Path deep = file("chain/deep.zone", HEAD + "$INCLUDE d1.inc\n");
    ZoneFileException e = loadFails(deep, "example.com.");
    assertThat(e.file()).isEqualTo(dir.resolve("chain/d" + max + ".inc"));
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.problem()).contains("16 files deep");

    Files.writeString(dir.resolve("chain/d" + max + ".inc"), "h" + max + " A 192.0.2.1\n");
    Zone zone = ZoneFiles.load(deep, name("example.com."));
    assertThat(zone.rrset(name("h" + max + ".example.com."), Type.A)).isNotNull();
  }

  @Test
  @DisplayName("record data over 65,535 bytes names the file and line")
  void oversizeRecordData() throws IOException {
    String strings = ("\"" + "x".repeat(255) + "\" ").repeat(300);
    Path f = file("example.com.zone", HEAD + "huge TXT ( " + strings + "\n )\nok A 192.0.2.2\n");
    ZoneFileException e = loadFails(f, "example.com.");
    assertThat(e.line()).isEqualTo(5);
    assertThat(e.problem()).contains("76800 bytes").contains("65535");
    assertThat(e.getMessage().length()).as("the message does not repeat the data").isLessThan(500);
  }

  @Test
  @DisplayName("export writes data whose text would not read back in RFC 3597's form, so it imports again")
  void exportOfDataWithoutATextForm() throws IOException {
    Zone base = ZoneFiles.load(file("example.com.zone", HEAD), name("example.com."));
    // A DS whose digest is shorter than SHA-1's and a TXT with no string: both can arrive as wire
    // data (a transfer, an UPDATE), and dnsjava's text of either does not read back the same.
    Record ds = fromWire("sub.example.com.", Type.DS, new byte[] {0x30, 0x39, 13, 1, 1, 2, 3, 4});
    Record txt = fromWire("empty.example.com.", Type.TXT, new byte[0]);
    Zone zone = base.edit().add(ds).add(txt).build();

    String text = ZoneFiles.toMasterFormat(zone);
    assertThat(text).contains("DS\t\\# 8 30390d0101020304").contains("TXT\t\\# 0");
    Zone again = ZoneFiles.load(file("copy.zone", text), name("example.com."));
    assertThat(lines(again)).isEqualTo(lines(zone));
    assertThat(text.lines().filter(l -> l.contains("\\#")).count()).as("the others keep their text").isEqualTo(2);
  }

  private static Record fromWire(String owner, int type, byte[] data) throws IOException {
    DNSOutput out = new DNSOutput();
    name(owner).toWire(out, null);
    out.writeU16(type);
    out.writeU16(DClass.IN);
    out.writeU32(3600);
    out.writeU16(data.length);
    out.writeByteArray(data);
    return Record.fromWire(out.toByteArray(), Section.ANSWER);
  }

  @Test
  @DisplayName("data dnsjava reads but cannot write (a WKS with no port) names the file and line")
  void dataThatCannotBeWritten() throws IOException {
    Path f = file("example.com.zone", HEAD + "h A 192.0.2.1\nh WKS 192.0.2.1 tcp\n");
    ZoneFileException e = loadFails(f, "example.com.");
    assertThat(e.file()).isEqualTo(f);
    assertThat(e.line()).isEqualTo(6);
    assertThat(e.problem()).contains("h.example.com. WKS").contains("cannot be encoded");
  }

  @Test
  @DisplayName("loadAll refuses two files holding one zone, naming the later and its $ORIGIN line")
  void loadAllDuplicate() throws IOException {
    Path first = file("example.com.zone", HEAD);
    Path second = file("copy.zone", "$TTL 60\n$ORIGIN example.com.\n" + HEAD);
    ZoneFileException e =
        catchThrowableOfType(ZoneFileException.class, () -> ZoneFiles.loadAll(List.of(first, second)));
    assertThat(e.file()).isEqualTo(second);
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.problem()).contains("example.com.").contains(first.toString());

    ZoneFileException twice =
        catchThrowableOfType(ZoneFileException.class, () -> ZoneFiles.loadAll(List.of(first, first)));
    assertThat(twice.file()).isEqualTo(first);
    assertThat(twice.line()).isZero();
  }

  @Test
  @DisplayName("a syntax error names the file and line")
  void syntaxError() throws IOException {
    Path f = file("example.com.zone", HEAD + "\n; comment\nwww A 192.0.2.300\n");
    ZoneFileException e = loadFails(f, "example.com.");
    assertThat(e.file()).isEqualTo(f);
    assertThat(e.line()).isEqualTo(7);
    assertThat(e).hasMessageStartingWith(f + ":7: ");
    assertThat(e.problem()).doesNotContain(":7:");
  }

  @Test
  @DisplayName("a record with its rdata missing names its own line, not the next")
  void missingRdata() throws IOException {
    Path f = file("example.com.zone", HEAD + "www MX\nok A 192.0.2.2\n");
    assertThat(loadFails(f, "example.com.").line()).isEqualTo(5);
  }

  @Test
  @DisplayName("an error in an included file names that file and its line")
  void errorInInclude() throws IOException {
    Path inc = file("inc/hosts.inc", "good A 192.0.2.5\n\nbad A nonsense\n");
    Path f = file("example.com.zone", HEAD + "$INCLUDE inc/hosts.inc\n");
    ZoneFileException e = loadFails(f, "example.com.");
    assertThat(e.file()).isEqualTo(inc);
    assertThat(e.line()).isEqualTo(3);
    assertThat(e).hasMessageStartingWith(inc + ":3: ");
  }

  @Test
  @DisplayName("a rule broken in an included file names that file and line")
  void ruleInInclude() throws IOException {
    Path inc = file("hosts.inc", "www A 192.0.2.5\nwww CNAME other\n");
    Path f = file("example.com.zone", HEAD + "$INCLUDE hosts.inc\n");
    ZoneFileException e = loadFails(f, "example.com.");
    assertThat(e.file()).isEqualTo(inc);
    assertThat(e.line()).isEqualTo(2);
  }

  @Test
  @DisplayName("a missing include file names the $INCLUDE line")
  void missingInclude() throws IOException {
    Path f = file("example.com.zone", HEAD + "$INCLUDE nowhere.inc\nwww A 192.0.2.2\n");
    ZoneFileException e = loadFails(f, "example.com.");
    assertThat(e.file()).isEqualTo(f);
    assertThat(e.line()).isEqualTo(5);
    assertThat(e.problem()).contains("nowhere.inc");
  }

  @Test
  @DisplayName("CNAME beside other data names the record's line (RFC 2181 §10.1)")
  void cnameBesideData() throws IOException {
    Path f = file("example.com.zone", HEAD + "www A 192.0.2.2\nwww CNAME other\n");
    ZoneFileException e = loadFails(f, "example.com.");
    assertThat(e.line()).isEqualTo(6);
    assertThat(e.problem()).contains("CNAME");
  }

  @Test
  @DisplayName("a second CNAME at a name is refused")
  void secondCname() throws IOException {
    Path f = file("example.com.zone", HEAD + "www CNAME a\nwww CNAME b\n");
    assertThat(loadFails(f, "example.com.").line()).isEqualTo(6);
  }

  @Test
  @DisplayName("a record outside the zone names its line")
  void outsideZone() throws IOException {
    Path f = file("example.com.zone", HEAD + "www.example.org. A 192.0.2.2\n");
    ZoneFileException e = loadFails(f, "example.com.");
    assertThat(e.line()).isEqualTo(5);
    assertThat(e.problem()).contains("outside");
  }

  @Test
  @DisplayName("a second SOA names the line where it starts, and where the first is")
  void secondSoa() throws IOException {
    Path f =
        file(
            "example.com.zone",
            HEAD + "www A 192.0.2.2\n@ SOA ns1 hostmaster (\n  2 3 4 5\n  6 )\n");
    ZoneFileException e = loadFails(f, "example.com.");
    assertThat(e.line()).isEqualTo(6);
    assertThat(e.problem()).contains("SOA").contains(f + ":2");
  }

  @Test
  @DisplayName("a zone without SOA or without NS names the file")
  void missingSoaOrNs() throws IOException {
    Path noSoa = file("a.zone", "$TTL 60\n@ NS ns1\n");
    ZoneFileException e = loadFails(noSoa, "example.com.");
    assertThat(e.file()).isEqualTo(noSoa);
    assertThat(e.line()).isZero();
    assertThat(e).hasMessage(noSoa + ": " + e.problem());
    assertThat(e.problem()).contains("SOA");

    Path noNs = file("b.zone", "$TTL 60\n@ SOA ns1 hostmaster 1 2 3 4 5\n");
    assertThat(loadFails(noNs, "example.com.").problem()).contains("NS");
  }

  @Test
  @DisplayName("a missing top-level file is an I/O error")
  void missingFile() {
    assertThatThrownBy(() -> ZoneFiles.load(dir.resolve("none.zone"), name("example.com.")))
        .isInstanceOf(IOException.class);
  }

  @Test
  @DisplayName("loadDirectory takes the origin from the file name, or from a leading $ORIGIN")
  void directoryOrigins() throws IOException {
    file("example.com.zone", HEAD);
    file("named-otherwise.zone", "; leading comment\n$TTL 60\n$ORIGIN example.net.\n" + HEAD);
    file("late.org.zone", HEAD + "$ORIGIN other.late.org.\nx A 192.0.2.7\n");
    file("README.txt", "not a zone");
    Files.createDirectory(dir.resolve("sub.zone"));

    List<Zone> zones = ZoneFiles.loadDirectory(dir);
    assertThat(zones)
        .extracting(z -> z.origin().toString())
        .containsExactly("example.com.", "late.org.", "example.net.");
    assertThat(zones.get(1).rrset(name("x.other.late.org."), Type.A)).isNotNull();
  }

  @Test
  @DisplayName("two files holding the same zone are refused")
  void directoryDuplicate() throws IOException {
    file("example.com.zone", HEAD);
    Path second = file("x.zone", "$ORIGIN example.com.\n" + HEAD);
    ZoneFileException e = catchThrowableOfType(ZoneFileException.class, () -> ZoneFiles.loadDirectory(dir));
    assertThat(e.file()).isEqualTo(second);
    assertThat(e.line()).isEqualTo(1);
    assertThat(e.problem()).contains("example.com.zone");
  }
}
