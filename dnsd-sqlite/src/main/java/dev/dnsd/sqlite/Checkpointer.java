package dev.dnsd.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the WAL into the database file on a thread and a connection of its own, so that commits
 * do not wait for it. SQLite's automatic checkpoint runs inside the COMMIT that fills the WAL past
 * its threshold, and its writes and fsync of the database file came on top of that commit's own
 * fsync: a commit in every few hundred took several times as long as the others.
 *
 * <p>It checkpoints after every {@value #COMMITS} commits, and at the latest {@link #DELAY} after
 * a commit, so that about as often as SQLite's own threshold of 1,000 pages would for small
 * commits: each checkpoint costs two fsyncs of its own, and one more for the commit that then
 * writes the WAL from its start again, and they share the disk with the commits' fsyncs. A
 * PASSIVE checkpoint never blocks the writer: it copies the frames committed when it began while
 * commits go on appending, and SQLite writes the WAL from its start again at the first
 * commit after a checkpoint that left nothing behind. Under commits that never pause no checkpoint
 * leaves nothing behind, so the writer's own automatic checkpoint stays on with a high threshold
 * ({@link #WAL_BOUND_PAGES}): it bounds the WAL, and finds little left to copy when it runs.
 *
 * <p>Nothing is lost by a checkpoint that is late, fails, or is cut short by a crash: the WAL
 * holds every commit until a checkpoint has copied it, and SQLite recovers from it at the next
 * open. A failed checkpoint is logged once per run of failures and tried again after the next
 * commits.
 */
final class Checkpointer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

  /**
   * Pages in the WAL at which the committing connection checkpoints itself: about 40 MB, ten
   * times SQLite's default, reached only when commits come without a pause for long.
   */
  static final int WAL_BOUND_PAGES = 10_000;
  /** Commits that make a checkpoint due: about 500 pages of single-record commits. */
  static final int COMMITS = 100;
  /** How long after a commit its checkpoint comes at the latest. */
  static final Duration DELAY = Duration.ofSeconds(1);

  private final Connection conn;
  private final Statement statement;
  private final Path at;
  private final Thread thread;
  private final long delayNanos;
  private final Object lock = new Object();
  /** Commits told of; guarded by {@link #lock}. */
  private long commits;
  /** The commits told of when the last checkpoint that succeeded began; guarded by {@link #lock}. */
  private long copied;
  /** The commits told of when the last checkpoint began; guarded by {@link #lock}. */
  private long copying;
  private boolean closed;
  /** Checkpoints failed in a row; only the checkpointing thread touches it. */
  private int failures;

  /** Takes over the connection, which it closes when closed. */
  Checkpointer(Connection conn, Path at, Duration delay) throws SQLException {
    this.conn = conn;
    this.at = at;
    this.delayNanos = delay.toNanos();
    this.statement = conn.createStatement();
    thread = new Thread(this::run, "dnsd-sqlite-checkpoint " + at.getFileName());
    thread.setDaemon(true);
    thread.start();
  }

  /** A commit was added to the WAL: a checkpoint follows soon. Never waits. */
  void committed() {
    synchronized (lock) {
      commits++;
      // The first commit after a checkpoint starts the delay; the COMMITS-th ends it.
      if (commits - copying == 1 || commits - copying == COMMITS) {
        lock.notifyAll();
      }
    }
  }

  /**
   * Whether a checkpoint that began after the last commit told of has succeeded, so that the
   * database file holds every commit (unless a read of the change log held an older state then);
   * for tests.
   */
  boolean caughtUp() {
    synchronized (lock) {
      return copied == commits;
    }
  }

  private void run() {
    try {
      while (true) {
        long covering;
        synchronized (lock) {
          while (!closed && commits == copying) {
            lock.wait();
          }
          long due = System.nanoTime() + delayNanos;
          for (long left; !closed && commits - copying < COMMITS && (left = due - System.nanoTime()) > 0; ) {
            TimeUnit.NANOSECONDS.timedWait(lock, left);
          }
          if (closed) {
            return;
          }
          covering = commits;
          copying = covering;
        }
        if (checkpoint()) {
          synchronized (lock) {
            copied = covering;
          }
        }
      }
    } catch (InterruptedException e) {
      // Nothing interrupts this thread; should something, it ends, and the WAL waits for the next.
    }
  }

  /** Whether SQLite copied every frame committed before the checkpoint began. */
  private boolean checkpoint() {
    try (ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      rs.next();
      boolean busy = rs.getInt(1) != 0; // another checkpoint ran: the writer's own
      if (failures > 0) {
        log.info("database {}: background checkpoints work again, after {} failed", at, failures);
        failures = 0;
      }
      return !busy;
    } catch (SQLException e) {
      synchronized (lock) {
        if (closed) {
          return false;
        }
      }
      // Once per run: a full disk would otherwise log every few milliseconds.
      if (failures++ == 0) {
        log.warn("database {}: a background checkpoint failed ({}); the WAL keeps every commit until one succeeds",
            at, e.getMessage());
      }
      return false;
    }
  }

  /**
   * Stops the thread and closes the connection, after a checkpoint that is running has ended
   * (SQLite finishes it; nothing is lost either way).
   */
  @Override
  public void close() throws SQLException {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    try {
      // Waits for a checkpoint under way: the driver runs one statement of a connection at a time.
      conn.close();
    } finally {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
