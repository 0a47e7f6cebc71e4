package dev.dnsd.sqlite;

import static dev.dnsd.sqlite.Fixtures.a;
import static dev.dnsd.sqlite.Fixtures.name;
import static dev.dnsd.sqlite.Fixtures.zone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.ManualClock;
import dev.dnsd.SignedZoneCheck;
import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.dnssec.DnssecStatus;
import dev.dnsd.dnssec.KeyRole;
import dev.dnsd.store.ChangeSet;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/** A signed zone's keys and policy live in the database: a restart resumes where it was. */
class SigningTest {
  private static final Name ZONE = name("example.com.");
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;

  private SqliteRecordStore open(Path db, ManualClock clock) {
    return SqliteRecordStore.builder(db).clock(clock).open();
  }

  private static List<Integer> tags(DnssecStatus status) {
    return status.keys().stream().map(DnssecStatus.Key::tag).toList();
  }

  @Test
  void aSignedZoneKeepsItsKeysAcrossRestartsAndTheFileBecomesOwnerOnly() throws Exception {
    Path db = dir.resolve("dnsd.db");
    ManualClock clock = new ManualClock(START);
    List<Integer> keys;
    try (SqliteRecordStore store = open(db, clock)) {
      store.commit(ChangeSet.builder().createZone(ZONE, zone("example.com.", a("www.example.com.", "192.0.2.1"))).build());
      Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
      store.commit(ChangeSet.builder().sign(ZONE, DnssecPolicy.builder().denial(DnssecPolicy.Denial.NSEC3).build()).build());
      keys = tags(store.dnssec(ZONE));
      for (String suffix : new String[] {"", "-wal"}) {
        assertThat(Files.getPosixFilePermissions(db.resolveSibling("dnsd.db" + suffix)))
            .as("dnsd.db%s", suffix).isEqualTo(PosixFilePermissions.fromString("rw-------"));
      }
    }
    try (SqliteRecordStore store = open(db, clock)) {
      assertThat(tags(store.dnssec(ZONE))).isEqualTo(keys);
      assertThat(store.dnssec(ZONE).policy().denial()).isEqualTo(DnssecPolicy.Denial.NSEC3);
      store.commit(ChangeSet.builder().add(a("new.example.com.", "192.0.2.2")).build());
      assertThat(tags(store.dnssec(ZONE))).as("no new key after a restart").isEqualTo(keys);
      SignedZoneCheck.check(store.zones().get(ZONE), START);
    }
    // The keys are in the signing table, and nowhere in the change log that sync and IXFR read.
    try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = conn.createStatement()) {
      ResultSet rows = st.executeQuery("SELECT state FROM signing");
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).contains("\nprivate ");
      ResultSet log = st.executeQuery("SELECT data FROM changes");
      while (log.next()) {
        assertThat(new String(log.getBytes(1), StandardCharsets.ISO_8859_1)).doesNotContain("Private-key-format");
      }
    }
  }

  @Test
  void aRolloverUnderWayResumesAfterARestart() {
    Path db = dir.resolve("dnsd.db");
    ManualClock clock = new ManualClock(START);
    DnssecPolicy policy = DnssecPolicy.builder().keys(DnssecPolicy.KeyScheme.KSK_ZSK).zskLifetime(null).build();
    int oldKsk;
    try (SqliteRecordStore store = open(db, clock)) {
      store.commit(ChangeSet.builder().createZone(ZONE, zone("example.com.")).sign(ZONE, policy).build());
      oldKsk = store.dnssec(ZONE).ds().get(0).getFootprint();
      store.commit(ChangeSet.builder().rollover(ZONE, KeyRole.KSK).build());
    }
    clock.advance(policy.publishSafety());
    try (SqliteRecordStore store = open(db, clock)) {
      store.commit(ChangeSet.builder().maintainSigning(ZONE).build());
      assertThat(store.dnssec(ZONE).ds().get(0).getFootprint()).isNotEqualTo(oldKsk);
      store.commit(ChangeSet.builder().confirmDs(ZONE).build());
    }
    clock.advance(policy.parentDsTtl().plus(policy.propagationDelay()));
    try (SqliteRecordStore store = open(db, clock)) {
      assertThat(store.dnssec(ZONE).keys()).anyMatch(k -> k.tag() == oldKsk);
      store.commit(ChangeSet.builder().maintainSigning(ZONE).build());
      assertThat(store.dnssec(ZONE).keys()).noneMatch(k -> k.tag() == oldKsk);
      SignedZoneCheck.check(store.zones().get(ZONE), clock.instant());
    }
    try (SqliteRecordStore store = open(db, clock)) {
      assertThat(store.dnssec(ZONE).keys()).hasSize(2).noneMatch(k -> k.tag() == oldKsk);
    }
  }

  @Test
  void unsigningDeletesTheKeys() {
    Path db = dir.resolve("dnsd.db");
    ManualClock clock = new ManualClock(START);
    try (SqliteRecordStore store = open(db, clock)) {
      store.commit(ChangeSet.builder().createZone(ZONE, zone("example.com.")).sign(ZONE, DnssecPolicy.defaults()).build());
      store.commit(ChangeSet.builder().unsign(ZONE).build());
    }
    try (SqliteRecordStore store = open(db, clock)) {
      assertThat(store.dnssec(ZONE)).isNull();
      assertThat(store.zones().get(ZONE).isSigned()).isFalse();
    }
  }

  @Test
  void deletingASignedZoneDeletesItsKeys() {
    Path db = dir.resolve("dnsd.db");
    ManualClock clock = new ManualClock(START);
    try (SqliteRecordStore store = open(db, clock)) {
      store.commit(ChangeSet.builder().createZone(ZONE, zone("example.com.")).sign(ZONE, DnssecPolicy.defaults()).build());
      store.commit(ChangeSet.builder().deleteZone(ZONE).build());
      clock.advance(Duration.ofMinutes(1));
      store.commit(ChangeSet.builder().createZone(ZONE, zone("example.com.")).build());
    }
    try (SqliteRecordStore store = open(db, clock)) {
      assertThat(store.dnssec(ZONE)).isNull();
      assertThat(store.zones().get(ZONE).isSigned()).isFalse();
    }
  }
}
