package dev.dnsd.sqlite;

import static dev.dnsd.sqlite.Fixtures.a;
import static dev.dnsd.sqlite.Fixtures.createZone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.ZoneChange;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Record;

/** changesSince: the log in order, without gaps, as far back as retention keeps it. */
class ChangeLogTest {
  @TempDir Path dir;

  private Path db() {
    return dir.resolve("log.db");
  }

  /** Creates a zone and commits single-record additions to it; returns every change. */
  private static List<Change> commitSome(SqliteRecordStore store, int additions) {
    List<Change> out = new ArrayList<>();
    if (store.zones().isEmpty()) {
      out.add(store.commit(createZone("example.com.")));
    }
    for (int i = 0; i < additions; i++) {
      long n = store.version();
      out.add(store.commit(ChangeSet.builder().add(a("h" + n + ".example.com.", "192.0.2.1")).build()));
    }
    return out;
  }

  @Test
  void theLogHoldsEveryChangeInOrderAsCommitted() {
    List<Change> committed;
    try (SqliteRecordStore store = SqliteRecordStore.open(db())) {
      committed = commitSome(store, 20);
      assertThat(store.changesSince(0, 1000)).contains(committed);
    }
    try (SqliteRecordStore store = SqliteRecordStore.open(db())) {
      List<Change> logged = store.changesSince(0, 1000).orElseThrow();
      assertThat(logged).extracting(Change::version).containsExactly(versions(1, 21));
      assertThat(logged).isEqualTo(committed);
      // The SOA serial steps with each change, as IXFR needs.
      for (Change c : logged.subList(1, logged.size())) {
        ZoneChange zc = c.zones().get(0);
        assertThat(zc.newSoa().getSerial()).isEqualTo(zc.oldSoa().getSerial() + 1);
      }
    }
  }

