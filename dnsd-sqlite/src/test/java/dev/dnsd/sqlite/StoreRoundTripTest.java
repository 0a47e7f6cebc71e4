package dev.dnsd.sqlite;

import static dev.dnsd.sqlite.Fixtures.a;
import static dev.dnsd.sqlite.Fixtures.createZone;
import static dev.dnsd.sqlite.Fixtures.dump;
import static dev.dnsd.sqlite.Fixtures.name;
import static dev.dnsd.sqlite.Fixtures.record;
import static dev.dnsd.sqlite.Fixtures.zone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.store.RecordStore;
import dev.dnsd.zone.InvalidZoneException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** What a commit writes is what the next open reads, edit by edit, compared with memory. */
class StoreRoundTripTest {
  @TempDir Path dir;

  /** Every kind of edit, applied to both stores; each reopen must match the in-memory state. */
  private static final List<ChangeSet> EDITS =
      List.of(
          createZone("example.com.", a("www.example.com.", "192.0.2.1")),
          createZone("Sub.Example.COM.", a("Host.sub.example.com.", "192.0.2.9")),
          ChangeSet.builder()
              .add(a("www.example.com.", "192.0.2.2"))
              .add(record("mail.example.com.", Type.MX, 60, "10 mx.example.com."))
              .build(),
          // A TTL change is a removal and an addition of records with the same key.
          ChangeSet.builder().add(record("www.example.com.", Type.A, 30, "192.0.2.1")).build(),
          // Equal records that differ in case: the zone serves the new case, so the store keeps it.
          ChangeSet.builder().add(record("WWW.example.com.", Type.A, 30, "192.0.2.2")).build(),
          // Changes nothing: takes no version.
          ChangeSet.builder().add(record("WWW.example.com.", Type.A, 30, "192.0.2.2")).build(),
          ChangeSet.builder().remove(a("WWW.EXAMPLE.COM.", "192.0.2.1")).build(),
          ChangeSet.builder()
              .setRRset(
                  name("txt.example.com."),
                  Type.TXT,
                  List.of(
                      record("txt.example.com.", Type.TXT, 120, "\"one\""),
                      record("txt.example.com.", Type.TXT, 120, "\"two\"")))
              .build(),
          ChangeSet.builder().removeRRset(name("mail.example.com."), Type.MX).build(),
          ChangeSet.builder()
              .add(record("example.com.", Type.SOA, 3600, "ns1.example.com. hostmaster.example.com. 77 7200 900 1209600 300"))
              .build(),
          ChangeSet.builder().removeName(name("txt.example.com.")).build(),
          ChangeSet.builder()
              .replaceZone(name("sub.example.com."), zone("sub.example.com.", a("new.sub.example.com.", "192.0.2.7")))
              .build(),
          ChangeSet.builder().deleteZone(name("sub.example.com.")).build(),
          // Deleted and created again in one change, with another case for its origin.
          ChangeSet.builder()
              .deleteZone(name("example.com."))
              .createZone(name("EXAMPLE.com."), zone("EXAMPLE.com.", a("again.example.com.", "192.0.2.3")))
              .build());

