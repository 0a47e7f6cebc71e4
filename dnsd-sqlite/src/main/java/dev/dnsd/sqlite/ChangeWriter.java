package dev.dnsd.sqlite;

import dev.dnsd.store.Change;
import dev.dnsd.store.ZoneChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Writes batches of changes, each batch one SQLite transaction: the zone content, the change log
 * rows, the version, and the pruning of old log rows all commit together or not at all. Used only
 * under the store's lock on its {@link Session}, so it needs no locking of its own.
 */
final class ChangeWriter {
  /** How many log rows one look at the oldest end reads when pruning by age. */
  private static final int AGE_SCAN = 512;

  private final int historyCount;
  private final @Nullable Duration historyAge;
  private final Clock clock;
  private final Statement control;
  private final PreparedStatement findZone;
  private final PreparedStatement insertZone;
  private final PreparedStatement lastId;
  private final PreparedStatement deleteZone;
  private final PreparedStatement deleteZoneRecords;
  private final PreparedStatement insertRecord;
  private final PreparedStatement deleteRecord;
  private final PreparedStatement insertChange;
  private final PreparedStatement setVersion;
  private final PreparedStatement upsertMeta;
  private final PreparedStatement pruneThrough;
  private final PreparedStatement oldest;

  /**
   * The commit time of the oldest log row, or less: pruning by age is skipped while it is within
   * the age, so most commits pay nothing for it. {@link Long#MIN_VALUE} when unknown.
   */
  private long oldestLoggedAt = Long.MIN_VALUE;

  ChangeWriter(Connection conn, int historyCount, @Nullable Duration historyAge, Clock clock)
      throws SQLException {
    this.historyCount = historyCount;
    this.historyAge = historyAge;
    this.clock = clock;
    control = conn.createStatement();
    findZone = conn.prepareStatement("SELECT id FROM zones WHERE origin_key = ?");
    insertZone = conn.prepareStatement("INSERT INTO zones (origin_key, origin) VALUES (?, ?)");
    lastId = conn.prepareStatement("SELECT last_insert_rowid()");
    deleteZone = conn.prepareStatement("DELETE FROM zones WHERE id = ?");
    deleteZoneRecords = conn.prepareStatement("DELETE FROM records WHERE zone_id = ?");
    insertRecord =
        conn.prepareStatement("INSERT INTO records (zone_id, ident, wire) VALUES (?, ?, ?)");
    deleteRecord = conn.prepareStatement("DELETE FROM records WHERE zone_id = ? AND ident = ?");
    insertChange =
        conn.prepareStatement("INSERT INTO changes (version, committed_at, data) VALUES (?, ?, ?)");
    setVersion = conn.prepareStatement("UPDATE state SET version = ? WHERE id = 1");
    upsertMeta =
        conn.prepareStatement(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
                + " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    pruneThrough = conn.prepareStatement("DELETE FROM changes WHERE version <= ?");
    oldest =
        conn.prepareStatement(
            "SELECT version, committed_at FROM changes ORDER BY version LIMIT " + AGE_SCAN);
  }

  /**
   * Makes the batch durable, all or nothing.
   *
   * @throws SQLException when SQLite failed; when COMMIT itself failed the batch may be durable or
   *     not, which only reading the database again tells
   */
  void write(List<Change> batch) throws SQLException {
    control.execute("BEGIN IMMEDIATE");
    long hint;
    try {
      long pruneHint = oldestLoggedAt;
      for (Change change : batch) {
        for (ZoneChange zc : change.zones()) {
          apply(zc);
        }
        for (Map.Entry<String, String> e : change.meta().entrySet()) {
          upsertMeta.setString(1, e.getKey());
          upsertMeta.setString(2, e.getValue());
          upsertMeta.executeUpdate();
        }
        insertChange.setLong(1, change.version());
        insertChange.setLong(2, change.committedAtMillis());
        insertChange.setBytes(3, ChangeCodec.encode(change));
        insertChange.executeUpdate();
        pruneHint = Math.min(pruneHint, change.committedAtMillis());
      }
      long version = batch.get(batch.size() - 1).version();
      setVersion.setLong(1, version);
      setVersion.executeUpdate();
      hint = prune(version, pruneHint);
    } catch (SQLException | RuntimeException e) {
      rollback(e);
      throw e;
    }
    try {
      control.execute("COMMIT");
    } catch (SQLException e) {
      rollback(e);
      throw e;
    }
    oldestLoggedAt = hint;
  }

  /** Applies the retention settings now, for a store opened with tighter ones than before. */
  void prune(long version) throws SQLException {
    control.execute("BEGIN IMMEDIATE");
    long hint;
    try {
      hint = prune(version, Long.MIN_VALUE);
      control.execute("COMMIT");
    } catch (SQLException | RuntimeException e) {
      rollback(e);
      throw e;
    }
    oldestLoggedAt = hint;
  }

  private void apply(ZoneChange zc) throws SQLException {
    switch (zc.kind()) {
      case CREATED -> {
        insertZone.setBytes(1, Wire.key(zc.origin()));
        insertZone.setBytes(2, Wire.of(zc.origin()));
        insertZone.executeUpdate();
        long id;
        try (ResultSet rs = lastId.executeQuery()) {
          rs.next();
          id = rs.getLong(1);
        }
        for (Record r : zc.added()) {
          insert(id, r);
        }
      }
      case DELETED -> {
        long id = zoneId(zc.origin());
        deleteZoneRecords.setLong(1, id);
        deleteZoneRecords.executeUpdate();
        deleteZone.setLong(1, id);
        deleteZone.executeUpdate();
      }
      case MODIFIED -> {
        long id = zoneId(zc.origin());
        // Removals first: a TTL change removes and adds a record with the same key.
        for (Record r : zc.removed()) {
          deleteRecord.setLong(1, id);
          deleteRecord.setBytes(2, Wire.ident(r));
          if (deleteRecord.executeUpdate() != 1) {
            throw new IllegalStateException(
                "the database lacks a record the change removes, " + r + "; refusing to diverge");
          }
        }
        for (Record r : zc.added()) {
          insert(id, r);
        }
      }
    }
  }

  private void insert(long zoneId, Record r) throws SQLException {
    insertRecord.setLong(1, zoneId);
    insertRecord.setBytes(2, Wire.ident(r));
    insertRecord.setBytes(3, Wire.of(r));
    insertRecord.executeUpdate();
  }

  private long zoneId(Name origin) throws SQLException {
    findZone.setBytes(1, Wire.key(origin));
    try (ResultSet rs = findZone.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException(
            "the database lacks zone " + origin + " that the change edits; refusing to diverge");
      }
      return rs.getLong(1);
    }
  }

