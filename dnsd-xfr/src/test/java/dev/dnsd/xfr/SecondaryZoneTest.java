package dev.dnsd.xfr;

import static dev.dnsd.xfr.Fixtures.ORIGIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.DnsServer;
import dev.dnsd.TestDns;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.store.RecordStore;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Secondary zone timers (RFC 1034 §4.3.5) driven by a manual clock: no test here sleeps. */
class SecondaryZoneTest {
  private final ManualScheduler scheduler = new ManualScheduler(Instant.parse("2026-03-01T00:00:00Z"));
  private DnsServer primary;
  private DnsServer secondary;

  @AfterEach
  void stop() {
    if (secondary != null) {
      secondary.close();
    }
    if (primary != null) {
      primary.close();
    }
  }

  @Test
  void aZoneWhosePrimaryFailsForTheExpireIntervalExpires() throws Exception {
    // A primary that does not serve the zone answers REFUSED: every refresh fails.
    primary = DnsServer.builder().build().start();
    RecordStore store = new InMemoryRecordStore();
    store.commit(ChangeSet.builder().createZone(ORIGIN, Fixtures.zone().records()).build());
    ZoneTransfers xfr = ZoneTransfers.builder()
        .secondaryZone("example.com", primary.address())
        .scheduler(scheduler)
        .clock(scheduler.clock)
        .build();
    secondary = DnsServer.builder().store(store).extension(xfr).build().start();
    Instant started = scheduler.now();

    scheduler.runDue(); // the first refresh, at start
    assertThat(xfr.isExpired("example.com")).isFalse();
    // Retries come every SOA retry interval (600 s) after a failure.
    assertThat(scheduler.nextDue()).isEqualTo(started.plusSeconds(600));

    scheduler.advance(Duration.ofSeconds(86400 - 600 - 1));
    assertThat(xfr.isExpired("example.com")).isFalse();
    scheduler.advance(Duration.ofSeconds(601)); // the first retry at or after the expire interval
    assertThat(xfr.isExpired("example.com")).isTrue();
    assertThat(xfr.isExpired("example.org")).isFalse();
    // The server stops answering from the stale copy (RFC 1035 §3.3.13).
    assertThat(secondary.isExpired(ORIGIN)).isTrue();
    Message answer = TestDns.udp(secondary.address(), TestDns.query(ORIGIN, Type.SOA));
    assertThat(answer.getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(answer.getSection(Section.ANSWER)).isEmpty();
  }
}
