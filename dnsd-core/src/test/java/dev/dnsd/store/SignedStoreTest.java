package dev.dnsd.store;

import static dev.dnsd.TestRecords.ORIGIN;
import static dev.dnsd.TestRecords.name;
import static dev.dnsd.TestRecords.rr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.ManualClock;
import dev.dnsd.RandomEdits;
import dev.dnsd.SignedZoneCheck;
import dev.dnsd.TestRecords;
import dev.dnsd.dnssec.DnssecAlgorithm;
import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.dnssec.DnssecStatus;
import dev.dnsd.dnssec.KeyRole;
import dev.dnsd.dnssec.SigningKey;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class SignedStoreTest {
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  static List<Record> records() {
    List<Record> out = new ArrayList<>(TestRecords.zoneRecords(ORIGIN, 1));
    out.add(rr("ns1", 300, "A", "192.0.2.1"));
    out.add(rr("www", 300, "A", "192.0.2.2"));
    out.add(rr("a.b", 300, "TXT", "\"below an empty non-terminal\""));
    return out;
  }

  static InMemoryRecordStore signedStore(ManualClock clock, DnssecPolicy policy) {
    InMemoryRecordStore store = new InMemoryRecordStore(RecordStore.DEFAULT_HISTORY, clock);
    store.commit(ChangeSet.builder().createZone(ORIGIN, records()).sign(ORIGIN, policy).build());
    return store;
  }

  static Zone zone(RecordStore store) {
    return store.zones().get(ORIGIN);
  }

  @ParameterizedTest
  @EnumSource(DnssecPolicy.Denial.class)
  @DisplayName("a zone created and signed in one change is signed whole, with one CSK whose DS the parent should hold")
  void signsOnCreate(DnssecPolicy.Denial denial) {
    ManualClock clock = new ManualClock(START);
    InMemoryRecordStore store = signedStore(clock, DnssecPolicy.builder().denial(denial).build());
    SignedZoneCheck.check(zone(store), START);
    DnssecStatus status = store.dnssec(ORIGIN);
    assertThat(status.keys()).singleElement().satisfies(k -> {
      assertThat(k.role()).isEqualTo(KeyRole.CSK);
      assertThat(k.state()).isEqualTo(DnssecStatus.State.ACTIVE);
    });
    assertThat(status.ds()).singleElement().satisfies(ds -> assertThat(ds.getFootprint()).isEqualTo(status.keys().get(0).tag()));
    assertThat(zone(store).rrset(ORIGIN, Type.CDS)).isNotNull();
    assertThat(zone(store).rrset(ORIGIN, Type.CDNSKEY)).isNotNull();
  }

  @Test
  @DisplayName("a commit to a signed zone carries the signatures and NSEC records of its change, and a store without keys replaying it has the signed zone")
  void changesCarrySignatures() {
    ManualClock clock = new ManualClock(START);
    InMemoryRecordStore primary = signedStore(clock, DnssecPolicy.defaults());
    InMemoryRecordStore secondary = new InMemoryRecordStore();
    secondary.commit(ChangeSet.replaying(primary.changesSince(0, 10).orElseThrow().get(0)));
    Change change = primary.commit(ChangeSet.builder().add(rr("new", 300, "A", "192.0.2.9")).build());
    ZoneChange zc = change.zones().get(0);
    assertThat(zc.added()).anySatisfy(r -> assertThat(r).isInstanceOf(RRSIGRecord.class));
    assertThat(zc.added()).anySatisfy(r -> assertThat(r.getType()).isEqualTo(Type.NSEC));
    secondary.commit(ChangeSet.replaying(change));
    assertThat(zone(secondary).records()).containsExactlyInAnyOrderElementsOf(zone(primary).records());
    assertThat(secondary.dnssec(ORIGIN)).as("the secondary holds no keys").isNull();
    SignedZoneCheck.check(zone(secondary), START);
  }

  @Test
  @DisplayName("the DNSSEC records of a signed zone are the signer's: editing them is refused")
  void dnssecRecordsAreNotEditable() {
    InMemoryRecordStore store = signedStore(new ManualClock(START), DnssecPolicy.defaults());
    Record nsec = zone(store).rrset(ORIGIN, Type.NSEC).first();
    assertThatThrownBy(() -> store.commit(ChangeSet.builder().remove(nsec).build()))
        .isInstanceOf(InvalidZoneException.class).hasMessageContaining("signer's");
    assertThatThrownBy(() -> store.commit(ChangeSet.builder().removeRRset(ORIGIN, Type.DNSKEY).build()))
        .isInstanceOf(InvalidZoneException.class);
  }

  @Test
  @DisplayName("replacing a signed zone with the same data is no change; with other data it is signed anew")
  void replaceZone() {
    InMemoryRecordStore store = signedStore(new ManualClock(START), DnssecPolicy.defaults());
    long version = store.version();
    assertThat(store.commit(ChangeSet.builder().replaceZone(ORIGIN, records()).build()).isEmpty()).isTrue();
    assertThat(store.version()).isEqualTo(version);
    List<Record> more = new ArrayList<>(records());
    more.add(rr("mail", 300, "A", "192.0.2.25"));
    store.commit(ChangeSet.builder().replaceZone(ORIGIN, more).build());
    SignedZoneCheck.check(zone(store), START);
    assertThat(zone(store).rrset(name("mail"), Type.NSEC)).isNotNull();
  }

  @Test
  @DisplayName("NSEC to NSEC3 to unsigned, each one change; unsigned leaves the data and no keys")
  void switches() {
    InMemoryRecordStore store = signedStore(new ManualClock(START), DnssecPolicy.defaults());
    store.commit(ChangeSet.builder().sign(ORIGIN, DnssecPolicy.builder().denial(DnssecPolicy.Denial.NSEC3).build()).build());
    SignedZoneCheck.check(zone(store), START);
    assertThat(zone(store).nsec3Param()).isNotNull();
    store.commit(ChangeSet.builder().unsign(ORIGIN).build());
    assertThat(zone(store).isSigned()).isFalse();
    assertThat(store.dnssec(ORIGIN)).isNull();
    List<Record> data = new ArrayList<>(zone(store).records());
    data.removeIf(r -> r.getType() == Type.SOA);
    List<Record> expected = new ArrayList<>(records());
    expected.removeIf(r -> r.getType() == Type.SOA);
    assertThat(data).containsExactlyInAnyOrderElementsOf(expected);
  }

  @ParameterizedTest
  @EnumSource(DnssecPolicy.Denial.class)
  @DisplayName("after random commits the zone is signed right, and a secondary replaying the log has it exactly")
  void randomCommits(DnssecPolicy.Denial denial) {
    ManualClock clock = new ManualClock(START);
    InMemoryRecordStore store = signedStore(clock, DnssecPolicy.builder().denial(denial).build());
    InMemoryRecordStore secondary = new InMemoryRecordStore();
    RandomEdits edits = new RandomEdits(ORIGIN, 5 + denial.ordinal());
    long replayed = 0;
    for (int i = 0; i < 120; i++) {
      clock.advance(Duration.ofMinutes(1));
      try {
        store.commit(edits.next(zone(store)));
      } catch (InvalidZoneException e) {
        // refused whole, as a CNAME beside data should be
      }
      SignedZoneCheck.checkStructure(zone(store));
    }
    for (Change c : store.changesSince(replayed, 10_000).orElseThrow()) {
      secondary.commit(ChangeSet.replaying(c));
    }
    SignedZoneCheck.check(zone(store), clock.instant());
    assertThat(zone(secondary).records()).containsExactlyInAnyOrderElementsOf(zone(store).records());
  }

  @Test
  @DisplayName("signatures are made anew in the background before they expire, in batches of resignBatch")
  void resigns() {
    ManualClock clock = new ManualClock(START);
    DnssecPolicy policy = DnssecPolicy.builder().resignBatch(2).build();
    InMemoryRecordStore store = signedStore(clock, policy);
    assertThat(store.dnssec(ORIGIN).nextEvent()).isAfter(START.plus(Duration.ofDays(9)));
    clock.advance(Duration.ofDays(12));
    long before = store.version();
    int commits = Maintenance.run(store, ORIGIN);
    assertThat(commits).isGreaterThan(2);
    for (Change c : store.changesSince(before, 10_000).orElseThrow()) {
      long signatures = c.zones().get(0).added().stream().filter(r -> r.getType() == Type.RRSIG).count();
      // A batch ends at the end of a name, and the SOA's new serial is signed too.
      assertThat(signatures).as("signatures made in change %d", c.version()).isLessThanOrEqualTo(2 + 4 + 1);
    }
    for (Record r : zone(store).records()) {
      if (r instanceof RRSIGRecord sig) {
        assertThat(sig.getExpire()).isAfter(clock.instant().plus(policy.signatureRefresh()));
      }
    }
    SignedZoneCheck.check(zone(store), clock.instant());
  }

  @Test
  @DisplayName("an imported BIND key signs the zone signed in the same change; a key alone is refused")
  void importedKey() {
    InMemoryRecordStore store = new InMemoryRecordStore(100, new ManualClock(START));
    SigningKey key = SigningKey.generate(ORIGIN, DnssecAlgorithm.ED25519, true);
    assertThatThrownBy(() -> store.commit(ChangeSet.builder().createZone(ORIGIN, records())
            .importKey(ORIGIN, key, KeyRole.CSK).build()))
        .hasMessageContaining("no DNSSEC policy");
    store.commit(ChangeSet.builder().createZone(ORIGIN, records())
        .importKey(ORIGIN, key, KeyRole.CSK).sign(ORIGIN, DnssecPolicy.of(DnssecAlgorithm.ED25519)).build());
    assertThat(store.dnssec(ORIGIN).keys()).extracting(DnssecStatus.Key::tag).containsExactly(key.tag());
    SignedZoneCheck.check(zone(store), START);
    assertThatThrownBy(() -> store.commit(ChangeSet.builder().sign(ORIGIN, DnssecPolicy.defaults()).build()))
        .hasMessageContaining("does not roll algorithms");
  }

  /** Runs the background upkeep by hand, as the server does, until nothing is due. */
  static final class Maintenance {
    static int run(RecordStore store, org.xbill.DNS.Name origin) {
      int commits = 0;
      for (int i = 0; i < 10_000; i++) {
        DnssecStatus status = store.dnssec(origin);
        if (status == null || status.nextEvent().isAfter(store.clock().instant())) {
          return commits;
        }
        if (!store.commit(ChangeSet.builder().maintainSigning(origin).build()).isEmpty()) {
          commits++;
        }
      }
      throw new AssertionError("the zone's upkeep never settles");
    }
  }
}
