package dev.dnsd.sqlite;

import dev.dnsd.sqlite.SqliteRecordStore.Options;
import dev.dnsd.store.SigningRow;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Opens a store's file: refuses what is not ours before anything is written, sets durability,
 * brings the schema up to date, and loads the zones, which it returns only once SQLite's {@code
 * quick_check} of the file passed (run beside the load when nothing had to be written first).
 *
 * <p>Pragmas: {@code journal_mode=WAL} (kept in the file) appends each commit to the WAL and
 * fsyncs only that; {@code synchronous=FULL} fsyncs the WAL at every commit, so a commit that
 * returned survives power loss as well as a crash ({@code NORMAL} would lose the last commits on
 * power loss); {@code fullfsync} makes macOS flush the disk's cache too, which its plain fsync
 * does not.
 *
 * <p>The store's connections use SQLite's {@code unix-excl} VFS, which keeps the WAL index in the
 * heap instead of in a {@code FILE-shm} file mapped into memory. A fault of that mapping (the file
 * truncated, its file system full or gone) is a SIGBUS that kills the JVM; a fault of a read or
 * write is an error code the store can act on. The VFS takes the database's lock for the process
 * at the first read and holds it until the process's last connection to the file closes, which
 * suits a file the {@code FILE.lock} claim gives to one store anyway: no other program can read the
 * file while the store is open. Unlike {@code locking_mode=EXCLUSIVE} it lets a second connection
 * of the same process share the WAL index, which the {@link Checkpointer} needs to copy the WAL
 * into the file while the first commits. {@code mmap_size=0} keeps the database file itself
 * unmapped.
 */
final class Opening {
  /** How long SQLite retries internally before reporting a lock it could not get. */
  private static final int BUSY_TIMEOUT_MILLIS = 30_000;

  record Opened(
      DatabaseFile file, ZoneTable table, Map<String, String> meta, List<SigningRow> signing, Session session) {}

  /** Makes the store's connections; tests put a layer that injects faults in between. */
  interface Connector {
    Connector SQLITE = Opening::connect;

    Connection connect(Path at, boolean readOnly, boolean create) throws SQLException;
  }

  private Opening() {}

  static Opened open(Path path, Options options, Connector connector) {
    DatabaseFile file = DatabaseFile.claim(path);
    Path at = file.path();
    Connection conn = null;
    Connection checkpoints = null;
    Session session = null;
    try {
      boolean existed = Files.exists(at) && Files.size(at) > 0;
      boolean checked = false;
      if (existed && hasPendingWal(at)) {
        // A writable connection checkpoints the WAL into the file when it closes, even after we
        // refused the file; a read-only one never writes.
        try (Connection ro = connector.connect(at, true, false)) {
          identity(ro, at);
          quickCheck(ro, at);
        }
        checked = true;
      }
      conn = connector.connect(at, false, true);
      checked = prepare(conn, at, existed, checked);
      file.pin();
      checkpoints = connector.connect(at, false, false);
      ZoneTable table = checked ? ZoneLoader.load(conn, at) : checkWhileLoading(conn, checkpoints, at);
      session = new Session(conn, checkpoints, at, options);
      session.writer.prune(table.version());
      Map<String, String> meta = ZoneLoader.meta(conn);
      List<SigningRow> signing = ZoneLoader.signing(conn, at);
      if (!signing.isEmpty()) {
        file.ownerOnly(); // it holds private keys
      }
      return new Opened(file, table, meta, signing, session);
    } catch (SQLException e) {
      closeAll(session, conn, checkpoints, file);
      throw DatabaseFile.failure(at, "cannot be opened", e);
    } catch (IOException e) {
      closeAll(session, conn, checkpoints, file);
      throw DatabaseFile.problem(at, "cannot be read: " + e, e);
    } catch (RuntimeException | Error e) {
      closeAll(session, conn, checkpoints, file);
      throw e;
    }
  }

  /**
   * The zones as of the last commit, through a read-only connection and without the claim, so
   * that it works beside the process that has the store open. Nothing is written.
   */
  static ZoneTable readOnly(Path path) {
    Path at = DatabaseFile.existing(path);
    // Beside a running store this reads without SQLite's locks (the store holds the file in
    // exclusive mode), so a commit during the read could give a mixed picture. The version read
    // again afterwards tells: if a commit came between, read again.
    for (int attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
      try {
        ZoneTable table;
        try (Connection conn = connect(at, true, false)) {
          checkReadable(conn, at);
          table = ZoneLoader.load(conn, at);
        }
        try (Connection conn = connect(at, true, false)) {
          if (ZoneLoader.version(conn, at) == table.version()) {
            return table;
          }
        }
      } catch (SQLException e) {
        throw DatabaseFile.failure(at, "cannot be read", e);
      }
    }
    throw DatabaseFile.problem(at, "changed during each of " + READ_ATTEMPTS + " reads of it; try again");
  }

  private static final int READ_ATTEMPTS = 5;

  /** The DNSSEC state of the signed zones, read as {@link #readOnly} reads the zones. */
  static List<SigningRow> readSigning(Path path) {
    Path at = DatabaseFile.existing(path);
    try (Connection conn = connect(at, true, false)) {
      checkReadable(conn, at);
      return ZoneLoader.signing(conn, at);
    } catch (SQLException e) {
      throw DatabaseFile.failure(at, "cannot be read", e);
    }
  }

