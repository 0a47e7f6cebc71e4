package dev.dnsd.internal.transport;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.dnsd.Replier;
import dev.dnsd.internal.RateLimitedLog;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP socket served in batches: one recvmmsg takes every datagram already queued, up to the
 * batch, blocking only until the first; the worker answers them in the order received, each into
 * its own buffer, and one sendmmsg sends the answers. Linux only (see {@link Libc}).
 *
 * <p>Each datagram has a buffer of its own (received into, then overwritten by its answer) and an
 * address slot, which the answer reuses as its destination: the hot path neither converts an
 * address nor allocates, but for a client new to the {@link ClientAddresses} cache.
 *
 * <p>Only the worker thread uses and closes the descriptor. {@link #close()} shuts down
 * reception, which wakes the worker from recvmmsg (closing the descriptor would not, and a new
 * socket could then take its number under the worker); the worker then closes it.
 */
@SuppressWarnings("restricted")
final class MmsgSocket implements UdpSocket {
  private static final Logger log = LoggerFactory.getLogger(MmsgSocket.class);
  private static final RateLimitedLog WARNINGS = new RateLimitedLog(log);

  /** Each datagram's buffer: 64 KiB, page-aligned, holds any UDP payload. */
  private static final long SLOT = 1L << 16;
  /** Each datagram's address: room for a sockaddr_in6, 8-aligned. */
  private static final long NAME = 32;
  private static final long MMSG = Libc.MMSGHDR.byteSize();
  private static final long IOV = Libc.IOVEC.byteSize();

  /** Opens batched sockets; its constructor refuses, saying why, where this JVM cannot. */
  static final class Opener implements UdpSocket.Factory {
    Opener() {
      Module module = MmsgSocket.class.getModule();
      if (!module.isNativeAccessEnabled()) {
        // Linking would work with a warning on stderr, for which an embedding application did
        // not ask; the JDK means native access to be granted by whoever runs the program.
        String name = module.isNamed() ? module.getName() : "ALL-UNNAMED";
        throw new UnsupportedOperationException(
            "native access is not enabled for " + (module.isNamed() ? name : "the class path")
                + " (java --enable-native-access=" + name
                + ", or Enable-Native-Access: ALL-UNNAMED in an executable jar's manifest)");
      }
      String failed;
      try {
        failed = Libc.probe();
      } catch (ExceptionInInitializerError e) {
        failed = "libc could not be linked: " + e.getCause();
      } catch (LinkageError | RuntimeException e) {
        failed = "libc could not be linked: " + e;
      }
      if (failed != null) {
        throw new UnsupportedOperationException(failed);
      }
    }

    @Override
    public UdpSocket open(InetSocketAddress address, boolean reusePort, int batch)
        throws IOException {
      return MmsgSocket.open(address, reusePort, batch);
    }
  }

  private final int fd;
  private final InetSocketAddress local;
  private final int batch;
  private final int nameLength;
  private final Arena arena;
  private final Object lock = new Object();
  private boolean serving; // guarded by lock
  private boolean released; // guarded by lock
  private volatile boolean closing;

  // The worker's, used by its thread only.
  private final MemorySegment errno;
  private final MemorySegment slots;
  private final MemorySegment names;
  private final MemorySegment received;
  private final MemorySegment answers;
  private final MemorySegment answerIov;
  private final ClientAddresses addresses;
  private final @Nullable InetSocketAddress[] clients;
  private final int[] answerSlot;
  private final byte[] packet = new byte[UdpTransport.MAX_DATAGRAM];
  private final byte[] out = new byte[UdpTransport.MAX_DATAGRAM];
  private final BatchReplier replier = new BatchReplier();
  private @Nullable Thread worker;
  private int receivedCount;
  private int answerCount;

  private MmsgSocket(int fd, InetSocketAddress local, int batch, Arena arena) throws IOException {
    this.fd = fd;
    this.local = local;
    this.batch = batch;
    this.arena = arena;
    boolean v6 = local.getAddress() instanceof Inet6Address;
    this.nameLength = (int) (v6 ? Libc.SOCKADDR_IN6 : Libc.SOCKADDR_IN).byteSize();
    this.addresses = new ClientAddresses(v6);
    this.clients = new InetSocketAddress[batch];
    this.answerSlot = new int[batch];
    this.errno = Libc.errnoState(arena);
    this.slots = Libc.map(arena, batch * SLOT);
    this.names = arena.allocate(batch * NAME, 8);
    this.received = arena.allocate(Libc.MMSGHDR, batch);
    MemorySegment receivedIov = arena.allocate(Libc.IOVEC, batch);
    this.answers = arena.allocate(Libc.MMSGHDR, batch);
    this.answerIov = arena.allocate(Libc.IOVEC, batch);
    for (int i = 0; i < batch; i++) {
      receivedIov.set(ADDRESS, i * IOV + Libc.IOV_BASE, slots.asSlice(i * SLOT));
      receivedIov.set(JAVA_LONG, i * IOV + Libc.IOV_LEN, UdpTransport.MAX_DATAGRAM);
      received.set(ADDRESS, i * MMSG + Libc.MSG_NAME, names.asSlice(i * NAME));
      received.set(ADDRESS, i * MMSG + Libc.MSG_IOV, receivedIov.asSlice(i * IOV));
      received.set(JAVA_LONG, i * MMSG + Libc.MSG_IOVLEN, 1);
      answers.set(ADDRESS, i * MMSG + Libc.MSG_IOV, answerIov.asSlice(i * IOV));
      answers.set(JAVA_LONG, i * MMSG + Libc.MSG_IOVLEN, 1);
    }
    receivedCount = batch; // every name length is set before the first receive
  }

  static MmsgSocket open(InetSocketAddress address, boolean reusePort, int batch) throws IOException {
    int fd = Libc.openBound(address, reusePort);
    Arena arena = Arena.ofShared();
    try {
      InetSocketAddress local = new InetSocketAddress(address.getAddress(), Libc.boundPort(fd));
      return new MmsgSocket(fd, local, batch, arena);
    } catch (IOException | RuntimeException e) {
      arena.close();
      Libc.close(fd);
      throw e;
    }
  }

  @Override
  public InetSocketAddress localAddress() {
    return local;
  }

  @Override
  public boolean canReusePort() {
    return true;
  }

  @Override
  public void serve(QueryHandler.Worker handler) {
    synchronized (lock) {
      if (serving || released) {
        return;
      }
      serving = true;
    }
    this.worker = Thread.currentThread();
    try {
      while (!closing && serveBatch(handler)) {
        // A method of its own, as ChannelSocket's loop body, for the JIT.
      }
    } finally {
      synchronized (lock) {
        release();
      }
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (released) {
        return;
      }
      closing = true;
      if (serving) {
        Libc.shutdownInput(fd); // the worker wakes, sees closing, and releases the socket
      } else {
        release();
      }
    }
  }

  /** Closes the descriptor and frees the buffers; with the lock held. */
  private void release() {
    released = true;
    Libc.close(fd);
    arena.close();
  }

  /** Receives a batch and answers it; false once the socket is closing. */
  private boolean serveBatch(QueryHandler.Worker handler) {
    for (int i = 0; i < receivedCount; i++) {
      received.set(JAVA_INT, i * MMSG + Libc.MSG_NAMELEN, nameLength); // value-result
    }
    int n = Libc.recvmmsg(errno, fd, received, batch, Libc.MSG_WAITFORONE);
    if (closing) {
      return false;
    }
    if (n < 0) {
      receivedCount = batch;
      int e = Libc.errno(errno);
      if (e != Libc.EINTR && e != Libc.EAGAIN) {
        log.warn("UDP receive on {} failed: {}", local, Libc.describe(e));
      }
      return true;
    }
    receivedCount = n;
    for (int i = 0; i < n; i++) {
      answer(i, handler);
    }
    flush();
    return true;
  }

  /** Answers the datagram in slot i, queueing the answer for {@link #flush()}. */
  private void answer(int i, QueryHandler.Worker handler) {
    long header = i * MMSG;
    InetSocketAddress client =
        addresses.get(names, i * NAME, received.get(JAVA_INT, header + Libc.MSG_NAMELEN));
    clients[i] = client;
    if (client == null) {
      return; // not an address of ours: nothing to answer
    }
    try {
      int length = received.get(JAVA_INT, header + Libc.MSG_LEN);
      MemorySegment.copy(slots, JAVA_BYTE, i * SLOT, packet, 0, length);
      replier.slot = i;
      int answer = handler.respond(packet, length, client, false, replier, out);
      if (answer >= 0) {
        MemorySegment.copy(out, 0, slots, JAVA_BYTE, i * SLOT, answer);
        long to = answerCount * MMSG;
        answers.set(JAVA_LONG, to + Libc.MSG_NAME, names.address() + i * NAME);
        answers.set(JAVA_INT, to + Libc.MSG_NAMELEN, received.get(JAVA_INT, header + Libc.MSG_NAMELEN));
        answerIov.set(JAVA_LONG, answerCount * IOV + Libc.IOV_BASE, slots.address() + i * SLOT);
        answerIov.set(JAVA_LONG, answerCount * IOV + Libc.IOV_LEN, answer);
        answerSlot[answerCount++] = i;
      }
    } catch (RuntimeException e) {
      WARNINGS.warn(client.getAddress(), "failed", "UDP request from {} on {} failed", client, local, e);
    }
  }

  /** Sends the queued answers, in order; one that fails is logged and skipped. */
  private void flush() {
    int sent = 0;
    while (sent < answerCount) {
      MemorySegment from = sent == 0 ? answers : answers.asSlice(sent * MMSG);
      int n = Libc.sendmmsg(errno, fd, from, answerCount - sent);
      if (n > 0) {
        sent += n;
        continue;
      }
      int e = Libc.errno(errno);
      if (e != Libc.EINTR) {
        InetSocketAddress to = clients[answerSlot[sent]];
        WARNINGS.warn(to.getAddress(), "send failed", "UDP answer to {} from {} failed: {}", to, local, Libc.describe(e));
        sent++;
      }
    }
    answerCount = 0;
  }

  /**
   * Replies for an extension, during its {@code handle} on the worker's thread, to the datagram
   * being answered. The answers queued before it are sent first, so that a client that pipelines
   * gets its answers in order.
   */
  private final class BatchReplier implements Replier {
    int slot;

    @Override
    public void send(byte[] wire) throws IOException {
      if (Thread.currentThread() != worker) {
        throw new IOException("a UDP request is answered only while it is handled, on its worker");
      }
      if (wire.length > UdpTransport.MAX_DATAGRAM) {
        throw new IOException("message of " + wire.length + " bytes exceeds UDP's 65535");
      }
      flush();
      // The slot's query was copied out before it was handled: its buffer is free.
      MemorySegment.copy(wire, 0, slots, JAVA_BYTE, slot * SLOT, wire.length);
      long n =
          Libc.sendto(
              errno,
              fd,
              slots.asSlice(slot * SLOT, wire.length),
              wire.length,
              names.asSlice(slot * NAME, NAME),
              received.get(JAVA_INT, slot * MMSG + Libc.MSG_NAMELEN));
      if (n < 0) {
        throw new IOException("UDP send to " + clients[slot] + ": " + Libc.describe(Libc.errno(errno)));
      }
    }
  }
}
