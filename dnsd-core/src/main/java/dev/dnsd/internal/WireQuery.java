package dev.dnsd.internal;

import org.jspecify.annotations.Nullable;

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
  private static final int TYPE_IXFR = 251;
  private static final int TYPE_AXFR = 252;
  private static final int OPTION_NSID = 3;
  private static final int OPTION_CLIENT_SUBNET = 8;
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
  boolean tcp;
  /** The most bytes the answer may have: 65535 over TCP, else what EDNS and the server allow. */
  int limit;
  /** Hash of everything that selects a cached answer; the name's case does not change it. */
  int hash;
  /** Where each label of the name starts; the last is the root label. */
  final int[] labelStarts = new int[128];
  int labels;

  /** Set by the responder: the cached answer found. */
  byte @Nullable [] cached;
  /** Set by the responder: the generation a fresh answer is cached under, null when it is not. */
  AnswerCache.@Nullable Generation generation;

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
    if (qtype == TYPE_AXFR || qtype == TYPE_IXFR) {
      return false; // offered to extensions
    }
    tcp = overTcp;
    edns = false;
    dnssecOk = false;
    nsidRequested = false;
    if (additional == 1 && !readOpt(packet, questionEnd, length)) {
      return false;
    }
    if (tcp) {
      limit = 65535;
    } else if (!edns) {
      limit = Edns.MIN_PAYLOAD;
    }
    if (!tcp && edns) {
      limit = Math.max(Edns.MIN_PAYLOAD, Math.min(limit, serverMax));
    }
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

  /** An OPT with the root as owner and version 0; its options checked as dnsjava checks them. */
  private boolean readOpt(byte[] packet, int p, int length) {
    if (p + 11 > length || packet[p] != 0 || u16(packet, p + 1) != TYPE_OPT) {
      return false;
    }
    int payload = u16(packet, p + 3);
    int version = packet[p + 6] & 0xFF;
    int flags = u16(packet, p + 7);
    int rdlength = u16(packet, p + 9);
    int end = p + 11 + rdlength;
    if (version != 0 || end > length) {
      return false;
    }
    boolean nsid = false;
    for (int o = p + 11; o < end; ) {
      if (o + 4 > end) {
        return false;
      }
      int code = u16(packet, o);
      int len = u16(packet, o + 2);
      o += 4;
      if (o + len > end) {
        return false;
      }
      switch (code) {
        case OPTION_NSID:
          nsid |= len == 0;
          break;
        case OPTION_COOKIE:
          if (len != 8 && (len < 16 || len > 40)) {
            return false;
          }
          break;
        case OPTION_CLIENT_SUBNET:
        case OPTION_TCP_KEEPALIVE:
        case OPTION_EXTENDED_ERROR:
          return false; // dnsjava validates these: let it decide between an answer and FORMERR
        default:
          break;
      }
      o += len;
    }
    edns = true;
    dnssecOk = (flags & 0x8000) != 0;
    nsidRequested = nsid;
    limit = payload;
    return true;
  }

  /** The bits of the key that are not the name, type or class. */
  int shape() {
    return (edns ? 1 : 0) | (dnssecOk ? 2 : 0) | (nsidRequested ? 4 : 0) | (tcp ? 8 : 0) | limit << 8;
  }

  /** Whether the cached name equals the question's name, ignoring ASCII case. */
  boolean nameEquals(byte[] packet, byte[] lowerName) {
    int n = nameEnd - QNAME;
    if (lowerName.length != n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (lower(packet[QNAME + i]) != lowerName[i]) {
        return false;
      }
    }
    return true;
  }

  /** The question's name in wire form, lower-cased (ASCII only, as DNS compares names). */
  byte[] lowerName(byte[] packet) {
    byte[] out = new byte[nameEnd - QNAME];
    for (int i = 0; i < out.length; i++) {
      out[i] = lower(packet[QNAME + i]);
    }
    return out;
  }

  private int hash(byte[] packet) {
    int h = qtype * 31 + qclass;
    h = h * 31 + shape();
    for (int i = QNAME; i < nameEnd; i++) {
      h = h * 31 + lower(packet[i]);
    }
    return mix(h);
  }

  /**
   * Hash of the lower-cased name from label {@code label} to the root, as {@link
   * OriginFilter#hash} computes it for a zone origin.
   */
  long suffixHash(byte[] packet, int label) {
    return OriginFilter.hash(packet, labelStarts[label], nameEnd);
  }

  static byte lower(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
  }

  static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  static int u16(byte[] b, int at) {
    return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
  }
}
