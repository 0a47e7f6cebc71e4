package dev.dnsd.internal.transport;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP on one address: one socket and one thread per worker, all bound to the same port with
 * SO_REUSEPORT where the OS has it, so that the kernel spreads datagrams over the workers and no
 * lock or queue sits between them.
 *
 * <p>On Linux (x86-64, aarch64) with JDK 22+ and native access enabled, each worker receives and
 * sends up to {@code batch} datagrams per system call (recvmmsg/sendmmsg through the Foreign
 * Function &amp; Memory API; the classes are in the jar's META-INF/versions/22). Elsewhere, or with a
 * batch of 1, it uses a {@link java.nio.channels.DatagramChannel}, one datagram per call. Which
 * path a transport takes, and why, is logged at debug when it starts.
 */
public final class UdpTransport implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UdpTransport.class);

  /** The largest UDP payload: every receive and answer buffer holds one. */
  static final int MAX_DATAGRAM = 65535;

  /** Asked of the kernel for each socket, which caps it at net.core.rmem_max: room for bursts. */
  static final int RECEIVE_BUFFER = 4 << 20;

  private final List<UdpSocket> sockets = new ArrayList<>();
  private final List<Thread> workers = new ArrayList<>();
  private final InetSocketAddress bound;
  private final boolean batched;

  private UdpTransport(InetSocketAddress bound, boolean batched) {
    this.bound = bound;
    this.batched = batched;
  }

  /**
   * Binds the sockets (port 0 picks a free port) and starts the workers.
   *
   * @param address where to listen
   * @param threads the number of workers, each with a socket
   * @param batch the most datagrams a worker receives or sends per system call; 1 is the portable
   *     path, one datagram per call
   * @param handler answers each request
   * @return the transport, serving
   * @throws IOException when the address cannot be bound
   */
  public static UdpTransport start(
      InetSocketAddress address, int threads, int batch, QueryHandler handler) throws IOException {
    String portable = batch > 1 ? Batching.UNAVAILABLE : "batching is off: udpBatch is 1";
    UdpSocket.Factory factory = portable == null ? Batching.FACTORY : ChannelSocket.FACTORY;
    UdpSocket first = factory.open(address, threads > 1, batch);
    InetSocketAddress bound = first.localAddress();
    UdpTransport transport = new UdpTransport(bound, portable == null);
    transport.sockets.add(first);
    try {
      boolean reusePort = first.canReusePort();
      for (int i = 1; i < threads; i++) {
        // Without SO_REUSEPORT the workers share the one socket; the kernel still hands each
        // datagram to one of them.
        transport.sockets.add(reusePort ? factory.open(bound, true, batch) : first);
      }
    } catch (IOException | RuntimeException e) {
      transport.close();
      throw e;
    }
    if (portable == null) {
      log.debug("UDP on {}: {} workers, recvmmsg/sendmmsg of up to {} datagrams", bound, threads, batch);
    } else {
      log.debug("UDP on {}: {} workers, one datagram per system call ({})", bound, threads, portable);
    }
    String name = (portable == null ? "dnsd-udp-batch-" : "dnsd-udp-") + bound.getPort() + "-";
    for (int i = 0; i < transport.sockets.size(); i++) {
      UdpSocket socket = transport.sockets.get(i);
      Thread worker = new Thread(() -> socket.serve(handler.worker()), name + i);
      worker.setDaemon(true);
      transport.workers.add(worker);
      worker.start();
    }
    return transport;
  }

  /**
   * The bound address.
   *
   * @return the address, with the port chosen for port 0
   */
  public InetSocketAddress address() {
    return bound;
  }

  /**
   * Whether the workers receive and send batches (recvmmsg/sendmmsg).
   *
   * @return true when batched
   */
  public boolean batched() {
    return batched;
  }

  /**
   * Why this JVM has no batched UDP (the JDK, the OS, native access not enabled, a failed probe
   * of the system calls), or null when it has.
   *
   * @return the reason, or null
   */
  public static @Nullable String batchingUnavailable() {
    return Batching.UNAVAILABLE;
  }

  /** Closes the sockets, which wakes the workers, and waits a bounded time for them. */
  @Override
  public void close() {
    for (UdpSocket socket : sockets) {
      socket.close();
    }
    for (Thread worker : workers) {
      try {
        worker.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The batched sockets' factory, looked for once per JVM. */
  private static final class Batching {
    static final UdpSocket.@Nullable Factory FACTORY;
    /** Why {@link #FACTORY} is null; null when it is not. */
    static final @Nullable String UNAVAILABLE;

    static {
      UdpSocket.Factory factory = null;
      String why;
      try {
        factory = load();
        why = null;
      } catch (UnsupportedOperationException e) {
        why = e.getMessage();
      }
      FACTORY = factory;
      UNAVAILABLE = why;
    }

    private static UdpSocket.Factory load() {
      Runtime.Version jdk = Runtime.version();
      if (jdk.feature() < 22) {
        throw new UnsupportedOperationException(
            "batching needs the Foreign Function & Memory API of JDK 22+, this is JDK " + jdk);
      }
      String os = System.getProperty("os.name", "?");
      String arch = System.getProperty("os.arch", "?");
      if (!os.equals("Linux") || !List.of("amd64", "x86_64", "aarch64").contains(arch)) {
        throw new UnsupportedOperationException(
            "batching is for Linux on x86-64 and aarch64, this is " + os + " on " + arch);
      }
      try {
        // Only in META-INF/versions/22 of the jar: no class of that name is seen below JDK 22.
        return Class.forName(UdpTransport.class.getPackageName() + ".MmsgSocket$Opener")
            .asSubclass(UdpSocket.Factory.class)
            .getDeclaredConstructor()
            .newInstance();
      } catch (ClassNotFoundException e) {
        throw new UnsupportedOperationException(
            "this dnsd-core was built without its JDK 22 classes (Maven ran on an older JDK)");
      } catch (InvocationTargetException e) {
        // The opener's constructor refuses, saying why: native access, libc, a failed probe.
        Throwable cause = e.getCause();
        throw new UnsupportedOperationException(
            cause instanceof UnsupportedOperationException ? cause.getMessage() : String.valueOf(cause));
      } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
        throw new UnsupportedOperationException("batched UDP could not be loaded: " + e);
      }
    }
  }
}
