package dev.dnsd.sqlite;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The database layout and its versions. {@code PRAGMA application_id} marks a file as dnsd's and
 * {@code PRAGMA user_version} says which layout it has; opening an older layout runs the steps
 * from its version up to {@link #VERSION}, in the same transaction that records the new version.
 *
 * <p>Records are kept in DNS wire form, so the database holds exactly what dnsjava reads back,
 * whatever the type (RFC 3597 unknown types included). A record's {@code ident} is what {@link
 * org.xbill.DNS.Record#equals} compares (owner in canonical form, type, canonical rdata or, when
 * that is long, its digest: {@link Wire#ident}), so the record a change removes is found by key,
 * whatever its TTL or the case of its owner.
 */
final class Schema {
  /** "dnsd" in ASCII: tells our files from other SQLite databases. */
  static final int APPLICATION_ID = 0x646e7364;

  /** The layout this code writes. */
  static final int VERSION = 4;

  /**
   * The page size of a new file. At SQLite's default of 4 KiB a row of more than about 1,000 bytes
   * leaves its tail in an overflow page of its own, so a zone of 1 KiB TXT records took ten times
   * its size; at 8 KiB rows of up to about 2,000 bytes stay whole in their page. A file keeps the
   * page size it was made with: SQLite changes it only by rewriting the whole file (VACUUM).
   */
  static final int PAGE_SIZE = 8192;

  /** Step i turns layout i into layout i + 1. */
  private static final List<Step> STEPS =
      List.of(
          sql(
              // One row: the version of the last commit, kept apart from the log so that
              // pruning the whole log still leaves the exact version.
              "CREATE TABLE state (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)",
              "INSERT INTO state (id, version) VALUES (1, 0)",
              // origin_key is the canonical (lower-case) wire name; origin keeps the case given.
              "CREATE TABLE zones (id INTEGER PRIMARY KEY, origin_key BLOB NOT NULL UNIQUE,"
                  + " origin BLOB NOT NULL)",
              // Clustered by zone and key: loading a zone reads consecutive pages.
              "CREATE TABLE records (zone_id INTEGER NOT NULL, ident BLOB NOT NULL,"
                  + " wire BLOB NOT NULL, PRIMARY KEY (zone_id, ident)) WITHOUT ROWID",
              "CREATE TABLE changes (version INTEGER PRIMARY KEY, committed_at INTEGER NOT NULL,"
                  + " data BLOB NOT NULL)"),
          sql(
              // Store metadata (RecordStore#meta), written in the transaction of the change that
              // set it: a secondary's applied primary version never parts from its data.
              "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID"),
          sql(
              // The DNSSEC policy and keys of each zone the store signs (private keys included),
              // written in the transaction of the change that set them. Apart from the zones
              // table: a zone's signing state outlives nothing, but a deleted zone's row goes in
              // the same transaction as the zone.
              "CREATE TABLE signing (origin_key BLOB PRIMARY KEY, origin BLOB NOT NULL,"
                  + " state TEXT NOT NULL) WITHOUT ROWID"),
          // Keys of records with long data hold its digest instead of the data (Wire.ident).
          Schema::rekeyRecords);

  /** One step of the layout. */
  private interface Step {
    void run(Connection conn) throws SQLException;
  }

  private static Step sql(String... statements) {
    return conn -> {
      try (Statement st = conn.createStatement()) {
        for (String sql : statements) {
          st.execute(sql);
        }
      }
    };
  }

  private Schema() {}

  /**
   * Gives every record the key {@link Wire#ident} makes now. Only the rows whose key changes are
   * written, after the scan: an update of the key being read would move rows under the cursor.
   */
  private static void rekeyRecords(Connection conn) throws SQLException {
    List<Object[]> changed = new ArrayList<>();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT zone_id, ident, wire FROM records")) {
      while (rs.next()) {
        long zoneId = rs.getLong(1);
        byte[] ident = rs.getBytes(2);
        byte[] now;
        try {
          now = Wire.ident(Wire.record(rs.getBytes(3)));
        } catch (IOException e) {
          throw new SQLException("unreadable record in zone id " + zoneId + ": " + e.getMessage(), e);
        }
        if (!Arrays.equals(ident, now)) {
          changed.add(new Object[] {zoneId, ident, now});
        }
      }
    }
    try (PreparedStatement update =
        conn.prepareStatement("UPDATE records SET ident = ? WHERE zone_id = ? AND ident = ?")) {
      for (Object[] row : changed) {
        update.setBytes(1, (byte[]) row[2]);
        update.setLong(2, (Long) row[0]);
        update.setBytes(3, (byte[]) row[1]);
        update.executeUpdate();
      }
    }
  }

  /** Brings the layout from {@code from} to {@link #VERSION}; the caller holds a transaction. */
  static void migrate(Connection conn, int from) throws SQLException {
    try (Statement st = conn.createStatement()) {
      if (from == 0) {
        st.execute("PRAGMA application_id = " + APPLICATION_ID);
      }
      for (int v = from; v < VERSION; v++) {
        STEPS.get(v).run(conn);
      }
      st.execute("PRAGMA user_version = " + VERSION);
    }
  }
}
