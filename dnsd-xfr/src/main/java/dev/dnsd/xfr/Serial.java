package dev.dnsd.xfr;

/** SOA serial arithmetic (RFC 1982): serials compare on a circle of 2^32. */
final class Serial {
  private Serial() {}

  /** Whether {@code a} is newer than {@code b}; undefined pairs (exactly 2^31 apart) are not. */
  static boolean newer(long a, long b) {
    long diff = (a - b) & 0xFFFFFFFFL;
    return diff != 0 && diff < 0x80000000L;
  }
}
