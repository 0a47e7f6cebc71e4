package dev.dnsd;

import static dev.dnsd.TestRecords.ORIGIN;
import static dev.dnsd.TestRecords.rr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.dnssec.DnssecStatus;
import dev.dnsd.dnssec.KeyRole;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.store.RecordStore;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class DnssecServerTest {
  private static Zone zone() {
    List<Record> records = new ArrayList<>(TestRecords.zoneRecords(ORIGIN, 1));
    records.add(rr("www", 300, "A", "192.0.2.1"));
    // 440 bytes of data: fits 512 bytes unsigned, not with its signature.
    records.add(rr("big", 300, "TXT", "\"" + "x".repeat(200) + "\""));
    records.add(rr("big", 300, "TXT", "\"" + "y".repeat(200) + "\""));
    return Zone.of(ORIGIN, records);
  }

  private static Message dnssecQuery(String name, int type) {
    return dnssecQuery(name, type, 1232);
  }

  private static Message dnssecQuery(String name, int type, int udpSize) {
    Message q = TestDns.query(name, type);
    q.addRecord(new OPTRecord(udpSize, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
    return q;
  }

  @Test
  @DisplayName("over UDP a signed answer that does not fit the client's size comes truncated with TC, over TCP whole")
  void truncatedOverUdp() throws Exception {
    try (DnsServer server = DnsServer.builder().zone(zone()).sign(ORIGIN, DnssecPolicy.defaults()).build().start()) {
      Message plain = TestDns.query("big.example.com.", Type.TXT);
      plain.addRecord(new OPTRecord(512, 0, 0, 0), Section.ADDITIONAL);
      Message unsigned = TestDns.udp(server.address(), plain);
      assertThat(unsigned.getHeader().getFlag(Flags.TC)).as("DO=0 fits").isFalse();
      assertThat(unsigned.getSection(Section.ANSWER)).hasSize(2);

      Message cut = TestDns.udp(server.address(), dnssecQuery("big.example.com.", Type.TXT, 512));
      assertThat(cut.getHeader().getFlag(Flags.TC)).as("DO=1 over 512 bytes").isTrue();
      assertThat(cut.getSection(Section.ANSWER)).as("no RRset without its signature")
          .noneMatch(r -> r.getType() == Type.TXT);

      Message whole = TestDns.tcp(server.address(), dnssecQuery("big.example.com.", Type.TXT, 512));
      assertThat(whole.getHeader().getFlag(Flags.TC)).isFalse();
      assertThat(whole.getSection(Section.ANSWER)).extracting(Record::getType)
          .containsExactlyInAnyOrder(Type.TXT, Type.TXT, Type.RRSIG);
    }
  }

  @Test
  @DisplayName("a zone the builder names is signed at start and answered with signatures")
  void signsAtStart() throws Exception {
    try (DnsServer server = DnsServer.builder().zone(zone()).sign(ORIGIN, DnssecPolicy.defaults()).build().start()) {
      Message m = TestDns.udp(server.address(), dnssecQuery("www.example.com.", Type.A));
      assertThat(m.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.A, Type.RRSIG);
      assertThat(server.store().dnssec(ORIGIN)).isNotNull();
      SignedZoneCheck.check(server.zones().get(ORIGIN), Instant.now());
    }
  }

  @Test
  @DisplayName("a store that signs the zone by the same policy already is left as it is at start")
  void samePolicyIsNoChange() throws Exception {
    RecordStore store = new InMemoryRecordStore();
    store.commit(ChangeSet.builder().replaceZone(zone()).sign(ORIGIN, DnssecPolicy.defaults()).build());
    long version = store.version();
    try (DnsServer server = DnsServer.builder().store(store).sign(ORIGIN, DnssecPolicy.defaults()).build().start()) {
      assertThat(server.store().version()).isEqualTo(version);
    }
  }

  @Test
  @DisplayName("a zone to sign that the store lacks fails the start, naming it")
  void missingZone() {
    DnsServer server = DnsServer.builder().sign(ORIGIN, DnssecPolicy.defaults()).build();
    assertThatThrownBy(server::start).isInstanceOf(InvalidZoneException.class).hasMessageContaining("example.com.");
    assertThat(server.isRunning()).isFalse();
  }

  @Test
  @DisplayName("the running server starts a ZSK rollover on its own once the store's clock reaches the ZSK's lifetime")
  void backgroundZskRollover() throws Exception {
    ManualClock clock = new ManualClock(Instant.now());
    RecordStore store = new InMemoryRecordStore(100, clock);
    DnssecPolicy policy = DnssecPolicy.builder().keys(DnssecPolicy.KeyScheme.KSK_ZSK).zskLifetime(Duration.ofDays(2)).build();
    store.commit(ChangeSet.builder().replaceZone(zone()).sign(ORIGIN, policy).build());
    int oldZsk = zsks(store).get(0);
    clock.advance(Duration.ofDays(2));
    try (DnsServer server = DnsServer.builder().store(store).build().start()) {
      Await.until("a second ZSK published", Duration.ofSeconds(30), () -> zsks(store).size() == 2);
      assertThat(zsks(store)).contains(oldZsk);
      Message m = TestDns.udp(server.address(), dnssecQuery("example.com.", Type.DNSKEY));
      assertThat(m.getSection(Section.ANSWER)).filteredOn(r -> r.getType() == Type.DNSKEY).hasSize(3);
      SignedZoneCheck.check(server.zones().get(ORIGIN), clock.instant());
    }
  }

  private static List<Integer> zsks(RecordStore store) {
    return store.dnssec(ORIGIN).keys().stream().filter(k -> k.role() == KeyRole.ZSK).map(DnssecStatus.Key::tag).toList();
  }

  @Test
  @DisplayName("the running server re-signs, on its own, signatures that fall due by the store's clock")
  void backgroundResigning() throws Exception {
    ManualClock clock = new ManualClock(Instant.now());
    RecordStore store = new InMemoryRecordStore(100, clock);
    DnssecPolicy policy = DnssecPolicy.builder().resignBatch(1).build();
    store.commit(ChangeSet.builder().replaceZone(zone()).sign(ORIGIN, policy).build());
    clock.advance(Duration.ofDays(12));
    try (DnsServer server = DnsServer.builder().store(store).build().start()) {
      Instant due = clock.instant().plus(policy.signatureRefresh());
      Await.until("every signature made anew", Duration.ofSeconds(30), () -> {
        for (Record r : server.zones().get(ORIGIN).records()) {
          if (r instanceof RRSIGRecord sig && !sig.getExpire().isAfter(due)) {
            return false;
          }
        }
        return true;
      });
      SignedZoneCheck.check(server.zones().get(ORIGIN), clock.instant());
    }
  }
}
