package dev.dnsd.sqlite;

import dev.dnsd.store.Change;
import dev.dnsd.store.ZoneChange;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * A change log row's data: the zone changes of one {@link Change}, records in wire form. The
 * version and commit time are columns of their own. The first byte is the format, so a later
 * dnsd can read old rows after changing it.
 */
final class ChangeCodec {
  /** 1: zone changes only; 2: then the change's metadata. Both are read. */
  private static final int FORMAT = 2;

  private ChangeCodec() {}

  static byte[] encode(Change change) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeInt(change.zones().size());
      for (ZoneChange zc : change.zones()) {
        writeBytes(out, Wire.of(zc.origin()));
        out.writeByte(zc.kind().code());
        writeOptional(out, zc.oldSoa());
        writeOptional(out, zc.newSoa());
        writeRecords(out, zc.removed());
        writeRecords(out, zc.added());
      }
      out.writeInt(change.meta().size());
      for (Map.Entry<String, String> e : change.meta().entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory", e);
    }
    return bytes.toByteArray();
  }

  /** @throws IOException when the data is not a change this code wrote */
  static Change decode(long version, long committedAtMillis, byte[] data) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
    int format = in.readUnsignedByte();
    if (format != 1 && format != FORMAT) {
      throw new IOException("unknown change format " + format);
    }
    int count = in.readInt();
    List<ZoneChange> zones = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Name origin = Wire.name(readBytes(in));
      ZoneChange.Kind kind = kind(in.readUnsignedByte());
      SOARecord oldSoa = readSoa(in);
      SOARecord newSoa = readSoa(in);
      List<Record> removed = readRecords(in);
      List<Record> added = readRecords(in);
      zones.add(
          new ZoneChange(origin, kind, oldSoa, newSoa, removed, added));
    }
    Map<String, String> meta = new LinkedHashMap<>();
    if (format >= 2) {
      int entries = in.readInt();
      for (int i = 0; i < entries; i++) {
        meta.put(in.readUTF(), in.readUTF());
      }
    }
    if (in.available() != 0) {
      throw new IOException("trailing bytes after the change");
    }
    return new Change(version, committedAtMillis, zones, meta);
  }

  private static ZoneChange.Kind kind(int code) throws IOException {
    ZoneChange.Kind kind = ZoneChange.Kind.ofCode(code);
    if (kind == null) {
      throw new IOException("unknown zone change kind " + code);
    }
    return kind;
  }

  private static void writeOptional(DataOutputStream out, @Nullable Record record)
      throws IOException {
    out.writeBoolean(record != null);
    if (record != null) {
      writeBytes(out, Wire.of(record));
    }
  }

  private static void writeRecords(DataOutputStream out, List<Record> records) throws IOException {
    out.writeInt(records.size());
    for (Record r : records) {
      writeBytes(out, Wire.of(r));
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static @Nullable SOARecord readSoa(DataInputStream in) throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    Record r = Wire.record(readBytes(in));
    if (!(r instanceof SOARecord soa)) {
      throw new IOException("expected an SOA record, found " + r);
    }
    return soa;
  }

  private static List<Record> readRecords(DataInputStream in) throws IOException {
    int count = in.readInt();
    if (count < 0) {
      throw new IOException("negative record count " + count);
    }
    List<Record> out = new ArrayList<>(Math.min(count, 1024));
    for (int i = 0; i < count; i++) {
      out.add(Wire.record(readBytes(in)));
    }
    return out;
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("bad length " + length);
    }
    return in.readNBytes(length);
  }
}
