package dev.dnsd.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Reads what {@link WireWriter} wrote; anything short or malformed is a {@link ProtocolException}. */
final class WireReader {
  private final byte[] buf;
  private int pos;

  WireReader(byte[] buf) {
    this.buf = buf;
  }

  int u8() throws ProtocolException {
    need(1);
    return buf[pos++] & 0xFF;
  }

  int u16() throws ProtocolException {
    return (u8() << 8) | u8();
  }

  long u32() throws ProtocolException {
    return ((long) u16() << 16) | u16();
  }

  long u64() throws ProtocolException {
    return (u32() << 32) | u32();
  }

  /** A count of items that each take at least one byte: bounded by what is left. */
  int count() throws ProtocolException {
    long n = u32();
    if (n > buf.length - pos) {
      throw new ProtocolException("count " + n + " exceeds the message");
    }
    return (int) n;
  }

  byte[] raw(int n) throws ProtocolException {
    need(n);
    byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return out;
  }

  String string() throws ProtocolException {
    return new String(raw(u16()), StandardCharsets.UTF_8);
  }

  Name name() throws ProtocolException {
    try {
      DNSInput in = new DNSInput(buf);
      in.jump(pos);
      Name name = new Name(in);
      pos = in.current();
      return name;
    } catch (IOException | IllegalArgumentException e) {
      throw new ProtocolException("bad name: " + e.getMessage());
    }
  }

  Record record() throws ProtocolException {
    byte[] wire = raw(u16());
    try {
      return Record.fromWire(wire, Section.ANSWER);
    } catch (IOException | RuntimeException e) {
      throw new ProtocolException("bad record: " + e.getMessage());
    }
  }

  @Nullable Record optionalRecord() throws ProtocolException {
    return u8() == 0 ? null : record();
  }

  List<Record> records() throws ProtocolException {
    int n = count();
    List<Record> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(record());
    }
    return out;
  }

  /** Fails unless every byte was read: a longer message is a different message. */
  void end() throws ProtocolException {
    if (pos != buf.length) {
      throw new ProtocolException((buf.length - pos) + " unexpected bytes at the end of a message");
    }
  }

  private void need(int n) throws ProtocolException {
    if (n < 0 || n > buf.length - pos) {
      throw new ProtocolException("message ends early");
    }
  }
}
