package dev.dnsd.internal;

import static dev.dnsd.internal.WireNames.lower;
import static dev.dnsd.internal.WireNames.u16;

import dev.dnsd.Request;
import org.xbill.DNS.Opcode;

/**
 * The header and question of a query read straight from the wire, without dnsjava: what the
 * answer cache is keyed by. Only the plain shape that almost every query has is accepted: opcode
 * QUERY, one question with an uncompressed name, nothing in the answer and authority sections, and
 * at most one additional record that is an EDNS version 0 OPT whose options dnsjava would parse
 * without complaint. Anything else is left to the full parse, which knows every rule and error.
 *
 * <p>Mutable scratch: one per thread, reused for every query.
 */
final class WireQuery {
  static final int QNAME = 12; // the question's name starts right after the header

  private static final int TYPE_OPT = 41;
  private static final int OPTION_NSID = 3;
  private static final int OPTION_CLIENT_SUBNET = 8;
  private static final int OPTION_EXPIRE = 9;
  private static final int OPTION_COOKIE = 10;
  private static final int OPTION_TCP_KEEPALIVE = 11;
  private static final int OPTION_EXTENDED_ERROR = 15;

  /** The offset just past the question name's root label. */
  int nameEnd;
  /** The offset just past the question (name, type, class). */
  int questionEnd;
  int qtype;
  int qclass;
  boolean edns;
  boolean dnssecOk;
  boolean nsidRequested;
  /** Where the first COOKIE option's data starts in the packet; 0 when there is none. */
  int cookieAt;
  int cookieLength;
  boolean tcp;
  /** The most bytes the answer may have: 65535 over TCP, else what EDNS and the server allow. */
  int limit;
  /** Hash of everything that selects a cached answer; the name's case does not change it. */
  int hash;
  /** Where each label of the name starts; the last is the root label. */
  final int[] labelStarts = new int[128];
  int labels;

  /**
   * Reads the query; false when it is not of the plain shape (then nothing here is meaningful).
   *
   * @param serverMax the largest UDP payload the server sends
   */
  boolean parse(byte[] packet, int length, boolean overTcp, int serverMax) {
    if (length < QNAME + 5 || (packet[2] & 0xF8) != 0) {
      return false; // QR set, or an opcode other than QUERY
    }
    if (u16(packet, 4) != 1 || u16(packet, 6) != 0 || u16(packet, 8) != 0) {
      return false;
    }
    int additional = u16(packet, 10);
    if (additional > 1 || !readName(packet, length)) {
      return false;
    }
    int p = nameEnd;
    if (p + 4 > length) {
      return false;
    }
    qtype = u16(packet, p);
    qclass = u16(packet, p + 2);
    questionEnd = p + 4;
    if (Request.Kind.of(Opcode.QUERY, qtype, false) != Request.Kind.QUERY) {
      return false; // a zone transfer: offered to extensions
    }
    tcp = overTcp;
    edns = false;
    dnssecOk = false;
    nsidRequested = false;
    cookieAt = 0;
    cookieLength = 0;
    int payload = Edns.NO_EDNS;
    if (additional == 1) {
      payload = readOpt(packet, questionEnd, length);
      if (payload == BAD_OPT) {
        return false;
      }
    }
    limit = Edns.responseLimit(tcp, payload, serverMax);
    hash = hash(packet);
    return true;
  }

  private boolean readName(byte[] packet, int length) {
    int p = QNAME;
    labels = 0;
    while (true) {
      if (p >= length) {
        return false;
      }
      int len = packet[p] & 0xFF;
      if ((len & 0xC0) != 0) {
        return false; // a pointer (or a reserved label type): the full parser decides
      }
      labelStarts[labels++] = p;
      p += 1 + len;
      if (len == 0) {
        break;
      }
      if (p - QNAME > 255 || labels >= labelStarts.length) {
        return false;
      }
    }
    if (p - QNAME > 255) {
      return false;
    }
    nameEnd = p;
    return true;
  }

  private static final int BAD_OPT = -2;

  /**
   * An OPT with the root as owner and version 0, its options checked as dnsjava checks them: its
   * payload size, or {@link #BAD_OPT} when it is not of that shape.
   */
  private int readOpt(byte[] packet, int p, int length) {
    if (p + 11 > length || packet[p] != 0 || u16(packet, p + 1) != TYPE_OPT) {
      return BAD_OPT;
    }
    int payload = u16(packet, p + 3);
    int version = packet[p + 6] & 0xFF;
    int flags = u16(packet, p + 7);
    int rdlength = u16(packet, p + 9);
    int end = p + 11 + rdlength;
    if (version != 0 || end > length) {
      return BAD_OPT;
    }
    if ((packet[p + 5] & 0x80) != 0) {
      // An extended rcode of 128 or more sets the TTL's top bit, and dnsjava then reads the whole
      // TTL as 0 (RFC 2181 §8), DO bit and all: leave such a query to it, so both paths agree.
      return BAD_OPT;
    }
    boolean nsid = false;
    for (int o = p + 11; o < end; ) {
      if (o + 4 > end) {
        return BAD_OPT;
      }
      int code = u16(packet, o);
      int len = u16(packet, o + 2);
      o += 4;
      if (o + len > end) {
        return BAD_OPT;
      }
      switch (code) {
        case OPTION_NSID:
          nsid |= len == 0;
          break;
        case OPTION_COOKIE:
          if (len != 8 && (len < 16 || len > 40)) {
            return BAD_OPT;
          }
          if (cookieAt == 0) { // RFC 7873 §5.2: only the first one counts
            cookieAt = o;
            cookieLength = len;
          }
          break;
        case OPTION_CLIENT_SUBNET:
        case OPTION_TCP_KEEPALIVE:
        case OPTION_EXTENDED_ERROR:
          return BAD_OPT; // dnsjava validates these: let it decide between an answer and FORMERR
        case OPTION_EXPIRE:
          return BAD_OPT; // its value is the zone's remaining time: never from the cache
        default:
          break;
      }
      o += len;
    }
    edns = true;
    dnssecOk = (flags & 0x8000) != 0;
    nsidRequested = nsid;
    return payload;
  }

  /** The bits of the key that are not the name, type or class. */
  int shape() {
    return (edns ? 1 : 0) | (dnssecOk ? 2 : 0) | (nsidRequested ? 4 : 0) | (tcp ? 8 : 0)
        | (cookieAt != 0 ? 16 : 0) | limit << 8;
  }

  /**
   * Whether a message's question name (at {@link #QNAME}: a cached answer's, in the case of the
   * query it was made for) is this question's name, ignoring ASCII case. Label lengths are below
   * 64, which case folding leaves alone, and a name in wire form ends itself: bytes equal up to
   * this name's end are the same name.
   */
  boolean nameEquals(byte[] packet, byte[] message) {
    if (message.length < nameEnd) {
      return false;
    }
    for (int i = QNAME; i < nameEnd; i++) {
      if (lower(packet[i]) != lower(message[i])) {
        return false;
      }
    }
    return true;
  }

  private int hash(byte[] packet) {
    int h = qtype * 31 + qclass;
    h = h * 31 + shape();
    for (int i = QNAME; i < nameEnd; i++) {
      h = h * 31 + lower(packet[i]);
    }
    return WireNames.mix(h);
  }
}
