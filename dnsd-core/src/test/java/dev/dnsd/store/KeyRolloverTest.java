package dev.dnsd.store;

import static dev.dnsd.TestRecords.ORIGIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.ManualClock;
import dev.dnsd.SignedZoneCheck;
import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.dnssec.DnssecStatus;
import dev.dnsd.dnssec.KeyRole;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.RRset;
import dev.dnsd.zone.Zone;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Key rollovers as RFC 7583 has them, followed event by event on a manual clock: at every step the
 * zone validates, no key signs data before its DNSKEY had time to reach every cache, and no
 * DNSKEY goes while signatures by it may still be cached.
 */
class KeyRolloverTest {
  private static final Instant START = SignedStoreTest.START;

  private static DnssecPolicy.Builder policy() {
    return DnssecPolicy.builder().propagationDelay(Duration.ofHours(1)).dnskeyTtl(Duration.ofHours(1));
  }

  /** Watches a zone's keys through a rollover and checks the timing rules at each step. */
  private static final class Watch {
    final InMemoryRecordStore store;
    final ManualClock clock;
    final Duration publishSafety;
    final Map<Integer, Instant> firstPublished = new HashMap<>();
    final Map<Integer, Instant> lastSigned = new HashMap<>();
    Set<Integer> initial;

    Watch(InMemoryRecordStore store, ManualClock clock, DnssecPolicy policy) {
      this.store = store;
      this.clock = clock;
      this.publishSafety = policy.publishSafety();
      observe();
      initial = new HashSet<>(firstPublished.keySet());
    }

    Zone zone() {
      return store.zones().get(ORIGIN);
    }

    DnssecStatus status() {
      return store.dnssec(ORIGIN);
    }

    /** Goes to the zone's next event (at most {@code limit} ahead), runs the upkeep, checks. */
    void step(Duration limit) {
      Instant next = status().nextEvent();
      Instant cap = clock.instant().plus(limit);
      clock.set(next.isAfter(cap) ? cap : next);
      SignedStoreTest.Maintenance.run(store, ORIGIN);
      observe();
    }

    void observe() {
      Instant now = clock.instant();
      Zone zone = zone();
      SignedZoneCheck.check(zone, now);
      Set<Integer> published = new HashSet<>();
      for (Record r : zone.rrset(ORIGIN, Type.DNSKEY).records()) {
        int tag = ((DNSKEYRecord) r).getFootprint();
        published.add(tag);
        firstPublished.putIfAbsent(tag, now);
      }
      for (Record r : zone.records()) {
        if (r instanceof RRSIGRecord sig && !isKeyType(sig.getTypeCovered())) {
          int tag = sig.getFootprint();
          if (initial != null && !initial.contains(tag)) {
            assertThat(Duration.between(firstPublished.get(tag), now))
                .as("key %d signs data only after its DNSKEY reached every cache", tag)
                .isGreaterThanOrEqualTo(publishSafety);
          }
          lastSigned.put(tag, now);
        }
      }
      for (int tag : new HashSet<>(lastSigned.keySet())) {
        if (!published.contains(tag)) {
          assertThat(Duration.between(lastSigned.get(tag), now))
              .as("key %d is withdrawn only after its signatures left every cache", tag)
              .isGreaterThanOrEqualTo(Duration.ofHours(1));
          lastSigned.remove(tag);
        }
      }
    }

    List<DnssecStatus.State> states(KeyRole role) {
      return status().keys().stream().filter(k -> k.role() == role).map(DnssecStatus.Key::state).toList();
    }

    int cdsTag() {
      RRset cds = zone().rrset(ORIGIN, Type.CDS);
      assertThat(cds.records()).hasSize(1);
      return ((CDSRecord) cds.first()).getFootprint();
    }
  }

  private static boolean isKeyType(int type) {
    return type == Type.DNSKEY || type == Type.CDS || type == Type.CDNSKEY;
  }

