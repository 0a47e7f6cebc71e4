package dev.dnsd.sqlite;

import dev.dnsd.store.SigningRow;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Reads every zone into the read model at start-up. Rows stream in primary-key order, which groups
 * them by zone and, within a zone, by owner name and type (a row's key starts with its owner), so
 * one zone is built at a time by {@link Zone#builder}, which makes each name's node once, and no
 * list of all a zone's records is ever held. Reading and decoding rows runs on a thread of its own, feeding the thread that builds the
 * zones in chunks: the two halves cost about the same, so a large store loads in about half the
 * time on two cores.
 */
final class ZoneLoader {
  private static final int CHUNK = 2048;

  private final Connection conn;
  private final Path file;
  private final BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(32);
  private volatile boolean cancelled;

  /** Records of one zone, in order; the last chunk of all has no records and maybe an error. */
  private record Chunk(long zoneId, Record[] records, int size, @Nullable Throwable error) {}

  private ZoneLoader(Connection conn, Path file) {
    this.conn = conn;
    this.file = file;
  }

  static ZoneTable load(Connection conn, Path file) throws SQLException {
    return new ZoneLoader(conn, file).load();
  }

  /** The store's version as of its last commit. */
  static long version(Connection conn, Path file) throws SQLException {
    try (Statement st = conn.createStatement()) {
      return new ZoneLoader(conn, file).version(st);
    }
  }

  /** The store metadata ({@code RecordStore#meta}). */
  static Map<String, String> meta(Connection conn) throws SQLException {
    Map<String, String> meta = new HashMap<>();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT key, value FROM meta")) {
      while (rs.next()) {
        meta.put(rs.getString(1), rs.getString(2));
      }
    }
    return meta;
  }

  /** The DNSSEC state of the zones the store signs. */
  static List<SigningRow> signing(Connection conn, Path file) throws SQLException {
    List<SigningRow> rows = new ArrayList<>();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT origin, state FROM signing")) {
      while (rs.next()) {
        try {
          rows.add(new SigningRow(Wire.name(rs.getBytes(1)), rs.getString(2)));
        } catch (IOException e) {
          throw DatabaseFile.problem(file, "is damaged: unreadable signed zone origin: " + e.getMessage(), e);
        }
      }
    }
    return rows;
  }

  private ZoneTable load() throws SQLException {
    try (Statement st = conn.createStatement()) {
      // One read transaction: the version, zones and records are of the same commit.
      st.execute("BEGIN");
      try {
        long version = version(st);
        Map<Long, Name> origins = origins(st);
        ZoneTable table = build(origins);
        st.execute("COMMIT");
        return table.withVersion(version);
      } catch (SQLException | RuntimeException e) {
        st.execute("ROLLBACK");
        throw e;
      }
    }
  }

  private long version(Statement st) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT version FROM state WHERE id = 1")) {
      if (!rs.next()) {
        throw DatabaseFile.problem(file, "is damaged: its state row is missing");
      }
      return rs.getLong(1);
    }
  }

  private Map<Long, Name> origins(Statement st) throws SQLException {
    Map<Long, Name> origins = new HashMap<>();
    try (ResultSet rs = st.executeQuery("SELECT id, origin FROM zones")) {
      while (rs.next()) {
        try {
          origins.put(rs.getLong(1), Wire.name(rs.getBytes(2)));
        } catch (IOException e) {
          throw DatabaseFile.problem(file, "is damaged: unreadable zone origin: " + e.getMessage(), e);
        }
      }
    }
    return origins;
  }

  private ZoneTable build(Map<Long, Name> origins) throws SQLException {
    Thread reader = new Thread(this::read, "dnsd-sqlite-load");
    reader.setDaemon(true);
    reader.start();
    try {
      ZoneTable table = ZoneTable.empty();
      Zone.Builder builder = null;
      long zoneId = 0;
      while (true) {
        Chunk chunk = take();
        if (chunk.size == 0) {
          rethrow(chunk.error);
          break;
        }
        if (builder == null || chunk.zoneId != zoneId) {
          if (builder != null) {
            table = table.with(finish(builder));
          }
          Name origin = origins.remove(chunk.zoneId);
          if (origin == null) {
            throw DatabaseFile.problem(
                file, "is damaged: records of zone id " + chunk.zoneId + ", which it lacks");
          }
          builder = Zone.builder(origin);
          zoneId = chunk.zoneId;
        }
        try {
          for (int i = 0; i < chunk.size; i++) {
            builder.add(chunk.records[i]);
          }
        } catch (InvalidZoneException e) {
          throw DatabaseFile.problem(file, "is damaged: " + e.getMessage(), e);
        }
      }
      if (builder != null) {
        table = table.with(finish(builder));
      }
      if (!origins.isEmpty()) {
        throw DatabaseFile.problem(
            file, "is damaged: zone " + origins.values().iterator().next() + " has no records");
      }
      return table;
    } finally {
      stop(reader);
    }
  }

  /** Runs on the reader thread: rows to records, in chunks that never mix zones. */
  private void read() {
    Throwable error = null;
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT zone_id, wire FROM records ORDER BY zone_id, ident")) {
      Record[] records = new Record[CHUNK];
      int size = 0;
      long zoneId = 0;
      while (!cancelled && rs.next()) {
        long id = rs.getLong(1);
        if (size == CHUNK || (size > 0 && id != zoneId)) {
          chunks.put(new Chunk(zoneId, records, size, null));
          records = new Record[CHUNK];
          size = 0;
        }
        zoneId = id;
        byte[] wire = rs.getBytes(2);
        try {
          records[size++] = Wire.record(wire);
        } catch (IOException e) {
          throw DatabaseFile.problem(
              file, "is damaged: unreadable record in zone id " + id + ": " + e.getMessage(), e);
        }
      }
      if (size > 0) {
        chunks.put(new Chunk(zoneId, records, size, null));
      }
    } catch (SQLException | RuntimeException e) {
      error = e;
    } catch (InterruptedException e) {
      return; // cancelled: nobody reads the queue any more
    }
    try {
      chunks.put(new Chunk(0, new Record[0], 0, error));
    } catch (InterruptedException e) {
      // cancelled
    }
  }

  private Chunk take() {
    try {
      return chunks.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DatabaseFile.problem(file, "was not loaded: interrupted");
    }
  }

  /** Stops the reader thread and waits for it, so the connection is free when this returns. */
  private void stop(Thread reader) {
    cancelled = true;
    reader.interrupt();
    boolean interrupted = false;
    while (true) {
      try {
        reader.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void rethrow(@Nullable Throwable error) throws SQLException {
    if (error instanceof SQLException e) {
      throw e;
    }
    if (error instanceof RuntimeException e) {
      throw e;
    }
  }

  private Zone finish(Zone.Builder builder) {
    try {
      return builder.build();
    } catch (InvalidZoneException e) {
      throw DatabaseFile.problem(file, "is damaged: " + e.getMessage(), e);
    }
  }
}
