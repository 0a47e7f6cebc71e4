package dev.dnsd.sqlite;

import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.xbill.DNS.Name;

/**
 * Reads every zone into the read model at start-up. Rows stream in primary-key order, which groups
 * them by zone, so one zone is built at a time and the zone editor's checks are the only per-record
 * cost.
 */
final class ZoneLoader {
  private ZoneLoader() {}

  static ZoneTable load(Connection conn, Path file) throws SQLException {
    try (Statement st = conn.createStatement()) {
      // One read transaction: the version, zones and records are of the same commit.
      st.execute("BEGIN");
      try {
        ZoneTable table = read(st, file);
        st.execute("COMMIT");
        return table;
      } catch (SQLException | RuntimeException e) {
        st.execute("ROLLBACK");
        throw e;
      }
    }
  }

  private static ZoneTable read(Statement st, Path file) throws SQLException {
    long version;
    try (ResultSet rs = st.executeQuery("SELECT version FROM state WHERE id = 1")) {
      if (!rs.next()) {
        throw DatabaseFile.problem(file, "is damaged: its state row is missing");
      }
      version = rs.getLong(1);
    }
    Map<Long, Name> origins = new HashMap<>();
    try (ResultSet rs = st.executeQuery("SELECT id, origin FROM zones")) {
      while (rs.next()) {
        origins.put(rs.getLong(1), name(rs.getBytes(2), file));
      }
    }
    ZoneTable table = ZoneTable.empty();
    try (ResultSet rs = st.executeQuery("SELECT zone_id, wire FROM records ORDER BY zone_id, ident")) {
      long zoneId = 0;
      Zone.Editor editor = null;
      while (rs.next()) {
        long id = rs.getLong(1);
        if (editor == null || id != zoneId) {
          if (editor != null) {
            table = table.with(build(editor, file));
          }
          Name origin = origins.remove(id);
          if (origin == null) {
            throw DatabaseFile.problem(file, "is damaged: records of zone id " + id + ", which it lacks");
          }
          editor = Zone.empty(origin).edit();
          zoneId = id;
        }
        byte[] wire = rs.getBytes(2);
        try {
          editor.add(Wire.record(wire));
        } catch (IOException e) {
          throw DatabaseFile.problem(
              file, "is damaged: unreadable record in zone " + editor.origin() + ": " + e.getMessage(), e);
        } catch (InvalidZoneException e) {
          throw DatabaseFile.problem(file, "is damaged: " + e.getMessage(), e);
        }
      }
      if (editor != null) {
        table = table.with(build(editor, file));
      }
    }
    if (!origins.isEmpty()) {
      throw DatabaseFile.problem(file, "is damaged: zone " + origins.values().iterator().next() + " has no records");
    }
    return table.withVersion(version);
  }

  private static Zone build(Zone.Editor editor, Path file) {
    try {
      return editor.build();
    } catch (InvalidZoneException e) {
      throw DatabaseFile.problem(file, "is damaged: " + e.getMessage(), e);
    }
  }

  private static Name name(byte[] wire, Path file) {
    try {
      return Wire.name(wire);
    } catch (IOException e) {
      throw DatabaseFile.problem(file, "is damaged: unreadable zone origin: " + e.getMessage(), e);
    }
  }
}
