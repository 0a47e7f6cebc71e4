package dev.dnsd.zone;

import static dev.dnsd.TestRecords.ORIGIN;
import static dev.dnsd.TestRecords.name;
import static dev.dnsd.TestRecords.rr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class ZoneTest {
  static Zone base() {
    return Zone.of(
        ORIGIN,
        List.of(
            rr("@", 3600, "SOA", "ns1 hostmaster 1 7200 3600 1209600 300"),
            rr("@", 3600, "NS", "ns1"),
            rr("ns1", 3600, "A", "192.0.2.1")));
  }

  @Test
  @DisplayName("CNAME beside other data is refused (RFC 2181 §10.1)")
  void cnameBesideData() {
    Zone zone = base();
    assertThatThrownBy(() -> zone.edit().add(rr("ns1", 60, "CNAME", "other")))
        .isInstanceOf(InvalidZoneException.class)
        .hasMessageContaining("CNAME");
    Zone.Editor withCname = zone.edit().add(rr("www", 60, "CNAME", "ns1"));
    assertThatThrownBy(() -> withCname.add(rr("www", 60, "TXT", "\"x\"")))
        .isInstanceOf(InvalidZoneException.class);
    assertThatThrownBy(() -> zone.edit().add(rr("@", 60, "CNAME", "ns1")))
        .as("CNAME at the apex, beside SOA and NS")
        .isInstanceOf(InvalidZoneException.class);
  }

  @Test
  @DisplayName("CNAME may have its RRSIG and NSEC beside it (RFC 4035 §2.5)")
  void cnameWithDnssec() {
    Zone zone =
        base()
            .edit()
            .add(rr("www", 60, "CNAME", "ns1"))
            .add(rr("www", 60, "NSEC", "zzz A RRSIG NSEC"))
            .build();
    assertThat(zone.rrsets(name("www"))).extracting(RRset::type).containsExactly(Type.CNAME, Type.NSEC);
  }

  @Test
  @DisplayName("a second CNAME replaces the first, as RFC 2136 §3.4.2.2 has it")
  void cnameReplaces() {
    Zone zone = base().edit().add(rr("www", 60, "CNAME", "a")).add(rr("www", 60, "CNAME", "b")).build();
    assertThat(zone.rrset(name("www"), Type.CNAME).records()).containsExactly(rr("www", 60, "CNAME", "b"));
  }

  @Test
  @DisplayName("record outside the zone is refused")
  void outsideZone() {
    assertThatThrownBy(() -> base().edit().add(rr("www.example.org.", 60, "A", "192.0.2.2")))
        .isInstanceOf(InvalidZoneException.class)
        .hasMessageContaining("outside");
    assertThatThrownBy(() -> base().edit().add(rr("com.", 60, "A", "192.0.2.2")))
        .isInstanceOf(InvalidZoneException.class);
  }

  @Test
  @DisplayName("records of another class than IN, and meta types, are refused")
  void classAndMetaType() throws IOException {
    Record chaos = Record.fromString(name("www"), Type.TXT, DClass.CH, 60, "\"x\"", ORIGIN);
    assertThatThrownBy(() -> base().edit().add(chaos)).isInstanceOf(InvalidZoneException.class);
    Record any = Record.newRecord(name("www"), Type.ANY, DClass.IN, 60);
    assertThatThrownBy(() -> base().edit().add(any)).isInstanceOf(InvalidZoneException.class);
  }

  /** A TXT record with this many bytes of data: strings of 255 characters, each a length byte more. */
  static Record txtOfLength(Name owner, int bytes) {
    List<String> strings = new ArrayList<>();
    for (int left = bytes; left > 0; left -= 256) {
      strings.add("x".repeat(Math.min(255, left - 1)));
    }
    return new TXTRecord(owner, DClass.IN, 60, strings);
  }

  @Test
  @DisplayName("record data over 65,535 bytes is refused (RFC 1035 §3.2.1: RDLENGTH has 16 bits)")
  void recordDataLimit() {
    Record largest = txtOfLength(name("big"), 65_535);
    assertThat(largest.rdataToWireCanonical()).hasSize(65_535);
    Zone zone = base().edit().add(largest).build();
    assertThat(zone.rrset(name("big"), Type.TXT).first()).isEqualTo(largest);

    Record over = txtOfLength(name("huge"), 76_800);
    assertThat(over.rdataToWireCanonical()).hasSize(76_800);
    assertThatThrownBy(() -> base().edit().add(over))
        .isInstanceOf(InvalidZoneException.class)
        .hasMessageContaining("huge.example.com. TXT has 76800 bytes of data")
        .hasMessageContaining("65535");
    Record unknown = Record.newRecord(name("odd"), 65534, DClass.IN, 60, new byte[70_000]);
    assertThatThrownBy(() -> base().edit().add(unknown)).isInstanceOf(InvalidZoneException.class);
  }

  @Test
  @DisplayName("one SOA only at the apex")
  void oneSoaAtApex() {
    assertThatThrownBy(() -> base().edit().add(rr("sub", 3600, "SOA", "ns1 hostmaster 1 2 3 4 5")))
        .isInstanceOf(InvalidZoneException.class)
        .hasMessageContaining("apex");
    Zone zone = base().edit().add(rr("@", 3600, "SOA", "ns1 hostmaster 7 2 3 4 5")).build();
    assertThat(zone.rrset(ORIGIN, Type.SOA).records()).hasSize(1);
    assertThat(zone.serial()).isEqualTo(7);
  }

  @Test
  @DisplayName("zone needs NS at the apex")
  void needsNs() {
    Zone.Editor noNs = base().edit().removeRRset(ORIGIN, Type.NS);
    assertThatThrownBy(noNs::build).isInstanceOf(InvalidZoneException.class).hasMessageContaining("NS");
    Zone.Editor noSoa = base().edit().removeRRset(ORIGIN, Type.SOA);
    assertThatThrownBy(noSoa::build).isInstanceOf(InvalidZoneException.class).hasMessageContaining("SOA");
    assertThatThrownBy(() -> Zone.empty(ORIGIN).edit().build()).isInstanceOf(InvalidZoneException.class);
  }

  @Test
  @DisplayName("RRset TTLs are made equal (RFC 2181 §5.2)")
  void ttlsEqual() {
    Zone zone =
        base().edit().add(rr("www", 300, "A", "192.0.2.2")).add(rr("www", 60, "A", "192.0.2.3")).build();
    RRset www = zone.rrset(name("www"), Type.A);
    assertThat(www.ttl()).isEqualTo(60);
    assertThat(www.records()).extracting(Record::getTTL).containsOnly(60L);

    Zone fewer = zone.edit().remove(rr("www", 999, "A", "192.0.2.3")).build();
    assertThat(fewer.rrset(name("www"), Type.A).records()).extracting(Record::getTTL).containsExactly(60L);
  }

  @Test
  @DisplayName("empty non-terminals exist and vanish with their last descendant")
  void emptyNonTerminals() {
    Zone zone =
        base()
            .edit()
            .add(rr("a.b.c", 60, "A", "192.0.2.2"))
            .add(rr("x.c", 60, "A", "192.0.2.3"))
            .build();
    assertThat(zone.exists(name("b.c"))).isTrue();
    assertThat(zone.exists(name("c"))).isTrue();
    assertThat(zone.rrsets(name("c"))).isEmpty();
    assertThat(zone.exists(name("z.c"))).isFalse();

    Zone less = zone.edit().remove(rr("a.b.c", 60, "A", "192.0.2.2")).build();
    assertThat(less.exists(name("a.b.c"))).isFalse();
    assertThat(less.exists(name("b.c"))).isFalse();
    assertThat(less.exists(name("c"))).as("still above x.c").isTrue();

    Zone none = less.edit().removeName(name("x.c")).build();
    assertThat(none.exists(name("c"))).isFalse();
    assertThat(none.exists(ORIGIN)).isTrue();
    assertThat(zone.exists(name("b.c"))).as("the older snapshot is unchanged").isTrue();
  }

  @Test
  @DisplayName("a name that owns data stays when its children go, and an ENT that gains data keeps its children")
  void dataAndChildren() {
    Zone zone =
        base()
            .edit()
            .add(rr("a.b", 60, "A", "192.0.2.2"))
            .add(rr("b", 60, "TXT", "\"b\""))
            .remove(rr("a.b", 60, "A", "192.0.2.2"))
            .build();
    assertThat(zone.exists(name("b"))).isTrue();
    assertThat(zone.exists(name("a.b"))).isFalse();

    Zone again = zone.edit().add(rr("a.b", 60, "A", "192.0.2.2")).removeName(name("b")).build();
    assertThat(again.exists(name("b"))).as("empty non-terminal above a.b").isTrue();
    Zone gone = again.edit().removeName(name("a.b")).build();
    assertThat(gone.exists(name("b"))).isFalse();
  }

  @Test
  @DisplayName("removed/added records report the net difference")
  void netDifference() {
    Zone zone = base().edit().add(rr("www", 300, "A", "192.0.2.2")).add(rr("www", 300, "A", "192.0.2.3")).build();

    Zone.Editor addRemove = zone.edit().add(rr("x", 60, "A", "192.0.2.9")).remove(rr("x", 60, "A", "192.0.2.9"));
    assertThat(addRemove.changed()).isFalse();
    assertThat(addRemove.addedRecords()).isEmpty();
    assertThat(addRemove.removedRecords()).isEmpty();

    Zone.Editor same = zone.edit().setRRset(name("www"), Type.A, zone.rrset(name("www"), Type.A).records());
    assertThat(same.changed()).isFalse();

    Zone.Editor one = zone.edit().remove(rr("www", 300, "A", "192.0.2.2")).add(rr("www", 300, "A", "192.0.2.4"));
    assertThat(one.removedRecords()).containsExactly(rr("www", 300, "A", "192.0.2.2"));
    assertThat(one.addedRecords()).containsExactly(rr("www", 300, "A", "192.0.2.4"));

    Zone.Editor ttl = zone.edit().add(rr("www", 60, "A", "192.0.2.3"));
    assertThat(ttl.removedRecords()).extracting(Record::getTTL).containsExactly(300L, 300L);
    assertThat(ttl.addedRecords()).extracting(Record::getTTL).containsExactly(60L, 60L);
  }

  @Test
  @DisplayName("a refused edit leaves the editor as it was")
  void refusedEditChangesNothing() {
    Zone zone = base().edit().add(rr("www", 60, "A", "192.0.2.2")).build();
    Zone.Editor editor = zone.edit();
    assertThatThrownBy(() -> editor.setRRset(name("www"), Type.A, List.of(rr("other", 60, "A", "192.0.2.3"))))
        .isInstanceOf(InvalidZoneException.class);
    assertThat(editor.changed()).isFalse();
    assertThat(editor.rrset(name("www"), Type.A)).isNotNull();
  }

  @Test
  @DisplayName("a refused edit after other edits keeps them, and a built zone ignores the editor's later edits")
  void editsAfterRefusalAndBuild() {
    Zone.Editor editor = base().edit();
    for (int i = 0; i < 200; i++) {
      editor.add(rr("h" + i, 60, "A", "192.0.2.1"));
    }
    List<Record> batch = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      batch.add(rr("g" + i, 60, "A", "192.0.2.2"));
    }
    batch.add(rr("h7", 60, "CNAME", "elsewhere.example."));
    assertThatThrownBy(() -> editor.addAll(batch)).isInstanceOf(InvalidZoneException.class);
    assertThat(editor.rrset(name("g0"), Type.A)).isNull();
    assertThat(editor.rrset(name("h199"), Type.A)).isNotNull();

    assertThat(editor.build().recordCount()).isEqualTo(base().recordCount() + 200);

    Zone.Editor again = base().edit();
    for (int i = 0; i < 200; i++) {
      again.add(rr("h" + i, 60, "A", "192.0.2.1"));
    }
    Zone built = again.build();
    for (int i = 0; i < 200; i++) {
      again.removeName(name("h" + i));
    }
    again.add(rr("late", 60, "A", "192.0.2.3"));
    assertThat(again.build().recordCount()).isEqualTo(base().recordCount() + 1);
    assertThat(built.recordCount()).isEqualTo(base().recordCount() + 200);
    for (int i = 0; i < 200; i++) {
      assertThat(built.rrset(name("h" + i), Type.A)).isNotNull();
    }
    assertThat(built.exists(name("late"))).isFalse();
  }

  @Test
  @DisplayName("record count, and records() with the SOA first")
  void countAndOrder() {
    Zone zone = base().edit().add(rr("a", 60, "A", "192.0.2.2")).add(rr("a", 60, "A", "192.0.2.3")).build();
    assertThat(zone.recordCount()).isEqualTo(5);
    assertThat(zone.records()).hasSize(5);
    assertThat(zone.records().get(0).getType()).isEqualTo(Type.SOA);
    assertThat(zone.edit().removeName(name("a")).build().recordCount()).isEqualTo(3);
    assertThat(zone.edit().clear().add(rr("@", 60, "SOA", "ns1 hostmaster 1 2 3 4 5")).add(rr("@", 60, "NS", "ns1")).build().recordCount())
        .isEqualTo(2);
  }

  @Test
  @DisplayName("the zone table finds the zone by longest suffix")
  void zoneTable() {
    Zone parent = base();
    Zone child =
        Zone.of(
            name("sub"),
            List.of(
                rr("sub", 60, "SOA", "ns1 hostmaster 1 2 3 4 5"),
                rr("sub", 60, "NS", "ns1")));
    ZoneTable table = ZoneTable.empty().with(parent).with(child);
    assertThat(table.find(name("a.b.sub"))).isSameAs(child);
    assertThat(table.find(name("a.b"))).isSameAs(parent);
    assertThat(table.find(name("example.org."))).isNull();
    assertThat(table.parentOf(name("sub"))).isSameAs(parent);
    assertThat(table.without(name("sub")).find(name("a.sub"))).isSameAs(parent);
  }
}