  @Test
  void changesSinceAnswersFromAnyVersionWithinTheLog() {
    try (SqliteRecordStore store = SqliteRecordStore.open(db())) {
      commitSome(store, 9);
      assertThat(store.changesSince(4, 1000).orElseThrow())
          .extracting(Change::version).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
      assertThat(store.changesSince(4, 2).orElseThrow())
          .extracting(Change::version).containsExactly(5L, 6L);
      assertThat(store.changesSince(4, 0)).contains(List.of());
      assertThat(store.changesSince(10, 5)).as("up to date").contains(List.of());
      assertThat(store.changesSince(11, 5)).as("a version this store never had").isEmpty();
      assertThatThrownBy(() -> store.changesSince(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void retentionByCountKeepsTheLatestAndSaysWhenHistoryEnds() {
    try (SqliteRecordStore store = SqliteRecordStore.builder(db()).historyCount(5).open()) {
      commitSome(store, 11);
      assertThat(store.changesSince(7, 100).orElseThrow())
          .extracting(Change::version).containsExactly(8L, 9L, 10L, 11L, 12L);
      assertThat(store.changesSince(6, 100)).as("version 7 was pruned").isEmpty();
      assertThat(store.changesSince(0, 100)).isEmpty();
    }
    // Pruning never touches content: every zone record is still there after reopening.
    try (SqliteRecordStore store = SqliteRecordStore.builder(db()).historyCount(5).open()) {
      assertThat(store.version()).isEqualTo(12);
      assertThat(store.zones().get(Fixtures.name("example.com.")).recordCount()).isEqualTo(2 + 11);
    }
  }

  @Test
  void reopeningWithTighterRetentionPrunesAtOnceAndKeepsTheVersion() {
    try (SqliteRecordStore store = SqliteRecordStore.open(db())) {
      commitSome(store, 9);
    }
    try (SqliteRecordStore store = SqliteRecordStore.builder(db()).historyCount(0).open()) {
      assertThat(store.version()).isEqualTo(10);
      assertThat(store.changesSince(9, 10)).isEmpty();
      assertThat(store.changesSince(10, 10)).contains(List.of());
      assertThat(store.commit(ChangeSet.builder().add(a("x.example.com.", "192.0.2.9")).build()).version())
          .isEqualTo(11);
    }
    try (SqliteRecordStore store = SqliteRecordStore.open(db())) {
      assertThat(store.version()).as("the version survives an empty log").isEqualTo(11);
    }
  }

  @Test
  void retentionByAgeDropsTheOldEndOfTheLog() {
    List<Change> committed;
    try (SqliteRecordStore store = SqliteRecordStore.open(db())) {
      committed = commitSome(store, 9);
    }
    // Changes committed before the cutoff go; from the first one at or after it, all stay.
    Duration age = Duration.ofHours(1);
    long cutoff = committed.get(6).committedAtMillis();
    long firstKept = 1;
    for (Change c : committed) {
      if (c.committedAtMillis() < cutoff) {
        firstKept = c.version() + 1;
      } else {
        break;
      }
    }
    try (SqliteRecordStore store =
        SqliteRecordStore.builder(db()).historyAge(age).clock(clockAt(cutoff + age.toMillis())).open()) {
      assertThat(store.changesSince(firstKept - 1, 100).orElseThrow())
          .extracting(Change::version).containsExactly(versions(firstKept, 10));
      if (firstKept > 1) {
        assertThat(store.changesSince(firstKept - 2, 100)).isEmpty();
      }
    }
    // A day on, every change is past the age.
    Clock dayLater = clockAt(committed.get(9).committedAtMillis() + Duration.ofDays(1).toMillis());
    try (SqliteRecordStore store = SqliteRecordStore.builder(db()).historyAge(age).clock(dayLater).open()) {
      assertThat(store.changesSince(0, 100)).isEmpty();
      assertThat(store.changesSince(9, 100)).isEmpty();
      assertThat(store.changesSince(10, 100)).contains(List.of());
    }
  }

  @Test
  void retentionByAgeAlsoPrunesWhileCommitting() {
    MutableClock clock = new MutableClock(System.currentTimeMillis());
    try (SqliteRecordStore store =
        SqliteRecordStore.builder(db()).historyAge(Duration.ofMinutes(10)).clock(clock).open()) {
      List<Change> early = commitSome(store, 4);
      assertThat(store.changesSince(0, 100)).isPresent();
      clock.millis = early.get(early.size() - 1).committedAtMillis() + Duration.ofMinutes(10).toMillis() + 1;
      Change late = commitSome(store, 1).get(0);
      // Everything committed up to the old clock reading is older than ten minutes now.
      assertThat(store.changesSince(0, 100)).isEmpty();
      Optional<List<Change>> tail = store.changesSince(late.version() - 1, 100);
      if (late.committedAtMillis() < clock.millis - Duration.ofMinutes(10).toMillis()) {
        assertThat(tail).isEmpty();
      } else {
        assertThat(tail).contains(List.of(late));
      }
    }
  }

  @Test
  void removedRecordsAreLoggedWithTheirData() {
    Record www = a("www.example.com.", "192.0.2.80");
    try (SqliteRecordStore store = SqliteRecordStore.open(db())) {
      store.commit(createZone("example.com.", www));
      store.commit(ChangeSet.builder().remove(www).build());
      store.commit(ChangeSet.builder().deleteZone(Fixtures.name("example.com.")).build());
    }
    try (SqliteRecordStore store = SqliteRecordStore.open(db())) {
      List<Change> log = store.changesSince(0, 10).orElseThrow();
      assertThat(log.get(1).zones().get(0).removed()).contains(www);
      ZoneChange deleted = log.get(2).zones().get(0);
      assertThat(deleted.kind()).isEqualTo(ZoneChange.Kind.DELETED);
      assertThat(deleted.oldSoa()).isNotNull();
      assertThat(store.zones().isEmpty()).isTrue();
    }
  }

  private static Long[] versions(long from, long through) {
    List<Long> out = new ArrayList<>();
    for (long v = from; v <= through; v++) {
      out.add(v);
    }
    return out.toArray(Long[]::new);
  }

  private static Clock clockAt(long millis) {
    return Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }

  private static final class MutableClock extends Clock {
    volatile long millis;

    MutableClock(long millis) {
      this.millis = millis;
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
