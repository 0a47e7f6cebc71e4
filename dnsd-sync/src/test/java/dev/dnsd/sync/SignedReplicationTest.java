package dev.dnsd.sync;

import static dev.dnsd.sync.Zones.addA;
import static dev.dnsd.sync.Zones.createZone;
import static dev.dnsd.sync.Zones.name;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.SignedZoneCheck;
import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.dnssec.KeyRole;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.Zone;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/** A signed zone replicates as its records: the secondary serves it signed and holds no key. */
class SignedReplicationTest {
  private final Cluster cluster = new Cluster();

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void aSecondaryGetsTheSignedZoneAndEveryChangeSignedWithoutAKey() throws Exception {
    Name origin = name("example.com");
    Cluster.Primary primary = cluster.primary();
    primary.server().commit(createZone("example.com"));
    primary.server().commit(ChangeSet.builder()
        .sign(origin, DnssecPolicy.builder().denial(DnssecPolicy.Denial.NSEC3).build()).build());
    Cluster.Secondary ns2 = cluster.secondary("ns2", primary.syncAddress());
    Cluster.awaitCaughtUp(primary, ns2);
    // Changes after the copy, a key rollover among them, arrive signed.
    primary.server().commit(addA("www.example.com", 1));
    primary.server().commit(ChangeSet.builder().rollover(origin, KeyRole.CSK).build());
    primary.server().commit(addA("mail.example.com", 2));
    Cluster.awaitCaughtUp(primary, ns2);
    Zone onSecondary = ns2.server().zones().get(origin);
    assertThat(onSecondary.records())
        .containsExactlyInAnyOrderElementsOf(primary.server().zones().get(origin).records());
    SignedZoneCheck.check(onSecondary, Instant.now());
    assertThat(ns2.server().store().dnssec(origin)).as("the secondary holds no key").isNull();
  }
}
