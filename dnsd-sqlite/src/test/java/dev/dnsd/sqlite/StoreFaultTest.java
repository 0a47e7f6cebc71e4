package dev.dnsd.sqlite;

import static dev.dnsd.sqlite.Fixtures.a;
import static dev.dnsd.sqlite.Fixtures.createZone;
import static dev.dnsd.sqlite.Fixtures.dump;
import static dev.dnsd.sqlite.Fixtures.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.StoreException;
import dev.dnsd.zone.ZoneTable;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteErrorCode;
import org.xbill.DNS.Type;

/**
 * What the store does when SQLite fails a commit, with the faults injected between the store and
 * real SQLite connections ({@link FaultyConnector}), so that every outcome of a failed commit can
 * be brought about on any machine. {@link FullDiskTest} fills a real file system.
 */
class StoreFaultTest {
  @TempDir Path dir;
  private final FaultyConnector faults = new FaultyConnector();

  private SqliteRecordStore open(Path file) {
    return SqliteRecordStore.open(file, SqliteRecordStore.Options.defaults(), faults);
  }

  private static ChangeSet add(String owner) {
    return ChangeSet.builder().add(a(owner, "192.0.2.1")).build();
  }

  @Test
  @DisplayName("a write that fails keeps nothing, the zones stay, and the next commit goes ahead")
  void failedWriteKeepsNothing() {
    Path file = dir.resolve("store.db");
    try (SqliteRecordStore store = open(file)) {
      store.commit(createZone("example.com."));
      ZoneTable before = store.zones();
      int connects = faults.connects.get();
      faults.failBefore("INSERT INTO records", SQLiteErrorCode.SQLITE_FULL);

      assertThatThrownBy(() -> store.commit(add("lost.example.com.")))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("the disk is full")
          .hasMessageContaining("nothing of the commit was kept");
      assertThat(store.zones()).isSameAs(before);
      // Two: the commits' connection and the checkpoints'.
      assertThat(faults.connects.get()).as("the store opened the file again to see").isEqualTo(connects + 2);

      Change next = store.commit(add("next.example.com."));
      assertThat(next.version()).isEqualTo(before.version() + 1);
      assertThat(store.changesSince(0, 10).orElseThrow()).extracting(Change::version).containsExactly(1L, 2L);
    }
    try (SqliteRecordStore again = SqliteRecordStore.open(file)) {
      assertThat(again.version()).isEqualTo(2);
      assertThat(again.zones().get(name("example.com.")).rrset(name("lost.example.com."), Type.A)).isNull();
      assertThat(again.zones().get(name("example.com.")).rrset(name("next.example.com."), Type.A)).isNotNull();
    }
  }

  @Test
  @DisplayName("a COMMIT that reports failure after SQLite wrote it is found kept, made durable, and returns")
  void failedCommitFoundKept() {
    Path file = dir.resolve("store.db");
    List<String> expected;
    try (SqliteRecordStore store = open(file)) {
      store.commit(createZone("example.com."));
      faults.failAfter("COMMIT", SQLiteErrorCode.SQLITE_IOERR_FSYNC);

      Change kept = store.commit(add("kept.example.com."));

      assertThat(faults.faultPending()).isFalse();
      assertThat(kept.version()).isEqualTo(2);
      assertThat(store.version()).isEqualTo(2);
      assertThat(store.zones().get(name("example.com.")).rrset(name("kept.example.com."), Type.A)).isNotNull();
      assertThat(store.commit(add("after.example.com.")).version()).isEqualTo(3);
      expected = dump(store.zones());
    }
    try (SqliteRecordStore again = SqliteRecordStore.open(file)) {
      assertThat(dump(again.zones())).isEqualTo(expected);
    }
  }

  @Test
  @DisplayName("while the file cannot be read again, commits are refused; once it can, they go on")
  void unreadableThenReadable() {
    Path file = dir.resolve("store.db");
    try (SqliteRecordStore store = open(file)) {
      store.commit(createZone("example.com."));
      ZoneTable before = store.zones();
      faults.failBefore("COMMIT", SQLiteErrorCode.SQLITE_IOERR);
      faults.failConnects(2);

      assertThatThrownBy(() -> store.commit(add("a.example.com.")))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("whether the commit was kept is unknown");
      assertThatThrownBy(() -> store.commit(add("b.example.com.")))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("injected: cannot open")
          .hasMessageContaining("commits are refused until it can be opened again");
      assertThat(store.zones()).isSameAs(before);

      assertThat(store.commit(add("c.example.com.")).version()).isEqualTo(2);
      assertThat(store.changesSince(1, 10).orElseThrow()).hasSize(1);
    }
  }

  @Test
  @DisplayName("a failed commit that the file shows kept only later stops commits for good, saying why")
  void keptButReportedFailed() {
    Path file = dir.resolve("store.db");
    try (SqliteRecordStore store = open(file)) {
      store.commit(createZone("example.com."));
      ZoneTable before = store.zones();
      faults.failAfter("COMMIT", SQLiteErrorCode.SQLITE_IOERR_FSYNC);
      faults.failConnects(1);

      assertThatThrownBy(() -> store.commit(add("ghost.example.com.")))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("unknown");
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> store.commit(add("refused.example.com.")))
            .isInstanceOf(StoreException.class)
            .hasMessageContaining("holds version 2 from a commit that was reported as failed")
            .hasMessageContaining("restart");
      }
      assertThat(store.zones()).as("queries are still answered from memory").isSameAs(before);
      assertThat(store.changesSince(0, 10).orElseThrow()).hasSize(1);
    }
    try (SqliteRecordStore again = SqliteRecordStore.open(file)) {
      assertThat(again.version()).isEqualTo(2);
      assertThat(again.zones().get(name("example.com.")).rrset(name("ghost.example.com."), Type.A)).isNotNull();
      assertThat(again.commit(add("fine.example.com.")).version()).isEqualTo(3);
    }
  }

  @Test
  @DisplayName("a kept commit that cannot be made durable is refused, and so is every later one")
  void keptButNotDurable() {
    Path file = dir.resolve("store.db");
    try (SqliteRecordStore store = open(file)) {
      store.commit(createZone("example.com."));
      ZoneTable before = store.zones();
      faults.failAfter("COMMIT", SQLiteErrorCode.SQLITE_IOERR_FSYNC);
      faults.failBefore("PRAGMA wal_checkpoint", SQLiteErrorCode.SQLITE_IOERR);

      assertThatThrownBy(() -> store.commit(add("limbo.example.com.")))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("holds the commit of version 2")
          .hasMessageContaining("cannot be made durable");
      assertThatThrownBy(() -> store.commit(add("later.example.com.")))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("cannot be made durable");
      assertThat(store.zones()).isSameAs(before);
    }
    try (SqliteRecordStore again = SqliteRecordStore.open(file)) {
      assertThat(again.version()).isEqualTo(2);
    }
  }
}
