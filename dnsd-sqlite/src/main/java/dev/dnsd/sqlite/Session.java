package dev.dnsd.sqlite;

import dev.dnsd.sqlite.SqliteRecordStore.Options;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The store's one SQLite connection and what is prepared on it. There is one because SQLite runs
 * it in exclusive locking mode (see {@link Opening}): it holds the database file's lock for as long
 * as it is open, which no second connection could share. Commits and change-log reads take turns
 * on it under the store's lock. After a failed commit the store closes it and opens another, which
 * reads the database as it really is.
 */
final class Session implements AutoCloseable {
  final ChangeWriter writer;
  final ChangeLogReader log;
  private final Connection conn;
  private final PreparedStatement version;
  private final Statement control;

  Session(Connection conn, Path at, Options options) throws SQLException {
    this.conn = conn;
    writer = new ChangeWriter(conn, options.historyCount(), options.historyAge(), options.clock());
    log = new ChangeLogReader(conn, at);
    version = conn.prepareStatement("SELECT version FROM state WHERE id = 1");
    control = conn.createStatement();
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

  @Override
  public void close() throws SQLException {
    conn.close();
  }
}
