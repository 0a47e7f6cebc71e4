package dev.dnsd.sqlite;

import static dev.dnsd.sqlite.Fixtures.a;
import static dev.dnsd.sqlite.Fixtures.createZone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Store metadata: committed with its change, kept across a reopen, and logged with the change. */
class MetadataTest {
  @TempDir Path dir;

  @Test
  void metadataCommittedWithDataSurvivesReopenAndIsInTheLog() {
    Path file = dir.resolve("meta.db");
    Change committed;
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      store.commit(createZone("example.com."));
      committed =
          store.commit(
              ChangeSet.builder().add(a("www.example.com.", "192.0.2.1")).meta("applied", "p 7").build());
      store.commit(ChangeSet.builder().meta("applied", "p 8").build());
      assertThat(store.meta("applied")).isEqualTo("p 8");
    }
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      assertThat(store.meta("applied")).isEqualTo("p 8");
      assertThat(store.version()).isEqualTo(3);
      assertThat(store.changesSince(1, 10).orElseThrow().get(0)).isEqualTo(committed);
      assertThat(store.changesSince(2, 10).orElseThrow().get(0).meta()).containsEntry("applied", "p 8");
    }
  }

  @Test
  void aDatabaseOfLayoutOneIsMigratedAndKeepsItsData() throws Exception {
    Path file = dir.resolve("old.db");
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      store.commit(createZone("example.com."));
    }
    // Make the file what layout 1 wrote: no meta table, user_version 1.
    try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = conn.createStatement()) {
      st.execute("DROP TABLE meta");
      st.execute("PRAGMA user_version = 1");
    }
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      assertThat(store.zones().size()).isEqualTo(1);
      assertThat(store.meta("anything")).isNull();
      store.commit(ChangeSet.builder().meta("k", "v").build());
    }
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      assertThat(store.meta("k")).isEqualTo("v");
    }
    // Read once the store is closed: while open, it holds the file locked against other readers.
    try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = conn.createStatement()) {
      assertThat(st.executeQuery("PRAGMA user_version").getInt(1)).isEqualTo(Schema.VERSION);
    }
  }
}
