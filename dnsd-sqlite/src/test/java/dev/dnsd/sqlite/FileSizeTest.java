package dev.dnsd.sqlite;

import static dev.dnsd.sqlite.Fixtures.a;
import static dev.dnsd.sqlite.Fixtures.apex;
import static dev.dnsd.sqlite.Fixtures.dump;
import static dev.dnsd.sqlite.Fixtures.name;
import static dev.dnsd.sqlite.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.ZoneTable;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Rows of large records stay whole in their pages, and files of the older layout are brought up to date. */
class FileSizeTest {
  @TempDir Path dir;

  /** 1,500 TXT records of about 1.1 KB each, the kind of zone that once took ten times its size. */
  private static List<Record> bigTxtZone() {
    List<Record> records = apex("example.com.");
    String chunk = "x".repeat(250);
    for (int i = 0; i < 1_500; i++) {
      String data = ("\"" + i + chunk + "\" ").repeat(4);
      records.add(record("t" + i + ".example.com.", Type.TXT, 300, data));
    }
    return records;
  }

  @Test
  void aZoneOfKilobyteRecordsTakesLessThanThreeTimesItsData() throws Exception {
    Path file = dir.resolve("txt.db");
    List<Record> records = bigTxtZone();
    long wire = 0;
    for (Record r : records) {
      wire += r.toWire(Section.ANSWER).length;
    }
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      store.commit(ChangeSet.builder().createZone(name("example.com."), records).build());
    }
    ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(file));
    assertThat(Short.toUnsignedInt(header.getShort(16))).as("page size").isEqualTo(Schema.PAGE_SIZE);
    // The records once, and once more in the change log that made them, with the slack of pages
    // split by inserts in no order. With 4 KiB pages and the data in each row twice, every row
    // took an overflow page of its own: a 10 MB zone of such records made a 107 MB file.
    assertThat(Files.size(file)).as("file of %,d bytes of records", wire).isLessThan(wire * 3);
  }

  @Test
  void aFileOfLayoutThreeGetsTheNewKeysAndKeepsItsRecords() throws Exception {
    Path file = dir.resolve("old.db");
    List<Record> records = bigTxtZone().subList(0, 12);
    records = new ArrayList<>(records);
    records.add(a("www.example.com.", "192.0.2.1"));
    ZoneTable before;
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      store.commit(ChangeSet.builder().createZone(name("example.com."), records).build());
      before = store.zones();
    }
    // What layout 3 wrote: every key with the whole record data in it.
    try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = conn.createStatement()) {
      List<byte[][]> rows = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT ident, wire FROM records")) {
        while (rs.next()) {
          rows.add(new byte[][] {rs.getBytes(1), rs.getBytes(2)});
        }
      }
      try (PreparedStatement up = conn.prepareStatement("UPDATE records SET ident = ? WHERE ident = ?")) {
        for (byte[][] row : rows) {
          up.setBytes(1, oldIdent(Record.fromWire(row[1], Section.ANSWER)));
          up.setBytes(2, row[0]);
          up.executeUpdate();
        }
      }
      st.execute("PRAGMA user_version = 3");
    }
    Record gone = records.get(5);
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      assertThat(dump(store.zones())).isEqualTo(dump(before));
      // A removal finds the row by the key the store computes now.
      store.commit(ChangeSet.builder().remove(gone).build());
    }
    try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
      assertThat(store.zones().get(name("example.com.")).rrset(gone.getName(), Type.TXT)).isNull();
      assertThat(store.zones().get(name("example.com.")).recordCount()).isEqualTo(records.size() - 1);
    }
    try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM records WHERE length(ident) > 80")) {
      rs.next();
      assertThat(rs.getInt(1)).as("keys that still hold long data").isZero();
    }
  }

  private static byte[] oldIdent(Record r) {
    DNSOutput out = new DNSOutput();
    r.getName().toWireCanonical(out);
    out.writeU16(r.getType());
    out.writeByteArray(r.rdataToWireCanonical());
    return out.toByteArray();
  }
}
