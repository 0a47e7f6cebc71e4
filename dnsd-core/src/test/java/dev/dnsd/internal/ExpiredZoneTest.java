package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.aa;
import static dev.dnsd.internal.Fixture.answer;
import static dev.dnsd.internal.Fixture.name;
import static dev.dnsd.internal.Fixture.query;
import static dev.dnsd.internal.Fixture.table;
import static dev.dnsd.internal.Fixture.udp;
import static dev.dnsd.internal.Fixture.zone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.zone.ZoneTable;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** An expired zone (RFC 1035 §3.3.13: a secondary past its SOA expire time) is not answered from. */
class ExpiredZoneTest {
  private final ZoneTable zones =
      table(
          zone("example.", "www A 192.0.2.1", "far CNAME www.stale.test."),
          zone("stale.test.", "www A 192.0.2.2"));
  private final AtomicReference<Set<Name>> expired = new AtomicReference<>(Set.of());
  private final Responder responder = new Responder(() -> zones, expired::get, ServerConfig.defaults());

  @Test
  @DisplayName("an expired zone is answered SERVFAIL without AA, and answers again once fresh")
  void expiredZoneIsServfail() {
    // Answered once while fresh, so an answer cache would hold it.
    assertThat(udp(responder, query("www.stale.test.", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
    expired.set(Set.of(name("stale.test.")));
    Message m = udp(responder, query("www.stale.test.", Type.A));
    assertThat(m.getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(aa(m)).isFalse();
    assertThat(answer(m)).isEmpty();
    assertThat(udp(responder, query("www.example.", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);

    expired.set(Set.of());
    assertThat(answer(udp(responder, query("www.stale.test.", Type.A)))).containsExactly("www.stale.test. 3600 IN A 192.0.2.2");
  }

  @Test
  @DisplayName("a CNAME chain stops before an expired zone, keeping what the fresh zone said")
  void chainStopsAtExpiredZone() {
    expired.set(Set.of(name("stale.test.")));
    Message m = udp(responder, query("far.example.", Type.A));
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answer(m)).containsExactly("far.example. 3600 IN CNAME www.stale.test.");
    assertThat(udp(zones, "far.example.", Type.A).getSectionArray(1)).hasSize(2);
  }
}
