package dev.dnsd.sqlite;

import static dev.dnsd.sqlite.Fixtures.a;
import static dev.dnsd.sqlite.Fixtures.createZone;
import static dev.dnsd.sqlite.Fixtures.name;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.Zone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * The background checkpoints ({@link Checkpointer}): they copy the WAL into the database file
 * while the store is open and no commit runs one, they keep the WAL from growing while commits
 * pause now and then, and a crash before one of them loses no commit.
 */
class CheckpointTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  /** A store whose checkpoints come 10 ms after a commit rather than up to a second. */
  private static SqliteRecordStore open(Path file) {
    return SqliteRecordStore.open(
        file, SqliteRecordStore.Options.defaults().withCheckpointDelay(Duration.ofMillis(10)), Opening.Connector.SQLITE);
  }

  private static ChangeSet add(String owner) {
    return ChangeSet.builder().add(a(owner, "192.0.2.1")).build();
  }

  @Test
  @DisplayName("a commit reaches the database file itself soon, with no commit after it to checkpoint")
  void commitReachesTheFile() throws Exception {
    Path file = dir.resolve("store.db");
    try (SqliteRecordStore store = open(file)) {
      store.commit(createZone("example.com."));
      store.commit(add("copied.example.com."));
      Await.until("a background checkpoint after the commit", WAIT, store::checkpointsCaughtUp);

      // The file alone, without its WAL, as a copy of it would be read.
      Path copy = dir.resolve("copy.db");
      Files.copy(file, copy);
      try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + copy);
          Statement st = conn.createStatement();
          ResultSet rs = st.executeQuery("SELECT version FROM state")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).as("the version the database file holds without its WAL").isEqualTo(store.version());
      }
    }
  }

  @Test
  @DisplayName("the WAL is written from its start again while commits pause now and then")
  void walStaysSmall() throws Exception {
    Path file = dir.resolve("store.db");
    Path wal = dir.resolve("store.db-wal");
    int commits = 40;
    try (SqliteRecordStore store = open(file)) {
      store.commit(createZone("example.com."));
      long firstSize = 0;
      for (int i = 0; i < commits; i++) {
        store.commit(add("r" + i + ".example.com."));
        if (i == 0) {
          firstSize = Files.size(wal);
        }
        // The pause a server has between commits now and then: the checkpoint copies everything.
        Await.until("the checkpoint after commit " + i, WAIT, store::checkpointsCaughtUp);
      }
      // Each commit appends a few pages; without checkpoints the WAL would hold them all.
      assertThat(Files.size(wal)).as("the WAL after %d commits, each followed by a checkpoint", commits)
          .isLessThan(firstSize + 10 * 4096);
      assertThat(store.zones().get(name("example.com.")).recordCount()).isEqualTo(2 + commits);
    }
  }

  @Test
  @DisplayName("kill -9 with commits in the WAL that no checkpoint copied yet loses none of them")
  void killBeforeCheckpointLosesNothing() throws Exception {
    Path file = dir.resolve("store.db");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    TreeSet<Long> printed = new TreeSet<>();
    try (ChildStore child = ChildStore.start("commit", file.toString(), "1")) {
      assertThat(child.nextLine(deadline)).startsWith("opened ");
      // One thread committing without a pause: the checkpoints trail behind the last commits.
      while (printed.size() < 100) {
        printed.add(Long.parseLong(child.nextLine(deadline)));
      }
      child.kill();
      for (String line : child.drain()) {
        printed.add(Long.parseLong(line));
      }
    }
    assertThat(Files.size(dir.resolve("store.db-wal"))).as("the WAL the killed store left").isPositive();
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      assertThat(store.version()).isGreaterThanOrEqualTo(printed.last());
      Zone zone = store.zones().get(name("example.com."));
      assertThat(zone.recordCount()).isEqualTo(store.version() + 1);
      assertThat(zone.rrset(name("example.com."), Type.SOA)).isNotNull();
    }
  }
}
