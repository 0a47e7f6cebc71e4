package dev.dnsd.sqlite;

import static dev.dnsd.sqlite.Fixtures.a;
import static dev.dnsd.sqlite.Fixtures.createZone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.store.ChangeSet;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No fault of the store's files can kill the process. SQLite's WAL index normally lives in {@code
 * FILE-shm}, mapped into memory: truncating that file under a running store was a SIGBUS that
 * killed the JVM. The store keeps the index in the heap (exclusive locking mode) and maps nothing.
 */
class DamagedFilesTest {
  private static final Duration BUDGET = Duration.ofSeconds(40);

  @TempDir Path dir;

  private static List<Path> besideTheDatabase(Path file) throws IOException {
    try (Stream<Path> s = Files.list(file.getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith(file.getFileName() + "-")).toList();
    }
  }

  @Test
  @DisplayName("truncating the files SQLite keeps beside the database never kills the process")
  void truncatedFilesBesideTheDatabase() throws Exception {
    Path file = dir.resolve("store.db");
    long deadline = System.nanoTime() + BUDGET.toNanos();
    try (ChildStore child = ChildStore.start("commit-through-faults", file.toString())) {
      assertThat(child.nextLine(deadline)).startsWith("opened ");
      for (int i = 0; i < 20; i++) {
        assertThat(child.nextLine(deadline)).startsWith("ok ");
      }
      List<Path> beside = besideTheDatabase(file);
      assertThat(beside).extracting(p -> p.getFileName().toString()).containsExactly("store.db-wal");
      for (Path p : beside) {
        try (FileChannel channel = FileChannel.open(p, StandardOpenOption.WRITE)) {
          channel.truncate(0);
        }
      }
      // Each line is a commit that returned or threw after the damage: the process lives on.
      for (int i = 0; i < 30; i++) {
        assertThat(child.nextLine(deadline)).matches("(ok|failed) .*");
      }
      assertThat(besideTheDatabase(file)).extracting(p -> p.getFileName().toString())
          .doesNotContain("store.db-shm");
    }
  }

  @Test
  @DisplayName("while the store is open it holds the file locked, so no other program reads it")
  void exclusiveWhileOpen() throws Exception {
    Path file = dir.resolve("store.db");
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      store.commit(createZone("example.com."));
      store.commit(ChangeSet.builder().add(a("www.example.com.", "192.0.2.1")).build());
      // Another program: SQLite's lock is the process's, so a connection of this JVM would share it.
      try (ChildStore other = ChildStore.start("read", file.toString())) {
        assertThat(other.nextLine(System.nanoTime() + Duration.ofSeconds(60).toNanos()))
            .startsWith("failed ")
            .contains("locked");
      }
      assertThat(besideTheDatabase(file)).extracting(p -> p.getFileName().toString())
          .containsExactly("store.db-wal");
    }
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = other.createStatement()) {
      assertThat(st.executeQuery("SELECT count(*) FROM records").getInt(1)).isEqualTo(3);
    }
  }
}
