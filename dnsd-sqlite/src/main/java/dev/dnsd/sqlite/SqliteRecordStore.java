package dev.dnsd.sqlite;

import dev.dnsd.store.AbstractRecordStore;
import dev.dnsd.internal.SetOnce;
import dev.dnsd.store.Change;
import dev.dnsd.store.RecordStore;
import dev.dnsd.store.StoreException;
import dev.dnsd.zone.ZoneTable;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A {@link dev.dnsd.store.RecordStore} in one SQLite file: the zones, their records, and a change
 * log for replication catch-up. Every zone is loaded into memory at open, so queries never touch
 * SQL.
 *
 * <pre>{@code
 * try (SqliteRecordStore store = SqliteRecordStore.open(Path.of("dnsd.db"))) {
 *   store.commit(ChangeSet.builder().createZone(origin, records).build());
 * }
 * }</pre>
 *
 * <p><b>Durability.</b> The database runs in WAL mode with {@code synchronous=FULL} (and {@code
 * fullfsync} where the OS has it): a commit returns only after its WAL frames have been fsynced.
 * A commit that returned survives the process being killed at any moment, and it survives power
 * loss or an OS crash too, as far as the disk honours fsync. A commit that threw left nothing
 * behind, except when COMMIT itself failed, when the outcome is unknown: the store then refuses
 * further commits until it is reopened, which shows what was kept.
 *
 * <p><b>Concurrency.</b> All methods are thread-safe. Commits are serialized and grouped: the
 * commits that queue while one is being written go to disk in the next SQLite transaction, with
 * one fsync for all of them, and each still gets its own version and log row. {@link
 * #changesSince} reads on a separate connection and never waits for a commit. Busy waits inside
 * SQLite are bounded by a busy timeout, so "database is locked" does not reach callers.
 *
 * <p><b>One process.</b> A store holds an OS lock on {@code FILE.lock} until it is closed or the
 * process dies; a second dnsd process, or a second open in this one, gets a clear error ({@link
 * #readZones} reads beside it). The lock
 * file stays after close (it means nothing without the lock); SQLite's {@code FILE-wal} and
 * {@code FILE-shm} exist while the store is open and belong with the database when copying it.
 *
 * <p><b>History.</b> The change log keeps the last {@link Builder#historyCount} changes and,
 * when {@link Builder#historyAge} is set, only those younger than it. The zone content is kept
 * apart from the log, so pruning never loses data; a caller whose version fell out of the log
 * gets an empty answer from {@link #changesSince} and must copy all of {@link #zones()} instead.
 */
public final class SqliteRecordStore extends AbstractRecordStore {
  private final DatabaseFile file;
  private final ChangeWriter writer;
  private final ChangeLogReader reader;
  private volatile @Nullable Throwable broken;

  private SqliteRecordStore(
      DatabaseFile file,
      ZoneTable initial,
      Map<String, String> meta,
      ChangeWriter writer,
      ChangeLogReader reader) {
    super(initial, meta);
    this.file = file;
    this.writer = writer;
    this.reader = reader;
  }

  /**
   * Opens the store at {@code path} with the default settings, creating the file and its schema
   * when there is none, and loads every zone.
   *
   * @throws StoreException naming the file when it is not a SQLite database, belongs to another
   *     program or to a newer dnsd, is corrupt, or is open in another dnsd process; the file is
   *     then left as it was
   */
  public static SqliteRecordStore open(Path path) {
    return builder(path).open();
  }

  /** Settings for the store at {@code path}, other than the defaults; {@link Builder#open()} opens it. */
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
   * @throws StoreException naming the file when there is none, it is not a dnsd database, comes
   *     from an older or newer dnsd, or is corrupt
   */
  public static ZoneTable readZones(Path path) {
    return Opening.readOnly(path);
  }

  /** The database file, absolute and with links resolved. */
  public Path path() {
    return file.path();
  }

  @Override
  public Optional<List<Change>> changesSince(long afterVersion, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0: " + limit);
    }
    if (isClosed()) {
      throw DatabaseFile.problem(path(), "is closed");
    }
    try {
      return reader.since(afterVersion, version(), limit);
    } catch (SQLException e) {
      throw DatabaseFile.failure(path(), "cannot read its change log", e);
    }
  }

  @Override
  protected void persist(List<Change> batch) {
    Throwable failure = broken;
    if (failure != null) {
      throw DatabaseFile.problem(
          path(),
          "takes no more commits: an earlier commit failed while SQLite committed it, so"
              + " whether it was kept is unknown until the store is reopened",
          failure);
    }
    try {
      writer.write(batch);
    } catch (SQLException e) {
      throw DatabaseFile.failure(path(), "could not commit", e);
    } catch (ChangeWriter.OutcomeUnknown e) {
      broken = e.getCause();
      throw DatabaseFile.problem(
          path(),
          "failed to finish a commit; it may or may not be kept, and the store takes no more"
              + " commits until it is reopened",
          e.getCause());
    } catch (IllegalStateException e) {
      throw DatabaseFile.problem(path(), "is out of step with the zones in memory: " + e.getMessage(), e);
    }
  }

  @Override
  protected void closeStorage() {
    // The writer's connection closes last: the last connection out checkpoints the WAL into the
    // database file and removes it.
    try (DatabaseFile f = file;
        ChangeWriter w = writer;
        ChangeLogReader r = reader) {
      // try-with-resources closes them in reverse order, each even when another fails.
    } catch (SQLException e) {
      throw DatabaseFile.failure(path(), "did not close cleanly", e);
    }
  }

  @Override
  public String toString() {
    return "SqliteRecordStore[" + path() + ", version " + version() + "]";
  }

  /** What a {@link Builder} fixed, as the store's parts read it. */
  record Options(int historyCount, @Nullable Duration historyAge, Clock clock) {
    static Options defaults() {
      return new Options(RecordStore.DEFAULT_HISTORY, null, Clock.systemUTC());
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
     */
    public Builder historyCount(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("history count must be >= 0: " + count);
      }
      once.claim("historyCount", count);
      options = new Options(count, options.historyAge(), options.clock());
      return this;
    }

    /** Drops changes older than this from the log; by default changes of any age are kept. */
    public Builder historyAge(Duration age) {
      if (age.isNegative() || age.isZero()) {
        throw new IllegalArgumentException("history age must be positive: " + age);
      }
      once.claim("historyAge", age);
      options = new Options(options.historyCount(), age, options.clock());
      return this;
    }

    /** The clock history age is measured by; a test seam. Default the system clock. */
    public Builder clock(Clock clock) {
      once.claim("clock", clock);
      options = new Options(options.historyCount(), options.historyAge(), Objects.requireNonNull(clock, "clock"));
      return this;
    }

    /** Opens the store as {@link SqliteRecordStore#open(Path)} describes. */
    public SqliteRecordStore open() {
      Opening.Opened opened = Opening.open(path, options);
      return new SqliteRecordStore(
          opened.file(), opened.table(), opened.meta(), opened.writer(), opened.reader());
    }
  }
}
