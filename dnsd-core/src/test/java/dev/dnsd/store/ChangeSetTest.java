package dev.dnsd.store;

import static dev.dnsd.TestRecords.ORIGIN;
import static dev.dnsd.TestRecords.a;
import static dev.dnsd.TestRecords.dump;
import static dev.dnsd.TestRecords.name;
import static dev.dnsd.TestRecords.rr;
import static dev.dnsd.TestRecords.zoneRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class ChangeSetTest {
  private InMemoryRecordStore store;

  @BeforeEach
  void createZone() {
    store = new InMemoryRecordStore();
    store.commit(ChangeSet.builder().createZone(ORIGIN, zoneRecords(ORIGIN, 100)).build());
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Zone zone() {
    return store.zones().get(ORIGIN);
  }

  @Test
  @DisplayName("each commit that changes a zone increases its serial by one")
  void serialIncreases() {
    store.commit(ChangeSet.builder().add(a("www", 1)).build());
    assertThat(zone().serial()).isEqualTo(101);
    store.commit(ChangeSet.builder().add(a("www", 2)).remove(a("www", 1)).build());
    assertThat(zone().serial()).isEqualTo(102);
  }

  @Test
  @DisplayName("a change set that sets the SOA keeps its serial")
  void soaSetByChange() {
    store.commit(ChangeSet.builder().add(a("www", 1)).add(zoneRecords(ORIGIN, 5000).get(0)).build());
    assertThat(zone().serial()).isEqualTo(5000);
  }

  @Test
  @DisplayName("the serial wraps from 2^32-1 to 0 (RFC 1982)")
  void serialWraps() {
    store.commit(ChangeSet.builder().add(zoneRecords(ORIGIN, 4294967295L).get(0)).build());
    store.commit(ChangeSet.builder().add(a("www", 1)).build());
    assertThat(zone().serial()).isZero();
  }

  @Test
  @DisplayName("a change set that changes nothing takes no version and keeps the serial")
  void noOp() {
    long version = store.version();
    Change change = store.commit(ChangeSet.builder().remove(a("absent", 1)).add(zoneRecords(ORIGIN, 100).get(1)).build());
    assertThat(change.isEmpty()).isTrue();
    assertThat(change.version()).isEqualTo(version);
    assertThat(store.version()).isEqualTo(version);
    assertThat(zone().serial()).isEqualTo(100);
  }

  @Test
  @DisplayName("a failing change set changes nothing (atomic)")
  void atomic() {
    ZoneTable before = store.zones();
    Name other = name("other.org.");
    ChangeSet bad =
        ChangeSet.builder()
            .add(a("www", 1))
            .createZone(other, zoneRecords(other, 1))
            .deleteZone(ORIGIN)
            .createZone(ORIGIN, zoneRecords(ORIGIN, 1))
            .add(a("www", 2))
            .add(rr("www", 60, "CNAME", "elsewhere"))
            .build();
    assertThatThrownBy(() -> store.commit(bad)).isInstanceOf(InvalidZoneException.class);
    assertThat(store.zones()).isSameAs(before);
    assertThat(store.changesSince(before.version(), 10)).contains(List.of());
  }

  @Test
  @DisplayName("record data over 65,535 bytes from code is refused at commit, whatever the edit")
  void oversizeRecordData() {
    ZoneTable before = store.zones();
    List<String> strings = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      strings.add("x".repeat(255));
    }
    Record huge = new TXTRecord(name("huge"), DClass.IN, 60, strings);
    Name other = name("other.org.");
    List<Record> otherZone = new ArrayList<>(zoneRecords(other, 1));
    otherZone.add(huge.withName(name("huge.other.org.")));
    for (ChangeSet bad :
        List.of(
            ChangeSet.builder().add(huge).build(),
            ChangeSet.builder().setRRset(huge.getName(), Type.TXT, List.of(huge)).build(),
            ChangeSet.builder().createZone(other, otherZone).build(),
            ChangeSet.builder().replaceZone(ORIGIN, List.of(zoneRecords(ORIGIN, 101).get(0), zoneRecords(ORIGIN, 101).get(1), huge)).build())) {
      assertThatThrownBy(() -> store.commit(bad))
          .isInstanceOf(InvalidZoneException.class)
          .hasMessageContaining("76800 bytes");
    }
    assertThat(store.zones()).isSameAs(before);
  }

  @Test
  @DisplayName("create, replace and delete a zone")
  void zoneLifecycle() {
    Name other = name("other.org.");
    Change created = store.commit(ChangeSet.builder().createZone(other, zoneRecords(other, 1)).build());
    assertThat(created.zones()).singleElement().satisfies(zc -> {
      assertThat(zc.kind()).isEqualTo(ZoneChange.Kind.CREATED);
      assertThat(zc.added()).hasSize(2);
    });
    assertThatThrownBy(() -> store.commit(ChangeSet.builder().createZone(other, zoneRecords(other, 1)).build()))
        .isInstanceOf(InvalidZoneException.class)
        .hasMessageContaining("exists");

    List<org.xbill.DNS.Record> content = new ArrayList<>(zoneRecords(other, 7));
    content.add(rr("www.other.org.", 60, "A", "192.0.2.1"));
    Change replaced = store.commit(ChangeSet.builder().replaceZone(other, content).build());
    ZoneChange zc = replaced.zones().get(0);
    assertThat(zc.kind()).isEqualTo(ZoneChange.Kind.MODIFIED);
    assertThat(zc.oldSoa().getSerial()).isEqualTo(1);
    assertThat(zc.newSoa().getSerial()).isEqualTo(7);
    assertThat(store.zones().get(other).recordCount()).isEqualTo(3);

    Change deleted = store.commit(ChangeSet.builder().deleteZone(other).build());
    assertThat(deleted.zones().get(0).kind()).isEqualTo(ZoneChange.Kind.DELETED);
    assertThat(store.zones().get(other)).isNull();
    assertThatThrownBy(() -> store.commit(ChangeSet.builder().deleteZone(other).build()))
        .isInstanceOf(InvalidZoneException.class);
  }

  @Test
  @DisplayName("records go to the zone with the longest matching origin; no zone, no record")
  void routing() {
    Name child = name("sub.example.com.");
    store.commit(ChangeSet.builder().createZone(child, zoneRecords(child, 1)).add(a("x.sub", 1)).add(a("y", 1)).build());
    assertThat(store.zones().get(child).rrset(name("x.sub"), Type.A)).isNotNull();
    assertThat(zone().rrset(name("x.sub"), Type.A)).isNull();
    assertThat(zone().rrset(name("y"), Type.A)).isNotNull();
    assertThatThrownBy(() -> store.commit(ChangeSet.builder().add(rr("a.example.org.", 60, "A", "192.0.2.1")).build()))
        .isInstanceOf(InvalidZoneException.class);
  }

  @Test
  @DisplayName("ChangeSet.replaying(change) applied to another store yields identical zones")
  void replaying() {
    InMemoryRecordStore secondary = new InMemoryRecordStore();
    List<ChangeSet> sets =
        List.of(
            ChangeSet.builder().add(a("www", 1)).add(a("www", 2)).add(rr("mail", 60, "MX", "10 www")).build(),
            ChangeSet.builder().add(rr("www", 30, "A", "10.0.0.1")).build(), // a TTL change of the RRset
            ChangeSet.builder().removeRRset(name("www"), Type.A).add(rr("www", 60, "CNAME", "mail")).build(),
            ChangeSet.builder().createZone(name("b.org."), zoneRecords(name("b.org."), 9)).add(rr("x.b.org.", 5, "TXT", "\"t\"")).build(),
            ChangeSet.builder().setRRset(ORIGIN, Type.NS, List.of(rr("@", 60, "NS", "ns2"))).removeName(name("mail")).build(),
            ChangeSet.builder().add(zoneRecords(ORIGIN, 77).get(0)).build(),
            ChangeSet.builder().deleteZone(name("b.org.")).build(),
            ChangeSet.builder().replaceZone(ORIGIN, zoneRecords(ORIGIN, 78)).build());
    for (Change c : store.changesSince(0, 100).orElseThrow()) {
      secondary.commit(ChangeSet.replaying(c));
    }
    for (ChangeSet set : sets) {
      Change change = store.commit(set);
      Change replayed = secondary.commit(ChangeSet.replaying(change));
      assertThat(replayed.version()).isEqualTo(change.version());
      assertSameEffect(replayed, change);
      assertThat(secondary.zones().zones()).hasSameSizeAs(store.zones().zones());
      for (Zone z : store.zones().zones()) {
        assertThat(dump(secondary.zones().get(z.origin()))).as("after %s", set).isEqualTo(dump(z));
      }
    }
    secondary.close();
  }

  /** The same zone changes; the order of records within one may differ. */
  private static void assertSameEffect(Change actual, Change expected) {
    assertThat(actual.zones()).hasSameSizeAs(expected.zones());
    for (int i = 0; i < expected.zones().size(); i++) {
      ZoneChange a = actual.zones().get(i);
      ZoneChange e = expected.zones().get(i);
      assertThat(a.origin()).isEqualTo(e.origin());
      assertThat(a.kind()).isEqualTo(e.kind());
      assertThat(a.oldSoa()).isEqualTo(e.oldSoa());
      assertThat(a.newSoa()).isEqualTo(e.newSoa());
      assertThat(a.removed()).containsExactlyInAnyOrderElementsOf(e.removed());
      assertThat(a.added()).containsExactlyInAnyOrderElementsOf(e.added());
    }
  }
}
