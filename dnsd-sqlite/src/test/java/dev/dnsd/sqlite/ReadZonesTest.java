package dev.dnsd.sqlite;

import static dev.dnsd.sqlite.Fixtures.a;
import static dev.dnsd.sqlite.Fixtures.createZone;
import static dev.dnsd.sqlite.Fixtures.dump;
import static dev.dnsd.sqlite.Fixtures.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.StoreException;
import dev.dnsd.zone.ZoneTable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a store's zones beside the store that has the file open, without writing to it. */
class ReadZonesTest {
  @TempDir Path dir;

  @Test
  void readsTheLastCommitWhileTheStoreIsOpen() {
    Path file = dir.resolve("dnsd.db");
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      store.commit(createZone("example.com."));
      store.commit(ChangeSet.builder().add(a("www.example.com.", "192.0.2.1")).build());
      ZoneTable read = SqliteRecordStore.readZones(file);
      assertThat(read.version()).isEqualTo(store.version());
      assertThat(dump(read)).isEqualTo(dump(store.zones()));
      store.commit(ChangeSet.builder().add(a("ftp.example.com.", "192.0.2.2")).build());
      assertThat(SqliteRecordStore.readZones(file).get(name("example.com.")).exists(name("ftp.example.com."))).isTrue();
    }
  }

  @Test
  void aClosedStoreIsReadWithoutChangingItsFile() throws Exception {
    Path file = dir.resolve("dnsd.db");
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      store.commit(createZone("example.com."));
    }
    byte[] before = Files.readAllBytes(file);
    assertThat(SqliteRecordStore.readZones(file).get(name("example.com."))).isNotNull();
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void aMissingFileIsAnErrorAndIsNotCreated() {
    Path file = dir.resolve("none.db");
    assertThatThrownBy(() -> SqliteRecordStore.readZones(file))
        .isInstanceOf(StoreException.class).hasMessageContaining("none.db").hasMessageContaining("does not exist");
    assertThat(file).doesNotExist();
  }

  @Test
  void aFileThatIsNotADnsdDatabaseIsRefusedByName() throws Exception {
    Path file = dir.resolve("notes.txt");
    Files.writeString(file, "not a database\n".repeat(20));
    assertThatThrownBy(() -> SqliteRecordStore.readZones(file))
        .isInstanceOf(StoreException.class).hasMessageContaining("notes.txt").hasMessageContaining("not a SQLite database");
  }
}
