package dev.dnsd.sync;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Builds a message body: big-endian integers, counted strings, DNS names and records. */
final class WireWriter {
  private byte[] buf = new byte[64];
  private int len;

  WireWriter u8(int v) {
    ensure(1);
    buf[len++] = (byte) v;
    return this;
  }

  WireWriter u16(int v) {
    return u8(v >>> 8).u8(v);
  }

  WireWriter u32(long v) {
    return u16((int) (v >>> 16) & 0xFFFF).u16((int) v & 0xFFFF);
  }

  WireWriter u64(long v) {
    return u32(v >>> 32).u32(v & 0xFFFFFFFFL);
  }

  WireWriter raw(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, len, bytes.length);
    len += bytes.length;
    return this;
  }

  /** A UTF-8 string, at most 65535 bytes, after its length. */
  WireWriter string(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > 0xFFFF) {
      throw new IllegalArgumentException("string too long for the sync protocol: " + b.length + " bytes");
    }
    return u16(b.length).raw(b);
  }

  /** A name in DNS wire format, uncompressed, its case kept. */
  WireWriter name(Name name) {
    return raw(name.toWire());
  }

  /**
   * A record in DNS wire format (owner, type, class, TTL, RDLENGTH, RDATA, uncompressed) after a
   * 16-bit length: a record that does not fit that could not be in a DNS message either.
   */
  WireWriter record(Record record) {
    byte[] b = record.toWire(Section.ANSWER);
    if (b.length > 0xFFFF) {
      throw new IllegalArgumentException("record too long for a DNS message: " + record.getName());
    }
    return u16(b.length).raw(b);
  }

  WireWriter optionalRecord(@Nullable Record record) {
    if (record == null) {
      return u8(0);
    }
    return u8(1).record(record);
  }

  WireWriter records(Collection<? extends Record> records) {
    u32(records.size());
    for (Record r : records) {
      record(r);
    }
    return this;
  }

  int length() {
    return len;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  byte[] buffer() {
    return buf;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
