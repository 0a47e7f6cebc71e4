package dev.dnsd.zone;

import static dev.dnsd.TestRecords.ORIGIN;
import static dev.dnsd.TestRecords.name;
import static dev.dnsd.TestRecords.rr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ZoneBuilderTest {
  private static final String[] OWNERS = {
    "@", "a", "b", "a.b", "x.y.z", "q.y.z", "*.w", "sub", "ns.sub", "deep.er.e.f", "www"
  };

  /** A random record of a small name space, where equal records, CNAME clashes and cuts are likely. */
  private static Record random(Random rnd) {
    String owner = OWNERS[rnd.nextInt(OWNERS.length)];
    long ttl = 60 * (1 + rnd.nextInt(3));
    return switch (rnd.nextInt(12)) {
      case 0, 1, 2 -> rr(owner, ttl, "A", "192.0.2." + rnd.nextInt(4));
      case 3 -> rr(owner, ttl, "AAAA", "2001:db8::" + rnd.nextInt(3));
      case 4 -> rr(owner, ttl, "TXT", "\"t" + rnd.nextInt(3) + "\"");
      case 5 -> rr(owner, ttl, "CNAME", "c" + rnd.nextInt(2));
      case 6 -> rr(owner, ttl, "MX", "10 mail" + rnd.nextInt(2));
      case 7 -> rr(owner.equals("@") ? "sub" : owner, ttl, "NS", "ns" + rnd.nextInt(2) + ".sub");
      case 8 -> rr(owner, ttl, "NSEC", "zzz A NSEC");
      case 9 -> rr("@", ttl, "DNSKEY", "256 3 13 AAAAAQ" + rnd.nextInt(2) + "A");
      case 10 -> rr(owner, ttl, "DNAME", "d" + rnd.nextInt(2) + ".example.net.");
      default -> rr("@", 3600, "SOA", "ns1 hostmaster " + rnd.nextInt(3) + " 7200 3600 1209600 300");
    };
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  @DisplayName("the builder gives what an editor adding the same records one by one gives, or refuses as it does")
  void sameAsEditor(long seed) {
    Random rnd = new Random(seed);
    for (int trial = 0; trial < 300; trial++) {
      List<Record> records = new ArrayList<>();
      records.add(rr("@", 3600, "SOA", "ns1 hostmaster 1 7200 3600 1209600 300"));
      records.add(rr("@", 3600, "NS", "ns1"));
      int n = rnd.nextInt(30);
      for (int i = 0; i < n; i++) {
        records.add(random(rnd));
      }
      if (rnd.nextBoolean()) {
        // Grouped by owner, as a store's index gives them: the builder's one-pass way.
        records.sort((x, y) -> x.getName().compareTo(y.getName()));
      } else {
        Collections.shuffle(records, rnd);
      }
      Zone byEditor = orNull(() -> {
        Zone.Editor e = Zone.empty(ORIGIN).edit();
        records.forEach(e::add);
        return e.build();
      });
      Zone byBuilder = orNull(() -> {
        Zone.Builder b = Zone.builder(ORIGIN);
        records.forEach(b::add);
        return b.build();
      });
      String what = "trial " + trial + " of " + records;
      if (byEditor == null || byBuilder == null) {
        assertThat(byBuilder).as(what).isNull();
        assertThat(byEditor).as(what).isNull();
        continue;
      }
      assertSameZone(byBuilder, byEditor, what);
      // Children counts and empty non-terminals must be right for the edits that follow.
      Zone.Editor later = byBuilder.edit();
      Zone.Editor laterByEditor = byEditor.edit();
      for (Record r : byEditor.records()) {
        if (r.getType() != Type.SOA && r.getType() != Type.NS && rnd.nextInt(3) == 0) {
          later.remove(r);
          laterByEditor.remove(r);
        }
      }
      assertSameZone(later.build(), laterByEditor.build(), "after removals, " + what);
    }
  }

  private static Zone orNull(Supplier<Zone> build) {
    try {
      return build.get();
    } catch (InvalidZoneException e) {
      return null;
    }
  }

  private static void assertSameZone(Zone actual, Zone expected, String what) {
    assertThat(wire(actual.records())).as(what).isEqualTo(wire(expected.records()));
    assertThat(actual.recordCount()).as(what).isEqualTo(expected.recordCount());
    assertThat(actual.isSigned()).as(what).isEqualTo(expected.isSigned());
    for (String text : new String[] {
        "@", "a", "b", "a.b", "y.z", "z", "x.y.z", "w", "*.w", "sub", "e.f", "er.e.f", "deep.er.e.f",
        "www", "nothere", "zzz"}) {
      Name n = name(text);
      assertThat(actual.exists(n)).as(text + " exists, " + what).isEqualTo(expected.exists(n));
      assertThat(actual.rrsets(n)).as(text + ", " + what)
          .extracting(RRset::type).containsExactlyElementsOf(
              expected.rrsets(n).stream().map(RRset::type).toList());
      assertThat(String.valueOf(actual.nsecAtOrBefore(n)))
          .as(text + " NSEC, " + what).isEqualTo(String.valueOf(expected.nsecAtOrBefore(n)));
    }
  }

  /** Records as their exact wire forms, TTL and case included, in the zone's order. */
  private static List<String> wire(List<Record> records) {
    List<String> out = new ArrayList<>();
    for (Record r : records) {
      out.add(java.util.HexFormat.of().formatHex(r.toWire(Section.ANSWER)));
    }
    return out;
  }

  @Test
  @DisplayName("the builder checks each record as it comes, and the apex when it builds")
  void rules() {
    assertThatThrownBy(() -> Zone.builder(ORIGIN).add(rr("x.example.net.", 60, "A", "192.0.2.1")))
        .isInstanceOf(InvalidZoneException.class)
        .hasMessageContaining("outside zone");
    assertThatThrownBy(() -> Zone.builder(ORIGIN)
            .add(rr("www", 60, "CNAME", "a"))
            .add(rr("www", 60, "A", "192.0.2.1"))
            .build())
        .isInstanceOf(InvalidZoneException.class)
        .hasMessageContaining("CNAME");
    assertThatThrownBy(() -> Zone.builder(ORIGIN).add(rr("@", 60, "NS", "ns1")).build())
        .isInstanceOf(InvalidZoneException.class)
        .hasMessageContaining("no SOA");
    Zone.Builder used = Zone.builder(ORIGIN)
        .add(rr("@", 3600, "SOA", "ns1 hostmaster 1 7200 3600 1209600 300"))
        .add(rr("@", 3600, "NS", "ns1"));
    used.build();
    assertThatThrownBy(used::build).isInstanceOf(IllegalStateException.class);
  }

  @Test
  @DisplayName("a zone of many names under one parent and an empty non-terminal above others")
  void manyNames() {
    Zone.Builder b = Zone.builder(ORIGIN)
        .add(rr("@", 3600, "SOA", "ns1 hostmaster 1 7200 3600 1209600 300"))
        .add(rr("@", 3600, "NS", "ns1"));
    for (int i = 0; i < 20_000; i++) {
      b.add(rr(String.format("h%07d", i), 60, i % 4 == 3 ? "AAAA" : "A", i % 4 == 3 ? "2001:db8::1" : "192.0.2.1"));
      b.add(rr(String.format("x%05d.ent", i), 60, "TXT", "\"x\""));
    }
    Zone zone = b.build();
    assertThat(zone.recordCount()).as("enough names for the trie's two-thread build").isEqualTo(40_002)
        .isGreaterThan(Zone.Builder.PARALLEL_PUTS);
    Zone.Editor byEditor = Zone.empty(ORIGIN).edit();
    zone.records().forEach(byEditor::add);
    assertSameZone(zone, byEditor.build(), "20,000 names under the apex, 20,000 under an empty non-terminal");
    assertThat(zone.rrset(name("h0019998"), Type.A)).isNotNull();
    assertThat(zone.rrset(name("h0000003"), Type.AAAA)).isNotNull();
    assertThat(zone.exists(name("ent"))).isTrue();
    assertThat(zone.rrsets(name("ent"))).isEmpty();
    Zone.Editor e = zone.edit();
    for (int i = 0; i < 20_000; i++) {
      e.removeName(name(String.format("x%05d.ent", i)));
    }
    Zone less = e.build();
    assertThat(less.exists(name("ent"))).as("the last child went").isFalse();
    assertThat(zone.exists(name("ent"))).as("the built zone is unchanged").isTrue();
  }
}