  @Test
  void everyEditSurvivesReopeningExactlyAsCommitted() {
    Path db = dir.resolve("dnsd.db");
    RecordStore memory = new InMemoryRecordStore();
    for (ChangeSet edit : EDITS) {
      List<String> before = dump(memory.zones());
      Change expected = memory.commit(edit);
      try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
        assertThat(dump(store.zones())).isEqualTo(before);
        Change committed = store.commit(edit);
        assertThat(committed.version()).isEqualTo(expected.version());
        assertThat(committed.zones()).isEqualTo(expected.zones());
        assertThat(dump(store.zones())).isEqualTo(dump(memory.zones()));
      }
    }
    try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
      assertThat(dump(store.zones())).isEqualTo(dump(memory.zones()));
      assertThat(store.version()).isEqualTo(memory.version()).isEqualTo(EDITS.size() - 1);
    }
  }

  @Test
  void aRefusedChangeSetLeavesStoreAndFileUnchanged() {
    Path db = dir.resolve("dnsd.db");
    try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
      store.commit(createZone("example.com."));
      List<String> before = dump(store.zones());
      assertThatThrownBy(
              () -> store.commit(ChangeSet.builder()
                  .add(a("www.example.com.", "192.0.2.1"))
                  .add(a("www.example.org.", "192.0.2.1"))
                  .build()))
          .isInstanceOf(InvalidZoneException.class);
      assertThat(dump(store.zones())).isEqualTo(before);
      assertThat(store.commit(ChangeSet.builder().add(a("x.example.com.", "192.0.2.5")).build()).version())
          .isEqualTo(2);
    }
    try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
      assertThat(store.version()).isEqualTo(2);
      assertThat(store.zones().get(name("example.com.")).rrset(name("www.example.com."), Type.A)).isNull();
    }
  }

  @Test
  void recordDataOverTheWireLimitIsRefusedAsAZoneRuleBeforeSqliteSeesIt() {
    Path db = dir.resolve("dnsd.db");
    List<String> strings = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      strings.add("x".repeat(255));
    }
    Record huge = new TXTRecord(name("huge.example.com."), DClass.IN, 60, strings);
    try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
      store.commit(createZone("example.com."));
      List<String> before = dump(store.zones());
      assertThatThrownBy(() -> store.commit(ChangeSet.builder().add(huge).build()))
          .isInstanceOf(InvalidZoneException.class)
          .hasMessageContaining("huge.example.com. TXT has 76800 bytes of data");
      assertThat(dump(store.zones())).isEqualTo(before);
      assertThat(store.commit(ChangeSet.builder().add(a("x.example.com.", "192.0.2.5")).build()).version())
          .isEqualTo(2);
    }
  }

  @Test
  void aChangeSetThatChangesNothingTakesNoVersion() {
    Path db = dir.resolve("dnsd.db");
    try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
      store.commit(createZone("example.com."));
      Change nothing = store.commit(ChangeSet.builder().remove(a("absent.example.com.", "192.0.2.1")).build());
      assertThat(nothing.isEmpty()).isTrue();
      assertThat(nothing.version()).isEqualTo(1);
    }
    try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
      assertThat(store.version()).isEqualTo(1);
    }
  }

  @Test
  void aNewStoreIsEmptyAtVersionZeroAndCommitsAfterCloseFail() {
    SqliteRecordStore store = SqliteRecordStore.open(dir.resolve("new.db"));
    assertThat(store.version()).isZero();
    assertThat(store.zones().isEmpty()).isTrue();
    store.close();
    store.close();
    assertThatThrownBy(() -> store.commit(createZone("example.com."))).hasMessageContaining("closed");
  }

  @Test
  void anEmptyFileBecomesANewStoreWithTheCurrentSchema() throws Exception {
    Path db = dir.resolve("empty.db");
    Files.createFile(db);
    try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
      store.commit(createZone("example.com."));
    }
    byte[] header = Files.readAllBytes(db);
    ByteBuffer fields = ByteBuffer.wrap(header);
    assertThat(fields.getInt(60)).as("user_version").isEqualTo(Schema.VERSION);
    assertThat(fields.getInt(68)).as("application_id").isEqualTo(Schema.APPLICATION_ID);
    assertThat(header[18]).as("WAL mode, kept in the file").isEqualTo((byte) 2);
    try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
      assertThat(store.version()).isEqualTo(1);
    }
  }

  @Test
  void zonesLargerThanALoadChunkComeBackWhole() {
    Path db = dir.resolve("large.db");
    List<String> expected;
    try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
      for (String origin : List.of("a.example.", "b.example.", "c.example.")) {
        List<Record> records = zone(origin);
        for (int i = 0; i < 2500; i++) {
          records.add(a("h" + i + "." + origin, "10.0." + (i >> 8) + "." + (i & 0xff)));
        }
        store.commit(ChangeSet.builder().createZone(name(origin), records).build());
      }
      store.commit(createZone("small.example."));
      expected = dump(store.zones());
    }
    try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
      assertThat(dump(store.zones())).isEqualTo(expected);
    }
  }
}
