package dev.dnsd.internal;

/**
 * Names in wire form, read without dnsjava: the case folding and hashing that the answer cache's
 * key ({@link WireQuery}) and the origin filter share, so that both read a name alike.
 */
final class WireNames {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private WireNames() {}

  /** ASCII lower case, as DNS compares names (RFC 4343); other bytes are left as they are. */
  static byte lower(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
  }

  /** A 32-bit finalizer (MurmurHash3's): spreads a polynomial hash over all bits. */
  static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  /**
   * A 64-bit hash of the lower-cased bytes {@code from} to {@code to}: FNV-1a, then a finalizer;
   * never 0. Over a name's labels from one of them to the root, it identifies that suffix.
   */
  static long hash64(byte[] wire, int from, int to) {
    long h = FNV_OFFSET;
    for (int i = from; i < to; i++) {
      h ^= lower(wire[i]);
      h *= FNV_PRIME;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h == 0 ? 1 : h;
  }

  static int u16(byte[] b, int at) {
    return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
  }
}