  /** A file this code would have to migrate first is refused rather than read with the wrong schema. */
  private static void checkReadable(Connection conn, Path at) throws SQLException {
    int userVersion = identity(conn, at);
    if (userVersion == 0) {
      throw DatabaseFile.problem(at, "holds no dnsd store yet");
    }
    if (userVersion < Schema.VERSION) {
      throw DatabaseFile.problem(
          at, "has the schema of an older dnsd (version " + userVersion
              + "); serve from it once with this dnsd to bring it up to date");
    }
  }

  /**
   * A new session on the database a store has open, after its connection failed: never creates
   * the file, and checks nothing a running store already checked.
   */
  static Session reconnect(Path at, Options options, Connector connector) throws SQLException {
    Connection conn = connector.connect(at, false, false);
    try {
      return new Session(conn, connector.connect(at, false, false), at, options);
    } catch (SQLException | RuntimeException e) {
      try {
        conn.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static Connection connect(Path at, boolean readOnly, boolean create) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    // Else the driver matches every INSERT against a pattern and prepares, runs and finalizes a
    // "SELECT last_insert_rowid()" of its own after it, for getGeneratedKeys(), which nothing
    // here calls: 15 % of a commit's time in Java on a primary, besides the statements in SQLite.
    config.setGetGeneratedKeys(false);
    config.setReadOnly(readOnly);
    if (!create) {
      config.resetOpenMode(SQLiteOpenMode.CREATE);
    }
    config.setOpenMode(SQLiteOpenMode.OPEN_URI);
    String url = "jdbc:sqlite:" + at.toUri() + "?vfs=unix-excl";
    if (readOnly) {
      // unix-excl takes a write lock, which a read-only descriptor cannot: the read-only look at a
      // file left by a crash, or beside a running store, goes without SQLite's locks
      // ("unix-none"), which has no shared memory at all; exclusive locking mode, the only pragma
      // the driver sets as it opens, keeps that connection's WAL index in its heap. The FILE.lock
      // claim keeps other dnsd processes away, and the store's own connections lock the file.
      config.setLockingMode(SQLiteConfig.LockingMode.EXCLUSIVE);
      url = "jdbc:sqlite:" + at.toUri() + "?vfs=unix-none";
    }
    Connection conn = config.createConnection(url);
    try (Statement st = conn.createStatement()) {
      st.execute("PRAGMA mmap_size = 0");
      // Before anything creates the file (turning on the WAL does): an existing one keeps its own.
      st.execute("PRAGMA page_size = " + Schema.PAGE_SIZE);
      st.execute("PRAGMA synchronous = FULL");
      st.execute("PRAGMA fullfsync = ON");
    } catch (SQLException e) {
      try {
        conn.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return conn;
  }

  /**
   * Checks the database through SQLite, which also sees a header still in the WAL, before
   * anything writes to it; then turns on the WAL and brings the schema up to date.
   *
   * @return whether the integrity check ran or was not needed (a new file); when the file needs no
   *     write first it is left to the caller
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

  /**
   * Loads the zones through {@code conn} while {@code quick_check} runs through {@code other}, on
   * a thread of its own, and returns them only once the check has passed: a damaged file is
   * refused as before, before anything is served from it. The check is a pass over the whole file
   * (about 0.3 s of CPU for a million records) spent in SQLite's native code, which goes on during
   * the loader's garbage collections (they stop only Java code, and the serial collector uses one
   * core), so on two cores it runs beside the load instead of ahead of it. When both fail, the
   * check's finding is the one reported: it names the damage, a failed read only its symptom.
   */
  private static ZoneTable checkWhileLoading(Connection conn, Connection other, Path at)
      throws SQLException {
    FutureTask<@Nullable Void> check =
        new FutureTask<>(() -> {
          quickCheck(other, at);
          // The pages the check read stay in this connection's cache, which the checkpoints it
          // is kept for do not need.
          try (Statement st = other.createStatement()) {
            st.execute("PRAGMA shrink_memory");
          }
          return null;
        });
    Thread checker = new Thread(check, "dnsd-sqlite-check");
    checker.setDaemon(true);
    checker.start();
    ZoneTable table;
    try {
      table = ZoneLoader.load(conn, at);
    } catch (SQLException | RuntimeException | Error e) {
      // Never leaves the check running on a connection the caller is about to close.
      awaitCheck(check, at, e);
      throw e;
    }
    awaitCheck(check, at, null);
    return table;
  }

  /** Waits for the check; throws what it found, with {@code loadError} suppressed in it if any. */
  private static void awaitCheck(
      FutureTask<@Nullable Void> check, Path at, @Nullable Throwable loadError)
      throws SQLException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          check.get();
          return;
        } catch (InterruptedException e) {
          // The connection the check uses must be free before the caller closes it.
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable found = e.getCause();
          if (loadError != null) {
            found.addSuppressed(loadError);
          }
          if (found instanceof SQLException s) {
            throw s;
          }
          if (found instanceof RuntimeException r) {
            throw r;
          }
          throw new IllegalStateException("the integrity check of " + at + " failed", found);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
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

  /** The session, when there is one, closes the connection with its checkpoints' own. */
  private static void closeAll(
      @Nullable Session session, @Nullable Connection conn, @Nullable Connection checkpoints,
      DatabaseFile file) {
    if (session != null) {
      close(session);
    } else {
      // The checkpoints' connection first, as Session#close does.
      close(checkpoints);
      close(conn);
    }
    file.close();
  }

  private static void close(@Nullable AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Opening failed already; that error is the one to report.
    }
  }
}
