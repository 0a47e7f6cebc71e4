package dev.dnsd.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The database layout and its versions. {@code PRAGMA application_id} marks a file as dnsd's and
 * {@code PRAGMA user_version} says which layout it has; opening an older layout runs the steps
 * from its version up to {@link #VERSION}, in the same transaction that records the new version.
 *
 * <p>Records are kept in DNS wire form, so the database holds exactly what dnsjava reads back,
 * whatever the type (RFC 3597 unknown types included). A record's {@code ident} is what {@link
 * org.xbill.DNS.Record#equals} compares (owner in canonical form, type, canonical rdata), so the
 * record a change removes is found by key, whatever its TTL or the case of its owner.
 */
final class Schema {
  /** "dnsd" in ASCII: tells our files from other SQLite databases. */
  static final int APPLICATION_ID = 0x646e7364;

  /** The layout this code writes. */
  static final int VERSION = 3;

  /** Step i turns layout i into layout i + 1. */
  private static final List<List<String>> STEPS =
      List.of(
          List.of(
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
          List.of(
              // Store metadata (RecordStore#meta), written in the transaction of the change that
              // set it: a secondary's applied primary version never parts from its data.
              "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID"),
          List.of(
              // The DNSSEC policy and keys of each zone the store signs (private keys included),
              // written in the transaction of the change that set them. Apart from the zones
              // table: a zone's signing state outlives nothing, but a deleted zone's row goes in
              // the same transaction as the zone.
              "CREATE TABLE signing (origin_key BLOB PRIMARY KEY, origin BLOB NOT NULL,"
                  + " state TEXT NOT NULL) WITHOUT ROWID"));

  private Schema() {}

  /** Brings the layout from {@code from} to {@link #VERSION}; the caller holds a transaction. */
  static void migrate(Connection conn, int from) throws SQLException {
    try (Statement st = conn.createStatement()) {
      if (from == 0) {
        st.execute("PRAGMA application_id = " + APPLICATION_ID);
      }
      for (int v = from; v < VERSION; v++) {
        for (String sql : STEPS.get(v)) {
          st.execute(sql);
        }
      }
      st.execute("PRAGMA user_version = " + VERSION);
    }
  }
}
