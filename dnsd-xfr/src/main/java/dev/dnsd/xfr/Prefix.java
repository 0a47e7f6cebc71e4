package dev.dnsd.xfr;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address prefix such as {@code 192.0.2.0/24}, {@code 2001:db8::/32} or a single address. */
record Prefix(byte[] network, int length) {

  /**
   * Parses a literal address with an optional {@code /length}; never looks a name up.
   *
   * @throws IllegalArgumentException when it is not an address prefix
   */
  static Prefix parse(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    if (address.isEmpty() || !address.matches("[0-9a-fA-F:.\\[\\]]+") || !address.matches(".*[.:].*")) {
      throw new IllegalArgumentException("not an address prefix: '" + text + "'");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address.replace("[", "").replace("]", "")).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address prefix: '" + text + "'", e);
    }
    int max = bytes.length * 8;
    int length;
    try {
      length = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad prefix length in '" + text + "'", e);
    }
    if (length < 0 || length > max) {
      throw new IllegalArgumentException("prefix length must be 0.." + max + " in '" + text + "'");
    }
    return new Prefix(bytes, length);
  }

  boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      byte[] mapped = unmapIpv4(a);
      if (mapped == null || mapped.length != network.length) {
        return false;
      }
      a = mapped;
    }
    int full = length / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = length % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (a[full] & mask) == (network[full] & mask);
  }

  /** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as IPv4, since dual-stack sockets report them. */
  private static byte @org.jspecify.annotations.Nullable [] unmapIpv4(byte[] a) {
    if (a.length != 16) {
      return null;
    }
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return null;
      }
    }
    if (a[10] != (byte) 0xFF || a[11] != (byte) 0xFF) {
      return null;
    }
    return new byte[] {a[12], a[13], a[14], a[15]};
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + length;
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prefix p && p.length == length && java.util.Arrays.equals(p.network, network);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(network) * 31 + length;
  }
}
