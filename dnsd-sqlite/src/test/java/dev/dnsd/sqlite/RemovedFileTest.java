package dev.dnsd.sqlite;

import static dev.dnsd.sqlite.Fixtures.a;
import static dev.dnsd.sqlite.Fixtures.createZone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.StoreException;
import dev.dnsd.zone.ZoneTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite goes on writing to a database file that was removed or replaced while open, and what it
 * writes is lost with the file. The store notices before it acknowledges a commit, refuses that
 * commit and every later one with an error naming the path, and says so in the log once.
 */
class RemovedFileTest {
  @TempDir Path dir;

  private static ChangeSet add(String owner) {
    return ChangeSet.builder().add(a(owner, "192.0.2.1")).build();
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Runs the steps with the log (slf4j-simple writes to System.err) captured. */
  private static String capturingLog(ThrowingRunnable steps) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      steps.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  @DisplayName("removing the database's directory stops commits loudly: every one refused, logged once")
  void directoryRemoved() throws Exception {
    Path home = Files.createDirectories(dir.resolve("data"));
    Path file = home.resolve("store.db");
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      store.commit(createZone("example.com."));
      store.commit(add("kept.example.com."));
      ZoneTable before = store.zones();
      deleteTree(home);

      String log = capturingLog(() -> {
        for (int i = 0; i < 3; i++) {
          assertThatThrownBy(() -> store.commit(add("lost.example.com.")))
              .isInstanceOf(StoreException.class)
              .hasMessageContaining(file.toString())
              .hasMessageContaining("was removed while the store had it open");
        }
      });

      assertThat(log.lines().filter(l -> l.contains("ERROR")).toList())
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains(file.toString())
          .contains("was removed");
      assertThat(store.zones()).as("queries go on from memory").isSameAs(before);
      assertThat(store.changesSince(0, 10).orElseThrow()).hasSize(2);
    }
  }

  @Test
  @DisplayName("removing only the database file stops commits too")
  void fileRemoved() throws Exception {
    Path file = dir.resolve("store.db");
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      store.commit(createZone("example.com."));
      Files.delete(file);
      assertThatThrownBy(() -> store.commit(add("lost.example.com.")))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("was removed");
      assertThat(store.version()).isEqualTo(1);
      assertThat(Files.exists(file)).as("the store does not make a new, empty file").isFalse();
    }
  }

  @Test
  @DisplayName("a file put in the database's place stops commits, and is left alone")
  void fileReplaced() throws Exception {
    Path file = dir.resolve("store.db");
    Path other = dir.resolve("other.db");
    try (SqliteRecordStore store = SqliteRecordStore.open(other)) {
      store.commit(createZone("example.net."));
    }
    byte[] otherBytes = Files.readAllBytes(other);
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      store.commit(createZone("example.com."));
      Files.move(other, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      assertThatThrownBy(() -> store.commit(add("lost.example.com.")))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("was replaced by another file");
      assertThatThrownBy(() -> store.commit(add("again.example.com.")))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("was replaced");
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(otherBytes);
  }
}
