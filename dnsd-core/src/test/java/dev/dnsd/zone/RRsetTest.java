package dev.dnsd.zone;

import static dev.dnsd.TestRecords.name;
import static dev.dnsd.TestRecords.rr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class RRsetTest {

  @Test
  @DisplayName("an RRset of one record: that record, in an unmodifiable list, with its owner, type and TTL")
  void oneRecord() {
    Record a = rr("www", 300, "A", "192.0.2.1");
    RRset set = RRset.of(300, List.of(a));
    assertThat(set.records()).containsExactly(a);
    assertThat(set.first()).isSameAs(a);
    assertThat(set.owner()).isEqualTo(name("www"));
    assertThat(set.type()).isEqualTo(Type.A);
    assertThat(set.ttl()).isEqualTo(300);
    assertThatThrownBy(() -> set.records().add(a)).isInstanceOf(UnsupportedOperationException.class);
    List<Record> section = new ArrayList<>(List.of(b("x")));
    set.addTo(section);
    assertThat(section).containsExactly(b("x"), a);
  }

  private static Record b(String owner) {
    return rr(owner, 60, "A", "192.0.2.9");
  }

  @Test
  @DisplayName("an RRset of several records keeps their order and gives them all one TTL")
  void severalRecords() {
    Record a = rr("www", 300, "A", "192.0.2.1");
    Record b = rr("www", 60, "A", "192.0.2.2");
    RRset set = RRset.of(120, List.of(a, b));
    assertThat(set.records()).extracting(Record::rdataToString).containsExactly("192.0.2.1", "192.0.2.2");
    assertThat(set.records()).extracting(Record::getTTL).containsOnly(120L);
    assertThat(set.first().rdataToString()).isEqualTo("192.0.2.1");
    List<Record> section = new ArrayList<>();
    set.addTo(section);
    assertThat(section).isEqualTo(set.records());
  }

  @Test
  @DisplayName("the largest TTL, 2^31 - 1, is kept whole; one with the top bit set is refused (RFC 2181 §8)")
  void ttlRange() {
    Record a = rr("www", 300, "A", "192.0.2.1");
    RRset max = RRset.of(0x7FFF_FFFFL, List.of(a));
    assertThat(max.ttl()).isEqualTo(0x7FFF_FFFFL);
    assertThat(max.first().getTTL()).isEqualTo(0x7FFF_FFFFL);
    assertThatThrownBy(() -> RRset.of(0x8000_0000L, List.of(a)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RFC 2181");
    assertThatThrownBy(() -> RRset.of(-1, List.of(a))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("the RRSIG RRset's TTL is its largest signature's, whatever TTL is passed")
  void signatures() {
    Record s1 = rr("www", 300, "RRSIG", "A 13 3 300 20300101000000 20200101000000 1 example.com. AAAA");
    Record s2 = rr("www", 900, "RRSIG", "AAAA 13 3 900 20300101000000 20200101000000 1 example.com. AAAA");
    RRset set = RRset.of(0, List.of(s1, s2));
    assertThat(set.ttl()).isEqualTo(900);
    assertThat(set.records()).extracting(Record::getTTL).containsExactly(300L, 900L);
  }
}
