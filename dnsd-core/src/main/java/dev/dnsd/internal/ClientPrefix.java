package dev.dnsd.internal;

import java.net.InetAddress;

/**
 * The network a client address belongs to, as one number: its first {@code v4Bits} bits for
 * IPv4, its first {@code v6Bits} bits for IPv6 (IPv4-mapped IPv6 addresses count as IPv4). What
 * per-source limits count by: a /32 or /64 for connections, a /24 or /56 for response rate
 * limiting, as BIND and Knot count.
 */
public final class ClientPrefix {
  private ClientPrefix() {}

  /**
   * The prefix as a key: distinct prefixes give distinct keys. An IPv6 key is the prefix's first
   * 64 bits (longer prefixes are cut to 64); an IPv4 key is {@code 0x000001LL_AAAAAAAA} (L the
   * length, A the masked address), which as IPv6 would lie in ::/8, reserved (RFC 4291 §2.4),
   * so no IPv6 client in use meets an IPv4 key.
   *
   * @param address the client's address
   * @param v4Bits the prefix length for an IPv4 client
   * @param v6Bits the prefix length for an IPv6 client
   * @return the key
   */

  public static long of(InetAddress address, int v4Bits, int v6Bits) {
    byte[] a = address.getAddress();
    if (a.length == 16 && isMappedIpv4(a)) {
      a = new byte[] {a[12], a[13], a[14], a[15]};
    }
    if (a.length == 4) {
      long v = ((a[0] & 0xFFL) << 24) | ((a[1] & 0xFFL) << 16) | ((a[2] & 0xFFL) << 8) | (a[3] & 0xFFL);
      int bits = Math.max(0, Math.min(32, v4Bits));
      long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
      return (1L << 40) | ((long) bits << 32) | (v & mask);
    }
    long high = 0;
    for (int i = 0; i < 8; i++) {
      high = (high << 8) | (a[i] & 0xFF);
    }
    int bits = Math.max(0, Math.min(64, v6Bits));
    long mask = bits == 0 ? 0 : bits == 64 ? -1L : ~(-1L >>> bits);
    return high & mask;
  }

  private static boolean isMappedIpv4(byte[] a) {
    if (a.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
  }
}
