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
 * Reads the change log. It shares the store's one connection with the writer (see {@link
 * Session}), so it only copies the rows it needs while it holds the connection, and decodes them
 * after letting go of it: a read waits for at most the commit in progress, and a commit for at
 * most the copying of one page of rows.
 */
final class ChangeLogReader {
  /** A log row as stored: decoded by {@link #decode} without the connection. */
  record Row(long version, long committedAt, byte[] data) {}

  private final Path file;
  private final Statement control;
  private final PreparedStatement oldest;
  private final PreparedStatement range;

  ChangeLogReader(Connection conn, Path file) throws SQLException {
    this.file = file;
    control = conn.createStatement();
    oldest = conn.prepareStatement("SELECT min(version) FROM changes");
    range =
        conn.prepareStatement(
            "SELECT version, committed_at, data FROM changes"
                + " WHERE version > ? AND version <= ? ORDER BY version LIMIT ?");
  }

  /**
   * The rows of the changes after {@code afterVersion} up to {@code upToVersion}, the version the
   * store has published: a change that is durable but not yet visible in the zone table is not
   * handed out. The caller holds the session's lock.
   */
  Optional<List<Row>> since(long afterVersion, long upToVersion, int limit) throws SQLException {
    if (afterVersion > upToVersion) {
      return Optional.empty();
    }
    if (afterVersion == upToVersion || limit == 0) {
      return Optional.of(List.of());
    }
    // One read transaction, so that pruning cannot fall between the two queries.
    control.execute("BEGIN");
    try {
      Optional<List<Row>> result = read(afterVersion, upToVersion, limit);
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

  private Optional<List<Row>> read(long afterVersion, long upToVersion, int limit)
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
    List<Row> out = new ArrayList<>();
    try (ResultSet rs = range.executeQuery()) {
      long expected = afterVersion + 1;
      while (rs.next()) {
        long version = rs.getLong(1);
        if (version != expected) {
          throw DatabaseFile.problem(
              file, "is damaged: its change log lacks version " + expected + " before " + version);
        }
        expected++;
        out.add(new Row(version, rs.getLong(2), rs.getBytes(3)));
      }
    }
    return Optional.of(out);
  }

  /** The changes the rows hold. */
  static List<Change> decode(Path file, List<Row> rows) {
    List<Change> out = new ArrayList<>(rows.size());
    for (Row row : rows) {
      try {
        out.add(ChangeCodec.decode(row.version, row.committedAt, row.data));
      } catch (IOException e) {
        throw DatabaseFile.problem(
            file, "is damaged: change log row " + row.version + " is unreadable: " + e.getMessage(), e);
      }
    }
    return out;
  }
}
