package dev.dnsd.sqlite;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
   * Record data this long or shorter is part of a record's key as it is; longer data is there as
   * its SHA-256 digest, whose 32 bytes tell the two apart. A key then never repeats the data of a
   * large record (a TXT record of a kilobyte would otherwise be stored twice in its row).
   */
  static final int LONGEST_KEPT_DATA = 31;

  /**
   * What {@link Record#equals} compares, as one key: the owner in canonical form, the type and the
   * canonical rdata (or its digest, see {@link #LONGEST_KEPT_DATA}). Zones hold class IN only, so
   * the class is left out. Keys start with the owner, so rows in key order come grouped by owner.
   */
  static byte[] ident(Record record) {
    DNSOutput out = new DNSOutput();
    record.getName().toWireCanonical(out);
    out.writeU16(record.getType());
    byte[] data = record.rdataToWireCanonical();
    out.writeByteArray(data.length <= LONGEST_KEPT_DATA ? data : sha256(data));
    return out.toByteArray();
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
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
