package dev.dnsd.internal.transport;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/**
 * The clients' addresses of one socket, read from the sockaddr the kernel filled in, and kept in
 * a small direct-mapped cache: a client seen again costs no allocation (the JDK's own
 * DatagramChannel keeps only its last sender). A client of an IPv6 socket that is an IPv4-mapped
 * address comes out as an {@link java.net.Inet4Address}, as the JDK's sockets give it. Not
 * thread-safe: one per worker.
 */
final class ClientAddresses {
  private static final int BITS = 8;

  private final boolean v6;
  private final long[] high = new long[1 << BITS];
  private final long[] low = new long[1 << BITS];
  private final long[] portAndScope = new long[1 << BITS];
  private final @Nullable InetSocketAddress[] addresses = new InetSocketAddress[1 << BITS];

  ClientAddresses(boolean v6) {
    this.v6 = v6;
  }

  /**
   * The address in {@code names} at {@code at} (8-aligned), which the kernel gave {@code length}
   * bytes; null when it is not one of this socket's family.
   */
  @Nullable InetSocketAddress get(MemorySegment names, long at, int length) {
    long hi;
    long lo;
    int scope;
    if (v6) {
      if (length < Libc.SOCKADDR_IN6.byteSize() || names.get(JAVA_SHORT, at) != Libc.AF_INET6) {
        return null;
      }
      hi = names.get(JAVA_LONG, at + Libc.SIN6_ADDR);
      lo = names.get(JAVA_LONG, at + Libc.SIN6_ADDR + 8);
      scope = names.get(JAVA_INT, at + Libc.SIN6_SCOPE_ID);
    } else {
      if (length < Libc.SOCKADDR_IN.byteSize() || names.get(JAVA_SHORT, at) != Libc.AF_INET) {
        return null;
      }
      hi = 0;
      lo = Integer.toUnsignedLong(names.get(JAVA_INT, at + Libc.SIN_ADDR));
      scope = 0;
    }
    int port = Short.toUnsignedInt(names.get(Libc.PORT, at + Libc.SIN_PORT));
    long extra = Integer.toUnsignedLong(scope) << 16 | port;
    long h = (hi * 0x9E3779B97F4A7C15L + lo) * 0x9E3779B97F4A7C15L + extra;
    int i = (int) ((h * 0x9E3779B97F4A7C15L) >>> (64 - BITS));
    InetSocketAddress cached = addresses[i];
    if (cached != null && high[i] == hi && low[i] == lo && portAndScope[i] == extra) {
      return cached;
    }
    InetSocketAddress address = new InetSocketAddress(read(names, at, scope), port);
    high[i] = hi;
    low[i] = lo;
    portAndScope[i] = extra;
    addresses[i] = address;
    return address;
  }

  private InetAddress read(MemorySegment names, long at, int scope) {
    byte[] ip = new byte[v6 ? 16 : 4];
    MemorySegment.copy(names, JAVA_BYTE, at + (v6 ? Libc.SIN6_ADDR : Libc.SIN_ADDR), ip, 0, ip.length);
    try {
      // getByAddress turns an IPv4-mapped IPv6 address into the IPv4 address.
      return scope != 0 ? Inet6Address.getByAddress(null, ip, scope) : InetAddress.getByAddress(ip);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address of " + ip.length + " bytes", e);
    }
  }
}
