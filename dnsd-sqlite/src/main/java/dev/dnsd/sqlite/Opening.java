package dev.dnsd.sqlite;

import dev.dnsd.sqlite.SqliteRecordStore.Options;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;

/**
 * Opens a store's file: refuses what is not ours before anything is written, sets durability,
 * brings the schema up to date, and loads the zones.
 *
 * <p>Durability pragmas: {@code journal_mode=WAL} (kept in the file) lets readers run beside the
 * writer; {@code synchronous=FULL} fsyncs the WAL at every commit, so a commit that returned
 * survives power loss as well as a crash ({@code NORMAL} would lose the last commits on power
 * loss); {@code fullfsync} makes macOS flush the disk's cache too, which its plain fsync does not.
 */
final class Opening {
  /** How long SQLite retries internally before reporting a lock it could not get. */
  private static final int BUSY_TIMEOUT_MILLIS = 30_000;

  record Opened(
      DatabaseFile file,
      ZoneTable table,
      Map<String, String> meta,
      ChangeWriter writer,
      ChangeLogReader reader) {}

  private Opening() {}

  static Opened open(Path path, Options options) {
    DatabaseFile file = DatabaseFile.claim(path);
    Path at = file.path();
    Connection writeConn = null;
    Connection readConn = null;
    try {
      boolean existed = Files.exists(at) && Files.size(at) > 0;
      boolean checked = false;
      if (existed && hasPendingWal(at)) {
        // A writable connection checkpoints the WAL into the file when it closes, even after we
        // refused the file; a read-only one never writes.
        try (Connection conn = connect(at, true)) {
          identity(conn, at);
          quickCheck(conn, at);
        }
        checked = true;
      }
      writeConn = connect(at, false);
      checked |= prepare(writeConn, at, existed, checked);
      readConn = connect(at, true);
      // The integrity check reads every page and costs as much as loading: run the two together.
      FutureTask<Void> check = null;
      if (!checked) {
        Connection conn = readConn;
        check = new FutureTask<>(() -> { quickCheck(conn, at); return null; });
        Thread thread = new Thread(check, "dnsd-sqlite-check");
        thread.setDaemon(true);
        thread.start();
      }
      ZoneTable table;
      try {
        table = ZoneLoader.load(writeConn, at);
      } finally {
        if (check != null) {
          await(check);
        }
      }
      ChangeWriter writer =
          new ChangeWriter(writeConn, options.historyCount(), options.historyAge(), options.clock());
      writer.prune(table.version());
      Map<String, String> meta = ZoneLoader.meta(writeConn);
      return new Opened(file, table, meta, writer, new ChangeLogReader(readConn, at));
    } catch (SQLException e) {
      closeAll(readConn, writeConn, file);
      throw DatabaseFile.failure(at, "cannot be opened", e);
    } catch (IOException e) {
      closeAll(readConn, writeConn, file);
      throw DatabaseFile.problem(at, "cannot be read: " + e, e);
    } catch (RuntimeException | Error e) {
      closeAll(readConn, writeConn, file);
      throw e;
    }
  }

  /**
   * The zones as of the last commit, through a read-only connection and without the claim, so
   * that it works beside the process that has the store open. Nothing is written, so a file this
   * code would have to migrate first is refused rather than read with the wrong schema.
   */
  static ZoneTable readOnly(Path path) {
    Path at = DatabaseFile.existing(path);
    try (Connection conn = connect(at, true)) {
      int userVersion = identity(conn, at);
      if (userVersion == 0) {
        throw DatabaseFile.problem(at, "holds no dnsd store yet");
      }
      if (userVersion < Schema.VERSION) {
        throw DatabaseFile.problem(
            at, "has the schema of an older dnsd (version " + userVersion
                + "); serve from it once with this dnsd to bring it up to date");
      }
      return ZoneLoader.load(conn, at);
    } catch (SQLException e) {
      throw DatabaseFile.failure(at, "cannot be read", e);
    }
  }

  private static Connection connect(Path at, boolean readOnly) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    config.setReadOnly(readOnly);
    return config.createConnection("jdbc:sqlite:" + at);
  }

  /**
   * Checks the database through SQLite, which also sees a header still in the WAL, before
   * anything writes to it; then sets the durability pragmas and brings the schema up to date.
   *
   * @return whether the integrity check ran; it is left to run beside loading when the file
   *     needs no write first
   */
  private static boolean prepare(Connection conn, Path at, boolean existed, boolean checked)
      throws SQLException {
    try (Statement st = conn.createStatement()) {
      int userVersion = identity(conn, at);
      boolean writesFirst = userVersion < Schema.VERSION || !"wal".equalsIgnoreCase(journalMode(st));
      if (existed && writesFirst && !checked) {
        quickCheck(conn, at);
        checked = true;
      }
      try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
        rs.next();
        if (!"wal".equalsIgnoreCase(rs.getString(1))) {
          throw DatabaseFile.problem(
              at, "cannot use write-ahead logging: journal mode is " + rs.getString(1));
        }
      }
      st.execute("PRAGMA synchronous = FULL");
      st.execute("PRAGMA fullfsync = ON");
      if (userVersion < Schema.VERSION) {
        st.execute("BEGIN IMMEDIATE");
        try {
          Schema.migrate(conn, userVersion);
          st.execute("COMMIT");
        } catch (SQLException | RuntimeException e) {
          st.execute("ROLLBACK");
          throw e;
        }
      }
      return checked || !existed;
    }
  }

  /** Refuses a database that is not ours or is newer; returns its schema version. */
  private static int identity(Connection conn, Path at) throws SQLException {
    try (Statement st = conn.createStatement()) {
      int applicationId = intPragma(st, "application_id");
      int userVersion = intPragma(st, "user_version");
      boolean hasTables;
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_schema")) {
        rs.next();
        hasTables = rs.getInt(1) > 0;
      }
      DatabaseFile.checkIdentity(at, applicationId, userVersion, hasTables);
      return userVersion;
    }
  }

  private static boolean hasPendingWal(Path at) throws IOException {
    Path wal = at.resolveSibling(at.getFileName() + "-wal");
    return Files.exists(wal) && Files.size(wal) > 0;
  }

  private static void quickCheck(Connection conn, Path at) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
      rs.next();
      String result = rs.getString(1);
      if (!"ok".equals(result)) {
        throw DatabaseFile.problem(at, "is corrupt (quick_check: " + result + ")");
      }
    }
  }

  private static void await(FutureTask<Void> check) throws SQLException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          check.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true; // the check holds a connection about to be closed: wait it out
        } catch (ExecutionException e) {
          if (e.getCause() instanceof SQLException se) {
            throw se;
          }
          if (e.getCause() instanceof RuntimeException re) {
            throw re;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String journalMode(Statement st) throws SQLException {
    try (ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static int intPragma(Statement st, String name) throws SQLException {
    try (ResultSet rs = st.executeQuery("PRAGMA " + name)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static void closeAll(
      @Nullable Connection reader, @Nullable Connection writer, DatabaseFile file) {
    for (Connection c : new Connection[] {reader, writer}) {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // Opening failed already; that error is the one to report.
        }
      }
    }
    file.close();
  }
}