  /**
   * Deletes log rows beyond the retention settings. The zones and records tables always hold the
   * current content whole, so no log row is ever needed to rebuild it: pruning loses only the
   * ability to catch up from old versions.
   *
   * @return the new value for {@link #oldestLoggedAt}
   */
  private long prune(long version, long hint) throws SQLException {
    if (version - historyCount >= 1) {
      pruneThrough.setLong(1, version - historyCount);
      if (pruneThrough.executeUpdate() > 0) {
        hint = Long.MIN_VALUE; // the oldest row is another one now
      }
    }
    if (historyAge == null) {
      return hint;
    }
    long cutoff = clock.millis() - historyAge.toMillis();
    return hint < cutoff ? pruneByAge(cutoff) : hint;
  }

  /**
   * Deletes the run of rows older than the cutoff at the old end of the log. Rows are taken in
   * version order and the run stops at the first younger row, so a wall clock that stepped back
   * never punches a hole in the log.
   */
  private long pruneByAge(long cutoff) throws SQLException {
    while (true) {
      long through = -1;
      long firstKept = Long.MAX_VALUE;
      int seen = 0;
      try (ResultSet rs = oldest.executeQuery()) {
        while (rs.next()) {
          seen++;
          long committedAt = rs.getLong(2);
          if (committedAt >= cutoff) {
            firstKept = committedAt;
            break;
          }
          through = rs.getLong(1);
        }
      }
      if (through >= 0) {
        pruneThrough.setLong(1, through);
        pruneThrough.executeUpdate();
      }
      if (firstKept != Long.MAX_VALUE || seen < AGE_SCAN) {
        return firstKept;
      }
    }
  }

  private void rollback(Exception cause) {
    try {
      control.execute("ROLLBACK");
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
