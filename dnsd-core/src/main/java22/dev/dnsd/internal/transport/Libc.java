package dev.dnsd.internal.transport;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteOrder;
import org.jspecify.annotations.Nullable;

/**
 * The libc calls, constants and struct layouts of batched UDP, called through the Foreign
 * Function & Memory API: no library of our own. For Linux on x86-64 and aarch64, which are both
 * LP64 and use the kernel's generic constants, so every struct and number below is the same on
 * the two (alpha, mips, parisc and sparc number some differently and are not served).
 *
 * <p>Touching this class links the calls, a restricted operation: callers first check that native
 * access is enabled, so that the JDK has no warning to print.
 */
@SuppressWarnings("restricted")
final class Libc {
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_RCVBUF = 8;
  static final int SO_REUSEPORT = 15;
  static final int IPPROTO_IPV6 = 41;
  static final int IPV6_V6ONLY = 26;
  static final int SHUT_RD = 0;
  static final int MSG_DONTWAIT = 0x40;
  /** recvmmsg: block for the first datagram only, then take what is already queued. */
  static final int MSG_WAITFORONE = 0x10000;

  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int EACCES = 13;
  static final int EADDRINUSE = 98;
  static final int EADDRNOTAVAIL = 99;

  /** struct iovec. */
  static final StructLayout IOVEC =
      MemoryLayout.structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));

  /** struct msghdr: socklen_t is 32 bits, size_t 64. */
  static final StructLayout MSGHDR =
      MemoryLayout.structLayout(
          ADDRESS.withName("msg_name"),
          JAVA_INT.withName("msg_namelen"),
          MemoryLayout.paddingLayout(4),
          ADDRESS.withName("msg_iov"),
          JAVA_LONG.withName("msg_iovlen"),
          ADDRESS.withName("msg_control"),
          JAVA_LONG.withName("msg_controllen"),
          JAVA_INT.withName("msg_flags"),
          MemoryLayout.paddingLayout(4));

  /** struct mmsghdr: a msghdr and the length received or sent. */
  static final StructLayout MMSGHDR =
      MemoryLayout.structLayout(
          MSGHDR.withName("msg_hdr"), JAVA_INT.withName("msg_len"), MemoryLayout.paddingLayout(4));

  static final ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

  /** struct sockaddr_in: the family in the host's order, port and address in the network's. */
  static final StructLayout SOCKADDR_IN =
      MemoryLayout.structLayout(
          JAVA_SHORT.withName("sin_family"),
          PORT.withName("sin_port"),
          MemoryLayout.sequenceLayout(4, JAVA_BYTE).withName("sin_addr"),
          MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sin_zero"));

  /** struct sockaddr_in6. */
  static final StructLayout SOCKADDR_IN6 =
      MemoryLayout.structLayout(
          JAVA_SHORT.withName("sin6_family"),
          PORT.withName("sin6_port"),
          JAVA_INT.withName("sin6_flowinfo"),
          MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"),
          JAVA_INT.withName("sin6_scope_id"));

  static final long MSG_NAME = mmsg("msg_name");
  static final long MSG_NAMELEN = mmsg("msg_namelen");
  static final long MSG_IOV = mmsg("msg_iov");
  static final long MSG_IOVLEN = mmsg("msg_iovlen");
  static final long MSG_LEN = MMSGHDR.byteOffset(groupElement("msg_len"));
  static final long IOV_BASE = IOVEC.byteOffset(groupElement("iov_base"));
  static final long IOV_LEN = IOVEC.byteOffset(groupElement("iov_len"));
  static final long SIN_PORT = 2;
  static final long SIN_ADDR = SOCKADDR_IN.byteOffset(groupElement("sin_addr"));
  static final long SIN6_ADDR = SOCKADDR_IN6.byteOffset(groupElement("sin6_addr"));
  static final long SIN6_SCOPE_ID = SOCKADDR_IN6.byteOffset(groupElement("sin6_scope_id"));

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
  private static final long ERRNO_OFFSET =
      Linker.Option.captureStateLayout().byteOffset(groupElement("errno"));

  static {
    if (ADDRESS.byteSize() != 8 || LINKER.canonicalLayouts().get("size_t").byteSize() != 8) {
      throw new UnsupportedOperationException("batched UDP's struct layouts are for 64-bit Linux");
    }
  }

  private static final MethodHandle SOCKET =
      call("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle SETSOCKOPT =
      call("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle BIND =
      call("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle GETSOCKNAME =
      call("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle SHUTDOWN =
      call("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle CLOSE = call("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle RECVMMSG =
      call("recvmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
  private static final MethodHandle SENDMMSG =
      call("sendmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  private static final MethodHandle SENDTO =
      call("sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle MMAP =
      call("mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
  private static final MethodHandle MUNMAP =
      LINKER.downcallHandle(find("munmap"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle STRERROR =
      LINKER.downcallHandle(find("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

  private Libc() {}

  private static long mmsg(String field) {
    return MMSGHDR.byteOffset(groupElement("msg_hdr"), groupElement(field));
  }

  private static MemorySegment find(String name) {
    return LIBC.find(name).orElseThrow(() -> new UnsupportedOperationException("libc has no " + name));
  }

  /** A call whose errno is kept: its handle takes the {@link #errnoState} segment first. */
  private static MethodHandle call(String name, FunctionDescriptor function) {
    return LINKER.downcallHandle(find(name), function, ERRNO);
  }

  /**
   * Null when socket, recvmmsg and sendmmsg work here; else what failed (a seccomp filter or a
   * sandbox may refuse them), so that the portable path is taken at start rather than the
   * workers failing later.
   */
  static @Nullable String probe() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errno = errnoState(arena);
      int fd = socket(errno, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        return "socket failed: " + describe(errno(errno));
      }
      try {
        // An unbound socket has nothing to receive: recvmmsg must say EAGAIN, and sendmmsg of no
        // datagrams sends none.
        MemorySegment vector = arena.allocate(MMSGHDR);
        if (recvmmsg(errno, fd, vector, 1, MSG_DONTWAIT) >= 0 || errno(errno) != EAGAIN) {
          return "recvmmsg failed: " + describe(errno(errno));
        }
        if (sendmmsg(errno, fd, vector, 0) < 0) {
          return "sendmmsg failed: " + describe(errno(errno));
        }
        return null;
      } finally {
        close(fd);
      }
    }
  }

  /** Where a call leaves its errno. */
  static MemorySegment errnoState(Arena arena) {
    return arena.allocate(Linker.Option.captureStateLayout());
  }

  static int errno(MemorySegment state) {
    return state.get(JAVA_INT, ERRNO_OFFSET);
  }

  /** The message of an errno, with its number. */
  static String describe(int errno) {
    try {
      MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
      return text.reinterpret(1024).getString(0) + " (errno " + errno + ")";
    } catch (Throwable t) {
      return "errno " + errno;
    }
  }

  /**
   * A UDP socket bound to the address: with SO_REUSEPORT when asked, our receive buffer size,
   * and, for IPv6, IPv4-mapped addresses accepted as the JDK's own sockets accept them.
   *
   * @return the descriptor
   * @throws BindException when the address is taken, not ours, or needs privileges
   */
  static int openBound(InetSocketAddress address, boolean reusePort) throws IOException {
    boolean v6 = address.getAddress() instanceof Inet6Address;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errno = errnoState(arena);
      int fd = socket(errno, v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        throw new SocketException("UDP socket for " + address + ": " + describe(errno(errno)));
      }
      try {
        if (reusePort) {
          setOption(arena, fd, SOL_SOCKET, SO_REUSEPORT, 1);
        }
        setOption(arena, fd, SOL_SOCKET, SO_RCVBUF, UdpTransport.RECEIVE_BUFFER);
        if (v6) {
          setOption(arena, fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
        }
        MemorySegment name = sockaddr(arena, address);
        int result;
        try {
          result = (int) BIND.invokeExact(errno, fd, name, (int) name.byteSize());
        } catch (Throwable t) {
          throw unexpected(t);
        }
        if (result < 0) {
          int e = errno(errno);
          String message = "UDP bind to " + address + ": " + describe(e);
          throw e == EADDRINUSE || e == EADDRNOTAVAIL || e == EACCES
              ? new BindException(message)
              : new SocketException(message);
        }
        return fd;
      } catch (IOException | RuntimeException e) {
        close(fd);
        throw e;
      }
    }
  }

  private static void setOption(Arena arena, int fd, int level, int option, int value)
      throws SocketException {
    MemorySegment errno = errnoState(arena);
    MemorySegment v = arena.allocateFrom(JAVA_INT, value);
    int result;
    try {
      result = (int) SETSOCKOPT.invokeExact(errno, fd, level, option, v, (int) v.byteSize());
    } catch (Throwable t) {
      throw unexpected(t);
    }
    if (result < 0) {
      throw new SocketException("setsockopt " + level + "/" + option + ": " + describe(errno(errno)));
    }
  }

  private static MemorySegment sockaddr(Arena arena, InetSocketAddress address) {
    byte[] ip = address.getAddress().getAddress();
    if (address.getAddress() instanceof Inet6Address v6) {
      MemorySegment name = arena.allocate(SOCKADDR_IN6);
      name.set(JAVA_SHORT, 0, (short) AF_INET6);
      name.set(PORT, SIN_PORT, (short) address.getPort());
      MemorySegment.copy(ip, 0, name, JAVA_BYTE, SIN6_ADDR, 16);
      name.set(JAVA_INT, SIN6_SCOPE_ID, v6.getScopeId());
      return name;
    }
    MemorySegment name = arena.allocate(SOCKADDR_IN);
    name.set(JAVA_SHORT, 0, (short) AF_INET);
    name.set(PORT, SIN_PORT, (short) address.getPort());
    MemorySegment.copy(ip, 0, name, JAVA_BYTE, SIN_ADDR, 4);
    return name;
  }

  /** The port a socket is bound to. */
  static int boundPort(int fd) throws SocketException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errno = errnoState(arena);
      MemorySegment name = arena.allocate(SOCKADDR_IN6);
      MemorySegment length = arena.allocateFrom(JAVA_INT, (int) name.byteSize());
      int result;
      try {
        result = (int) GETSOCKNAME.invokeExact(errno, fd, name, length);
      } catch (Throwable t) {
        throw unexpected(t);
      }
      if (result < 0) {
        throw new SocketException("getsockname: " + describe(errno(errno)));
      }
      return Short.toUnsignedInt(name.get(PORT, SIN_PORT));
    }
  }

  /** Ends every blocked and later receive on the socket; the descriptor stays open. */
  static void shutdownInput(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      // On an unconnected UDP socket Linux says ENOTCONN, but marks the socket shut and wakes
      // its receivers all the same; nothing to check.
      int ignored = (int) SHUTDOWN.invokeExact(errnoState(arena), fd, SHUT_RD);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void close(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      int ignored = (int) CLOSE.invokeExact(errnoState(arena), fd);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int socket(MemorySegment errno, int domain, int type, int protocol) {
    try {
      return (int) SOCKET.invokeExact(errno, domain, type, protocol);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Receives up to {@code count} datagrams into the vector of mmsghdr; -1 and errno on failure. */
  static int recvmmsg(MemorySegment errno, int fd, MemorySegment vector, int count, int flags) {
    try {
      return (int) RECVMMSG.invokeExact(errno, fd, vector, count, flags, MemorySegment.NULL);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Sends the vector's datagrams; the number sent (fewer on the first failure), or -1. */
  static int sendmmsg(MemorySegment errno, int fd, MemorySegment vector, int count) {
    try {
      return (int) SENDMMSG.invokeExact(errno, fd, vector, count, 0);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static long sendto(
      MemorySegment errno, int fd, MemorySegment data, long length, MemorySegment to, int toLength) {
    try {
      return (long) SENDTO.invokeExact(errno, fd, data, length, 0, to, toLength);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /**
   * Anonymous memory, unmapped when the arena closes. Unlike {@link Arena#allocate}, which zeroes
   * what it gives, its pages take memory only once written: a 64 KiB datagram buffer that only
   * ever holds small queries costs one page.
   */
  static MemorySegment map(Arena arena, long size) throws IOException {
    MemorySegment errno = errnoState(arena);
    MemorySegment start;
    try {
      // PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS
      start = (MemorySegment) MMAP.invokeExact(errno, MemorySegment.NULL, size, 0x1 | 0x2, 0x02 | 0x20, -1, 0L);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    if (start.address() == -1L) {
      throw new IOException("mmap of " + size + " bytes: " + describe(errno(errno)));
    }
    return start.reinterpret(size, arena, mapped -> unmap(mapped, size));
  }

  private static void unmap(MemorySegment mapped, long size) {
    try {
      int ignored = (int) MUNMAP.invokeExact(mapped, size);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** What a downcall threw: never a checked exception, as no call here throws one. */
  private static RuntimeException unexpected(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }
}
