package dev.dnsd.dnssec;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;

/**
 * The bytes an RRSIG's signature covers (RFC 4034 §3.1.8.1): the RRSIG's RDATA up to the
 * signature, then each record of the RRset in canonical form and order (§6.2, §6.3). Written into
 * a buffer kept from one RRset to the next, since a zone is signed one RRset after another on each
 * thread. Not thread-safe: each signing session has its own.
 */
final class SignedData {
  private byte[] buffer = new byte[512];
  private int length;

  /**
   * Writes the data for a signature by the key with this tag over the RRset.
   *
   * @param signer the signer's name in canonical wire form
   */
  void write(RRset rrset, int algorithm, Instant inception, Instant expiration, int tag, byte[] signer) {
    Name owner = rrset.getName();
    long ttl = rrset.getTTL();
    length = 0;
    u16(rrset.getType());
    u8(algorithm);
    u8(labels(owner));
    u32(ttl);
    u32(expiration.getEpochSecond());
    u32(inception.getEpochSecond());
    u16(tag);
    bytes(signer);

    List<Record> records = rrset.rrs(false);
    byte[][] rdata = new byte[records.size()][];
    for (int i = 0; i < rdata.length; i++) {
      rdata[i] = records.get(i).rdataToWireCanonical();
    }
    // Each RDATA encoded once, not once per comparison as Record.compareTo does.
    Arrays.sort(rdata, Arrays::compareUnsigned);
    byte[] name = owner.toWireCanonical();
    for (byte[] r : rdata) {
      bytes(name);
      u16(rrset.getType());
      u16(rrset.getDClass());
      u32(ttl);
      u16(r.length);
      bytes(r);
    }
  }

  /** The RRSIG's labels field: the owner's labels without the root and a leading wildcard. */
  static int labels(Name owner) {
    return owner.labels() - 1 - (owner.isWild() ? 1 : 0);
  }

  byte[] buffer() {
    return buffer;
  }

  int length() {
    return length;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buffer, length);
  }

  private void room(int n) {
    if (length + n > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + n));
    }
  }

  private void u8(int v) {
    room(1);
    buffer[length++] = (byte) v;
  }

  private void u16(int v) {
    room(2);
    buffer[length++] = (byte) (v >>> 8);
    buffer[length++] = (byte) v;
  }

  // RRSIG times are 32-bit serial numbers (RFC 4034 §3.1.5): the low 32 bits of the epoch second.
  private void u32(long v) {
    room(4);
    buffer[length++] = (byte) (v >>> 24);
    buffer[length++] = (byte) (v >>> 16);
    buffer[length++] = (byte) (v >>> 8);
    buffer[length++] = (byte) v;
  }

  private void bytes(byte[] b) {
    room(b.length);
    System.arraycopy(b, 0, buffer, length, b.length);
    length += b.length;
  }
}
