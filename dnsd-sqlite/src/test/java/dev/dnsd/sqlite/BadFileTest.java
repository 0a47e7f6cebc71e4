package dev.dnsd.sqlite;

import static dev.dnsd.sqlite.Fixtures.a;
import static dev.dnsd.sqlite.Fixtures.createZone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.StoreException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file the store cannot use gets an error that names it, and is left byte for byte as it was. */
class BadFileTest {
  @TempDir Path dir;

  /** Opening must fail with a message naming the file; the file must be unchanged after. */
  private AbstractThrowableAssert<?, ? extends Throwable> refusesUnchanged(Path file) throws IOException {
    byte[] before = Files.readAllBytes(file);
    List<String> around = new ArrayList<>(siblings(file));
    around.add(file.getFileName() + ".lock");
    Throwable thrown = null;
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      throw new AssertionError("opened " + file + " at version " + store.version());
    } catch (StoreException e) {
      thrown = e;
    }
    assertThat(Files.readAllBytes(file)).as("bytes of " + file).isEqualTo(before);
    assertThat(siblings(file)).as("no new files beside " + file + " but its lock").isSubsetOf(around);
    return assertThat(thrown).hasMessageContaining(file.toRealPath().toString());
  }

  private static List<String> siblings(Path file) throws IOException {
    try (Stream<Path> s = Files.list(file.getParent())) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  /** A dnsd database with enough records to span many pages, closed cleanly. */
  private Path goodDatabase(String name) {
    Path file = dir.resolve(name);
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      store.commit(createZone("example.com."));
      ChangeSet.Builder many = ChangeSet.builder();
      for (int i = 0; i < 2000; i++) {
        many.add(a("host" + i + ".example.com.", "192.0.2." + (i % 250 + 1)));
      }
      store.commit(many.build());
    }
    return file;
  }

  private static void sql(Path file, String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  @Test
  void aTextFileIsNotASqliteDatabase() throws IOException {
    Path file = dir.resolve("notes.db");
    Files.writeString(file, "zone notes, not a database\n".repeat(200), StandardCharsets.UTF_8);
    refusesUnchanged(file).hasMessageContaining("is not a SQLite database");
    assertThat(siblings(file)).containsExactly("notes.db");
  }

  @Test
  void aFileShorterThanASqliteHeaderIsNotASqliteDatabase() throws IOException {
    Path file = dir.resolve("short.db");
    Files.write(file, "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII));
    refusesUnchanged(file).hasMessageContaining("is not a SQLite database");
  }

  @Test
  void aDatabaseFromANewerDnsdIsRefused() throws Exception {
    Path file = goodDatabase("newer.db");
    sql(file, "PRAGMA user_version = 99");
    refusesUnchanged(file).hasMessageContaining("newer dnsd").hasMessageContaining("schema version 99");
  }

  @Test
  void aNewerSchemaStillInTheWalIsRefusedWithoutCheckpointingIt() throws Exception {
    Path source = goodDatabase("source.db");
    Path file = dir.resolve("crashed-newer.db");
    Path wal = dir.resolve("crashed-newer.db-wal");
    // As a newer dnsd that crashed right after its migration leaves it: the new header is in
    // the WAL only, the main file still says version 1, and SQLite's index of the WAL (-shm)
    // is left beside them.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA user_version = 99");
      Files.copy(source, file);
      Files.copy(dir.resolve("source.db-wal"), wal);
      Files.copy(dir.resolve("source.db-shm"), dir.resolve("crashed-newer.db-shm"));
    }
    byte[] walBefore = Files.readAllBytes(wal);
    assertThat(walBefore).isNotEmpty();
    refusesUnchanged(file).hasMessageContaining("newer dnsd").hasMessageContaining("schema version 99");
    assertThat(Files.readAllBytes(wal)).as("the WAL is kept as it was").isEqualTo(walBefore);
  }

  @Test
  void anotherApplicationsDatabaseIsRefused() throws Exception {
    Path marked = dir.resolve("marked.db");
    sql(marked, "PRAGMA application_id = 1234", "CREATE TABLE t (x)");
    refusesUnchanged(marked).hasMessageContaining("another application");

    Path plain = dir.resolve("plain.db");
    sql(plain, "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)", "INSERT INTO accounts VALUES (1, 'x')");
    refusesUnchanged(plain).hasMessageContaining("not a dnsd one");
  }

  @Test
  void aCorruptDatabaseIsRefused() throws Exception {
    Path file = goodDatabase("corrupt.db");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      // Overwrite the middle of the file, a b-tree page of records, with a pattern.
      long page = raf.length() / 4096 / 2;
      byte[] junk = new byte[4096];
      Arrays.fill(junk, (byte) 0x5a);
      raf.seek(page * 4096);
      raf.write(junk);
    }
    refusesUnchanged(file).hasMessageMatching("(?s).*(corrupt|damaged|malformed).*");
  }

  @Test
  void damageTheLoadNeverReadsIsStillRefused() throws Exception {
    Path file = goodDatabase("index.db");
    // The index of zone origins: loading reads the zones table itself, never this index, so only
    // the integrity check that runs beside the load finds it damaged.
    overwritePage(file, "SELECT rootpage FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'zones'");
    refusesUnchanged(file).hasMessageContaining("is corrupt (quick_check:");
  }

  @Test
  void damageTheLoadTripsOverIsReportedAsTheCheckFoundIt() throws Exception {
    Path file = goodDatabase("records.db");
    overwritePage(file, "SELECT rootpage FROM sqlite_schema WHERE name = 'records'");
    refusesUnchanged(file).hasMessageContaining("is corrupt (quick_check:");
  }

  /** Overwrites with junk the page of {@code file} that {@code query} names. */
  private static void overwritePage(Path file, String query) throws Exception {
    int page;
    int pageSize;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      try (var rs = st.executeQuery(query)) {
        assertThat(rs.next()).as(query).isTrue();
        page = rs.getInt(1);
      }
      try (var rs = st.executeQuery("PRAGMA page_size")) {
        rs.next();
        pageSize = rs.getInt(1);
      }
    }
    assertThat(page).as("not the header's page").isGreaterThan(1);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      byte[] junk = new byte[pageSize];
      Arrays.fill(junk, (byte) 0x5a);
      raf.seek((long) (page - 1) * pageSize);
      raf.write(junk);
    }
  }

  @Test
  void aTruncatedDatabaseIsRefused() throws Exception {
    Path file = goodDatabase("truncated.db");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(raf.length() / 2);
    }
    refusesUnchanged(file).hasMessageMatching("(?s).*(corrupt|damaged|malformed).*");
  }

  @Test
  void aDatabaseOpenInThisProcessIsRefusedUntilClosed() throws IOException {
    Path file = goodDatabase("twice.db");
    try (SqliteRecordStore first = SqliteRecordStore.open(file)) {
      refusesUnchanged(file).hasMessageContaining("already open in this process");
      assertThat(first.commit(ChangeSet.builder().add(a("after.example.com.", "192.0.2.1")).build()).version())
          .isEqualTo(3);
    }
    try (SqliteRecordStore again = SqliteRecordStore.open(file)) {
      assertThat(again.version()).isEqualTo(3);
    }
  }

  @Test
  void aDatabaseHeldByAnotherProcessIsRefusedUntilItLetsGo() throws Exception {
    Path file = goodDatabase("held.db");
    try (ChildStore child = ChildStore.start("hold", file.toString())) {
      long deadline = System.nanoTime() + 30_000_000_000L;
      assertThat(child.nextLine(deadline)).isEqualTo("ready 2");
      refusesUnchanged(file)
          .hasMessageContaining("in use by another dnsd process")
          .hasMessageContaining("pid " + child.pid());
      child.release();
    }
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      assertThat(store.version()).isEqualTo(2);
    }
  }

  @Test
  void aMissingDirectoryIsNamed() {
    Path file = dir.resolve("no-such-dir").resolve("dnsd.db");
    assertThatThrownBy(() -> SqliteRecordStore.open(file))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("no directory");
    assertThat(Files.exists(file.getParent())).isFalse();
  }
}