  @Test
  @DisplayName("the ZSK rolls by itself at the end of its lifetime: published, then signing, then withdrawn")
  void automaticZskRollover() {
    ManualClock clock = new ManualClock(START);
    DnssecPolicy p = policy().keys(DnssecPolicy.KeyScheme.KSK_ZSK).zskLifetime(Duration.ofDays(10)).build();
    Watch w = new Watch(SignedStoreTest.signedStore(clock, p), clock, p);
    int oldZsk = w.status().keys().stream().filter(k -> k.role() == KeyRole.ZSK).findFirst().orElseThrow().tag();
    assertThat(w.states(KeyRole.ZSK)).containsExactly(DnssecStatus.State.ACTIVE);
    assertThat(w.status().nextEvent()).isEqualTo(START.plus(Duration.ofDays(10)).minus(p.publishSafety()));
    w.step(Duration.ofDays(20));
    assertThat(w.states(KeyRole.ZSK)).containsExactly(DnssecStatus.State.ACTIVE, DnssecStatus.State.PUBLISHED);
    int guard = 0;
    while (w.status().keys().stream().anyMatch(k -> k.tag() == oldZsk) && guard++ < 50) {
      w.step(Duration.ofDays(1));
    }
    assertThat(w.states(KeyRole.ZSK)).containsExactly(DnssecStatus.State.ACTIVE);
    assertThat(w.status().keys()).noneMatch(k -> k.tag() == oldZsk);
    assertThat(clock.instant()).isBefore(START.plus(Duration.ofDays(11)));
  }

  @Test
  @DisplayName("a KSK rollover publishes the new key's CDS once it is safe, and withdraws the old KSK after the operator confirms the parent's DS")
  void kskRollover() {
    ManualClock clock = new ManualClock(START);
    DnssecPolicy p = policy().keys(DnssecPolicy.KeyScheme.KSK_ZSK).zskLifetime(null).build();
    Watch w = new Watch(SignedStoreTest.signedStore(clock, p), clock, p);
    int oldKsk = w.cdsTag();
    assertThatThrownBy(() -> w.store.commit(ChangeSet.builder().confirmDs(ORIGIN).build()))
        .isInstanceOf(InvalidZoneException.class).hasMessageContaining("no KSK or CSK rollover");
    w.store.commit(ChangeSet.builder().rollover(ORIGIN, KeyRole.KSK).build());
    w.observe();
    assertThat(w.states(KeyRole.KSK)).containsExactly(DnssecStatus.State.ACTIVE, DnssecStatus.State.PUBLISHED);
    assertThat(w.cdsTag()).isEqualTo(oldKsk);
    assertThatThrownBy(() -> w.store.commit(ChangeSet.builder().confirmDs(ORIGIN).build()))
        .hasMessageContaining("not published long enough");
    assertThatThrownBy(() -> w.store.commit(ChangeSet.builder().rollover(ORIGIN, KeyRole.KSK).build()))
        .hasMessageContaining("under way");
    w.step(Duration.ofDays(1));
    int newKsk = w.cdsTag();
    assertThat(newKsk).isNotEqualTo(oldKsk);
    assertThat(w.status().ds()).singleElement().satisfies(ds -> assertThat(ds.getFootprint()).isEqualTo(newKsk));
    // Without the confirmation the old KSK stays, however long it takes.
    clock.advance(Duration.ofDays(5));
    SignedStoreTest.Maintenance.run(w.store, ORIGIN);
    assertThat(w.status().keys()).anyMatch(k -> k.tag() == oldKsk && k.awaitingDs());
    w.store.commit(ChangeSet.builder().confirmDs(ORIGIN).build());
    Instant confirmed = clock.instant();
    for (int i = 0; i < 10 && w.status().keys().stream().anyMatch(k -> k.tag() == oldKsk); i++) {
      w.step(Duration.ofDays(3));
    }
    assertThat(w.status().keys()).noneMatch(k -> k.tag() == oldKsk);
    assertThat(Duration.between(confirmed, clock.instant())).isGreaterThanOrEqualTo(p.parentDsTtl());
  }

  @Test
  @DisplayName("a CSK rollover with dsWait completes by itself: the new CSK signs everything and the old one goes")
  void cskRolloverWithDsWait() {
    ManualClock clock = new ManualClock(START);
    DnssecPolicy p = policy().dsWait(Duration.ofDays(2)).resignBatch(3).build();
    Watch w = new Watch(SignedStoreTest.signedStore(clock, p), clock, p);
    int old = w.cdsTag();
    w.store.commit(ChangeSet.builder().rollover(ORIGIN, KeyRole.CSK).build());
    w.observe();
    int guard = 0;
    while (w.status().keys().size() > 1 && guard++ < 60) {
      w.step(Duration.ofDays(1));
    }
    assertThat(w.status().keys()).singleElement().satisfies(k -> {
      assertThat(k.tag()).isNotEqualTo(old);
      assertThat(k.state()).isEqualTo(DnssecStatus.State.ACTIVE);
    });
    assertThat(w.cdsTag()).isNotEqualTo(old);
    assertThat(clock.instant()).isAfter(START.plus(Duration.ofDays(2)));
  }
}
