package dev.dnsd.sqlite;

import java.io.IOException;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** The byte forms records and names take in the database. */
final class Wire {
  private Wire() {}

  /** Owner, type, class, TTL and rdata, uncompressed, as dnsjava reads them back. */
  static byte[] of(Record record) {
    return record.toWire(Section.ANSWER);
  }

  static Record record(byte[] wire) throws IOException {
    return Record.fromWire(wire, Section.ANSWER);
  }

  /**
   * What {@link Record#equals} compares, as one key: the owner in canonical form, the type and the
   * canonical rdata. Zones hold class IN only, so the class is left out.
   */
  static byte[] ident(Record record) {
    DNSOutput out = new DNSOutput();
    record.getName().toWireCanonical(out);
    out.writeU16(record.getType());
    out.writeByteArray(record.rdataToWireCanonical());
    return out.toByteArray();
  }

  /** A zone origin as a unique key: case does not make a different zone. */
  static byte[] key(Name origin) {
    return origin.toWireCanonical();
  }

  static byte[] of(Name name) {
    return name.toWire();
  }

  static Name name(byte[] wire) throws IOException {
    return new Name(wire);
  }
}
