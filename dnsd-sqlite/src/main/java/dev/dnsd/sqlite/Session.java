package dev.dnsd.sqlite;

import dev.dnsd.sqlite.SqliteRecordStore.Options;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The store's SQLite connection for commits and change-log reads, and what is prepared on it, with
 * the {@link Checkpointer} and its connection beside it. Commits and change-log reads take turns
 * on the first under the store's lock. After a failed commit the store closes both and opens a
 * new session: with no connection of this process left open, SQLite reads the database and its
 * WAL again as they really are (the WAL index lives in the process's heap, see {@link Opening}).
 */
final class Session implements AutoCloseable {
  final ChangeWriter writer;
  final ChangeLogReader log;
  final Checkpointer checkpointer;
  private final Connection conn;
  private final PreparedStatement version;
  private final Statement control;

  /** Takes over both connections; closes them when it is closed, or when it cannot be made. */
  Session(Connection conn, Connection checkpoints, Path at, Options options) throws SQLException {
    this.conn = conn;
    Checkpointer c;
    try {
      writer = new ChangeWriter(conn, options.historyCount(), options.historyAge(), options.clock());
      log = new ChangeLogReader(conn, at);
      version = conn.prepareStatement("SELECT version FROM state WHERE id = 1");
      control = conn.createStatement();
      // The committing connection checkpoints only should the Checkpointer fall far behind.
      control.execute("PRAGMA wal_autocheckpoint = " + Checkpointer.WAL_BOUND_PAGES);
      c = new Checkpointer(checkpoints, at, options.checkpointDelay());
    } catch (SQLException | RuntimeException e) {
      try {
        checkpoints.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    checkpointer = c;
  }

  /** The version of the last commit the database holds. */
  long version() throws SQLException {
    try (ResultSet rs = version.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("the state row is missing");
      }
      return rs.getLong(1);
    }
  }

  /**
   * Copies every committed page from the WAL into the database file and fsyncs that: what a
   * commit whose own fsync failed needs before it can be called durable.
   */
  void checkpoint() throws SQLException {
    try (ResultSet rs = control.executeQuery("PRAGMA wal_checkpoint(FULL)")) {
      if (rs.next() && rs.getInt(1) != 0) {
        throw new SQLException("the WAL checkpoint could not finish");
      }
    }
  }

  /**
   * Closes the checkpoints' connection first: the last connection of the process to close copies
   * the WAL into the database file and removes it.
   */
  @Override
  public void close() throws SQLException {
    try {
      checkpointer.close();
    } finally {
      conn.close();
    }
  }
}
