package dev.dnsd.sqlite;

import dev.dnsd.dnssec.DnssecStatus;
import dev.dnsd.dnssec.SigningKey;
import dev.dnsd.store.AbstractRecordStore;
import dev.dnsd.internal.SetOnce;
import dev.dnsd.store.Change;
import dev.dnsd.store.RecordStore;
import dev.dnsd.store.SigningRow;
import dev.dnsd.store.StoreException;
import dev.dnsd.zone.ZoneTable;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link dev.dnsd.store.RecordStore} in one SQLite file: the zones, their records, and a change
 * log for replication catch-up. Every zone is loaded into memory at open, so queries never touch
 * SQL.
 *
 * <pre>{@code
 * Name origin = Name.fromString("example.com.");
 * try (SqliteRecordStore store = SqliteRecordStore.open(Path.of("dnsd.db"))) {
 *   store.commit(ChangeSet.builder()    // durable when it returns
 *       .replaceZone(ZoneFiles.parse("@ 3600 SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ 3600 NS ns1\n", origin))
 *       .build());
 * }
 * try (DnsServer server = DnsServer.builder().store(SqliteRecordStore.open(Path.of("dnsd.db"))).build().start()) {
 *   // answers example.com. from the file; closing the server closes the store
 * }
 * }</pre>
 *
 * <p><b>Durability.</b> The database runs in WAL mode with {@code synchronous=FULL} (and {@code
 * fullfsync} where the OS has it): a commit returns only after its WAL frames have been fsynced.
 * A commit that returned survives the process being killed at any moment, and it survives power
 * loss or an OS crash too, as far as the disk honours fsync.
 *
 * <p><b>Faults.</b> A commit that fails (the disk full, an I/O error) throws a {@link
 * StoreException} naming the file and leaves the zones as they were, so queries go on being
 * answered from the last commit that succeeded. The store then closes its connection and opens the
 * file again, which shows whether the failed commit was kept: SQLite may have written a commit
 * whose own fsync failed. One that was not kept leaves the store as before, and the next commit
 * goes ahead as soon as the disk takes it, with no restart. One that was kept is made durable by a
 * checkpoint and returns as a success after all. When the file cannot be read again, commits are
 * refused until it can; should it then hold the failed commit after all, the store refuses commits
 * for good, because its zones in memory lack a change the file has, and asks for a restart. The
 * file is never mapped into memory (see {@code Opening}), so no fault of it can kill the process.
 * If the file is removed or replaced while the store is open, SQLite would go on writing into a
 * file nobody can find again: the store compares the file with the path at every commit and, once
 * they differ, refuses every commit with an error naming the path, logged once.
 *
 * <p><b>Concurrency.</b> All methods are thread-safe. Commits are serialized and grouped: the
 * commits that queue while one is being written go to disk in the next SQLite transaction, with
 * one fsync for all of them, and each still gets its own version and log row. The store commits
 * through one SQLite connection; {@link #changesSince} takes turns on it with commits, in order of
 * arrival, so it waits for at most the commit being written, and decodes what it read after
 * letting go. A thread of the store's own copies the WAL into the database file on a second
 * connection (a checkpoint), beside the commits rather than inside one of them, which SQLite's
 * automatic checkpoint would make several times slower than the others.
 *
 * <p><b>One process.</b> A store holds an OS lock on {@code FILE.lock} until it is closed or the
 * process dies; a second dnsd process, or a second open in this one, gets a clear error. SQLite
 * holds the database file locked too (its {@code unix-excl} VFS), so no other program can read it
 * while the store is open: copy it, or run {@code sqlite3} on it, once the store is closed. The
 * lock file stays after close (it means nothing without the lock); SQLite's {@code FILE-wal}
 * exists while the store is open and belongs with the database when copying it.
 *
 * <p><b>DNSSEC.</b> The keys and policy of the zones the store signs are kept in the file, in the
 * transaction of the change that set them, so a restart resumes a rollover where it was. Once it
 * holds a key, the file (and SQLite's files beside it) is made readable by its owner only.
 *
 * <p><b>History.</b> The change log keeps the last {@link Builder#historyCount} changes and,
 * when {@link Builder#historyAge} is set, only those younger than it. The zone content is kept
 * apart from the log, so pruning never loses data; a caller whose version fell out of the log
 * gets an empty answer from {@link #changesSince} and must copy all of {@link #zones()} instead.
 */
public final class SqliteRecordStore extends AbstractRecordStore {
  private static final Logger log = LoggerFactory.getLogger(SqliteRecordStore.class);

  private final DatabaseFile file;
  private final Options options;
  private final Opening.Connector connector;
  /** Commits and change-log reads take turns on the session under it, in order of arrival. */
  private final ReentrantLock sql = new ReentrantLock(true);
  /** Guarded by {@link #sql}; null after a failure until the file is open again, and after close. */
  private @Nullable Session session;
  /** Guarded by {@link #sql}: the versions of a failed batch whose fate the file must still tell. */
  private @Nullable Unsettled unsettled;
  /** Guarded by {@link #sql}: commits failed in a row, so that a full disk logs once, not per commit. */
  private int failures;
  private boolean shut;
  /** Why commits are refused for good; set once. */
  private volatile @Nullable StoreException refusal;

  /** A failed batch: the version before it and its last one. */
  private record Unsettled(long before, long last) {}

  private SqliteRecordStore(Opening.Opened opened, Options options, Opening.Connector connector) {
    super(opened.table(), opened.meta(), opened.signing(), options.clock());
    this.file = opened.file();
    this.session = opened.session();
    this.options = options;
    this.connector = connector;
  }

  /**
   * Opens the store at {@code path} with the default settings, creating the file and its schema
   * when there is none, and loads every zone.
   *
   * @param path the database file
   * @return the open store
   * @throws StoreException naming the file when it is not a SQLite database, belongs to another
   *     program or to a newer dnsd, is corrupt, or is open in another dnsd process; the file is
   *     then left as it was
   */
  public static SqliteRecordStore open(Path path) {
    return builder(path).open();
  }

  /**
   * Settings for the store at {@code path}, other than the defaults; {@link Builder#open()} opens it.
   *
   * @param path the database file
   * @return the builder
   */
  public static Builder builder(Path path) {
    return new Builder(path);
  }

  /**
   * The zones of the store in the file at {@code path} as of its last commit, read without opening
   * the store: this works while a dnsd process has it open (SQLite's write-ahead log lets a reader
   * run beside the writer), takes no lock a commit waits for, and never writes to the file.
   *
   * <pre>{@code
   * Zone zone = SqliteRecordStore.readZones(Path.of("dnsd.db")).get(origin); // e.g. to export it
   * }</pre>
   *
   * @param path the database file
   * @return the zones
   * @throws StoreException naming the file when there is none, it is not a dnsd database, comes
   *     from an older or newer dnsd, or is corrupt
   */
  public static ZoneTable readZones(Path path) {
    return Opening.readOnly(path);
  }

  /**
   * The DNSSEC state of a zone the store in the file signs (its policy, keys and their timeline),
   * read as {@link #readZones} reads the zones: also while a dnsd process has the store open. The
   * private keys are read but not returned.
   *
   * @param now the moment of signing
   * @param path the database file
   * @param zone the zone's origin
   * @return null when the store does not sign the zone
   * @throws StoreException as {@link #readZones} does
   */
  public static @Nullable DnssecStatus readDnssec(Path path, Name zone, Instant now) {
    for (SigningRow row : Opening.readSigning(path)) {
      if (row.origin().equals(zone)) {
        return row.status(now);
      }
    }
    return null;
  }

  /**
   * The keys of a zone the store in the file signs, private parts included (to write them as
   * BIND's key files, say), read as {@link #readZones} reads the zones.
   *
   * @param path the database file
   * @param zone the zone's origin
   * @return empty when the store does not sign the zone
   */
  public static List<SigningKey> readKeys(Path path, Name zone) {
    for (SigningRow row : Opening.readSigning(path)) {
      if (row.origin().equals(zone)) {
        return row.keys();
      }
    }
    return List.of();
  }

  static SqliteRecordStore open(Path path, Options options, Opening.Connector connector) {
    Objects.requireNonNull(options, "options");
    return new SqliteRecordStore(Opening.open(path, options, connector), options, connector);
  }

  /**
   * The database file, absolute and with links resolved.
   *
   * @return the path
   */
  public Path path() {
    return file.path();
  }

  @Override
  public Optional<List<Change>> changesSince(long afterVersion, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0: " + limit);
    }
    long published = version();
    Optional<List<ChangeLogReader.Row>> rows;
    sql.lock();
    try {
      if (shut) {
        throw DatabaseFile.problem(path(), "is closed");
      }
      rows = reopenedIfNeeded().log.since(afterVersion, published, limit);
    } catch (SQLException e) {
      throw DatabaseFile.failure(path(), "cannot read its change log", e);
    } finally {
      sql.unlock();
    }
    return rows.map(r -> ChangeLogReader.decode(path(), r));
  }

  @Override
  protected void persist(List<Change> batch) {
    persist(batch, List.of());
  }

  @Override
  protected void persist(List<Change> batch, List<SigningRow> signing) {
    if (signing.stream().anyMatch(row -> row.state() != null)) {
      file.ownerOnly(); // before the first private key is written
    }
    sql.lock();
    try {
      StoreException refused = refusal;
      if (refused != null) {
        throw new StoreException(refused.getMessage(), refused);
      }
      try {
        write(batch, signing);
      } catch (StoreException e) {
        // Once per run of failures: a full disk under load would otherwise log every commit.
        if (failures++ == 0 && refusal == null) {
          log.error("{} (queries go on from the zones as they were)", e.getMessage());
        }
        throw e;
      }
      if (failures > 0) {
        log.info("database {} takes commits again, after {} failed", path(), failures);
        failures = 0;
      }
    } finally {
      sql.unlock();
    }
  }

  private void write(List<Change> batch, List<SigningRow> signing) {
    Session s = reopenedIfNeeded();
    try {
      s.writer.write(batch, signing);
    } catch (SQLException e) {
      if (batch.isEmpty()) {
        // Only DNSSEC state, which takes no version to tell by: kept or not, the store goes on
        // from what it had, and the file's row is read again at the next open.
        closeSession();
        throw DatabaseFile.failure(path(), "could not store a zone's DNSSEC state", e);
      }
      settle(batch, e);
    } catch (IllegalStateException e) {
      throw DatabaseFile.problem(path(), "is out of step with the zones in memory: " + e.getMessage(), e);
    }
    // Before the commit is acknowledged: written to a file that is gone, it would be lost.
    try {
      file.checkSameFile();
    } catch (StoreException e) {
      throw refuse(e);
    }
    Session now = session; // settle may have opened another
    if (now != null) {
      now.checkpointer.committed();
    }
  }

  /**
   * After a commit failed in SQLite: opens the file again and tells from the version it holds what
   * became of the batch. Returns when the batch was kept and is durable now; throws otherwise.
   */
  private void settle(List<Change> batch, SQLException cause) {
    Unsettled failed = new Unsettled(batch.get(0).version() - 1, batch.get(batch.size() - 1).version());
    StoreException failure = DatabaseFile.failure(path(), "could not commit", cause);
    closeSession();
    unsettled = failed;
    Session s;
    long found;
    try {
      s = reopen();
      found = s.version();
    } catch (SQLException e) {
      closeSession();
      failure.addSuppressed(e);
      throw DatabaseFile.problem(
          path(),
          "could not commit (" + cause.getMessage() + "), and whether the commit was kept is unknown"
              + " until the database can be read again; the next commit tries",
          failure);
    }
    if (found == failed.before) {
      unsettled = null; // the store goes on as before
      throw new StoreException(failure.getMessage() + "; nothing of the commit was kept", cause);
    }
    if (found != failed.last) {
      throw refuse(outOfStep(found, failed.before));
    }
    try {
      // The commit's own fsync may be what failed: it is durable only once written again and synced.
      s.checkpoint();
    } catch (SQLException e) {
      failure.addSuppressed(e);
      throw refuse(DatabaseFile.problem(
          path(),
          "holds the commit of version " + failed.last + ", which failed in SQLite (" + cause.getMessage()
              + ") and cannot be made durable (" + e.getMessage() + "); restart to serve what the file holds",
          failure));
    }
    unsettled = null;
    log.warn("database {}: the commit of version {} failed in SQLite but was kept, and is durable now", path(), failed.last);
  }

  /**
   * The session, opening the file again first when a failure closed it. When a failed batch is
   * still unsettled, the file shows its fate now: if it was kept after all, the zones in memory
   * lack a change the file has, and commits are refused for good.
   */
  private Session reopenedIfNeeded() {
    Session s = session;
    if (s != null) {
      return s;
    }
    long found;
    try {
      s = reopen();
      found = s.version();
    } catch (SQLException e) {
      closeSession();
      StoreException failure = DatabaseFile.failure(path(), "cannot be opened again", e);
      throw new StoreException(
          failure.getMessage() + "; commits are refused until it can be opened again", e);
    }
    long published = version();
    if (found != published) {
      Unsettled u = unsettled;
      throw refuse(
          u != null && found == u.last
              ? DatabaseFile.problem(
                  path(),
                  "holds version " + found + " from a commit that was reported as failed, which the"
                      + " zones in memory lack; restart to serve it")
              : outOfStep(found, published));
    }
    unsettled = null;
    return s;
  }

  private Session reopen() throws SQLException {
    if (shut) {
      throw DatabaseFile.problem(path(), "is closed");
    }
    try {
      file.checkSameFile();
    } catch (StoreException e) {
      throw refuse(e);
    }
    Session s = Opening.reconnect(path(), options, connector);
    session = s;
    return s;
  }

  private StoreException outOfStep(long found, long expected) {
    return DatabaseFile.problem(
        path(), "holds version " + found + " where the store has " + expected
            + ": something else changed it, so the store commits no more");
  }

  /** Refuses commits for good, saying why once in the log. */
  private StoreException refuse(StoreException why) {
    if (refusal == null) {
      refusal = why;
      log.error("{} (queries go on from the zones in memory; commits are refused until a restart)", why.getMessage());
    }
    return why;
  }

  private void closeSession() {
    Session s = session;
    session = null;
    if (s != null) {
      try {
        s.close();
      } catch (SQLException e) {
        log.debug("closing the failed connection to {}", path(), e);
      }
    }
  }

  @Override
  protected void closeStorage() {
    sql.lock();
    try {
      shut = true;
      Session s = session;
      session = null;
      // The connection closes before the claim: the last connection out checkpoints the WAL into
      // the database file and removes it.
      try {
        if (s != null) {
          s.close();
        }
      } catch (SQLException e) {
        throw DatabaseFile.failure(path(), "did not close cleanly", e);
      } finally {
        file.close();
      }
    } finally {
      sql.unlock();
    }
  }

  /** Whether the database file holds every commit, the background checkpoints caught up; for tests. */
  boolean checkpointsCaughtUp() {
    Session s = session;
    return s != null && s.checkpointer.caughtUp();
  }

  @Override
  public String toString() {
    return "SqliteRecordStore[" + path() + ", version " + version() + "]";
  }

  /** What a {@link Builder} fixed, as the store's parts read it. */
  record Options(int historyCount, @Nullable Duration historyAge, Clock clock, Duration checkpointDelay) {
    static Options defaults() {
      return new Options(RecordStore.DEFAULT_HISTORY, null, Clock.systemUTC(), Checkpointer.DELAY);
    }

    /** With another longest wait of a commit for its checkpoint; tests wait less than a server. */
    Options withCheckpointDelay(Duration delay) {
      return new Options(historyCount, historyAge, clock, delay);
    }
  }

  /**
   * Configures a store, then opens it; each setting may be given once.
   *
   * <pre>{@code
   * SqliteRecordStore store = SqliteRecordStore.builder(Path.of("dnsd.db"))
   *     .historyCount(100_000)
   *     .historyAge(Duration.ofDays(7))
   *     .open();
   * }</pre>
   */
  public static final class Builder {
    private final Path path;
    private final SetOnce once = new SetOnce();
    private Options options = Options.defaults();

    private Builder(Path path) {
      this.path = Objects.requireNonNull(path, "path");
    }

    /**
     * Keeps at most this many of the latest changes in the log; 0 keeps none. Default {@value
     * RecordStore#DEFAULT_HISTORY}.
     *
     * @param count how many of the latest changes to keep
     * @return this builder
     */
    public Builder historyCount(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("history count must be >= 0: " + count);
      }
      once.claim("historyCount", count);
      options = new Options(count, options.historyAge(), options.clock(), options.checkpointDelay());
      return this;
    }

    /**
     * Drops changes older than this from the log; by default changes of any age are kept.
     *
     * @param age how long a change is kept
     * @return this builder
     */
    public Builder historyAge(Duration age) {
      if (age.isNegative() || age.isZero()) {
        throw new IllegalArgumentException("history age must be positive: " + age);
      }
      once.claim("historyAge", age);
      options = new Options(options.historyCount(), age, options.clock(), options.checkpointDelay());
      return this;
    }

    /**
     * The clock commits are dated by, history age measured by, and the signatures of the zones
     * the store signs timed by; a test seam. Default the system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      once.claim("clock", clock);
      options = new Options(
          options.historyCount(), options.historyAge(), Objects.requireNonNull(clock, "clock"), options.checkpointDelay());
      return this;
    }

    /**
     * Opens the store as {@link SqliteRecordStore#open(Path)} describes.
     *
     * @return the open store
     */
    public SqliteRecordStore open() {
      return SqliteRecordStore.open(path, options, Opening.Connector.SQLITE);
    }
  }
}
