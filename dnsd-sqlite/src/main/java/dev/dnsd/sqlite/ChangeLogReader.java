package dev.dnsd.sqlite;

import dev.dnsd.store.Change;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the change log on a connection of its own. In WAL mode a reader sees the last commit and
 * never waits for the writer, so catch-up reads do not slow commits down or queue behind them.
 * Callers of one reader take turns; a JDBC connection is not for two threads at once.
 */
final class ChangeLogReader implements AutoCloseable {
  private final Connection conn;
  private final Path file;
  private final Statement control;
  private final PreparedStatement oldest;
  private final PreparedStatement range;
  private boolean closed;

  ChangeLogReader(Connection conn, Path file) throws SQLException {
    this.conn = conn;
    this.file = file;
    control = conn.createStatement();
    oldest = conn.prepareStatement("SELECT min(version) FROM changes");
    range =
        conn.prepareStatement(
            "SELECT version, committed_at, data FROM changes"
                + " WHERE version > ? AND version <= ? ORDER BY version LIMIT ?");
  }

  /**
   * The changes after {@code afterVersion} up to {@code upToVersion}, the version the store has
   * published: a change that is durable but not yet visible in the zone table is not handed out.
   */
  synchronized Optional<List<Change>> since(long afterVersion, long upToVersion, int limit)
      throws SQLException {
    if (closed) {
      throw DatabaseFile.problem(file, "is closed");
    }
    if (afterVersion > upToVersion) {
      return Optional.empty();
    }
    if (afterVersion == upToVersion || limit == 0) {
      return Optional.of(List.of());
    }
    // One read transaction, so that pruning cannot fall between the two queries.
    control.execute("BEGIN");
    try {
      Optional<List<Change>> result = read(afterVersion, upToVersion, limit);
      control.execute("COMMIT");
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        control.execute("ROLLBACK");
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private Optional<List<Change>> read(long afterVersion, long upToVersion, int limit)
      throws SQLException {
    try (ResultSet rs = oldest.executeQuery()) {
      rs.next();
      long first = rs.getLong(1);
      if (rs.wasNull() || afterVersion + 1 < first) {
        return Optional.empty();
      }
    }
    range.setLong(1, afterVersion);
    range.setLong(2, upToVersion);
    range.setInt(3, limit);
    List<Change> out = new ArrayList<>();
    try (ResultSet rs = range.executeQuery()) {
      long expected = afterVersion + 1;
      while (rs.next()) {
        long version = rs.getLong(1);
        if (version != expected) {
          throw DatabaseFile.problem(
              file, "is damaged: its change log lacks version " + expected + " before " + version);
        }
        expected++;
        try {
          out.add(ChangeCodec.decode(version, rs.getLong(2), rs.getBytes(3)));
        } catch (IOException e) {
          throw DatabaseFile.problem(
              file, "is damaged: change log row " + version + " is unreadable: " + e.getMessage(), e);
        }
      }
    }
    return Optional.of(out);
  }

  @Override
  public synchronized void close() throws SQLException {
    closed = true;
    conn.close();
  }
}
