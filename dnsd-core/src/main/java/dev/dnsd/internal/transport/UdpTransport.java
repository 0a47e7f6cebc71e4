package dev.dnsd.internal.transport;

import dev.dnsd.Replier;
import dev.dnsd.internal.RateLimitedLog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP on one address: one socket and one thread per worker, all bound to the same port with
 * SO_REUSEPORT where the OS has it, so that the kernel spreads datagrams over the workers and no
 * lock or queue sits between them. Each worker reuses one receive and one send buffer, and its
 * own {@link QueryHandler.Worker}, so that a cached answer costs no allocation of ours.
 */
public final class UdpTransport implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UdpTransport.class);
  private static final RateLimitedLog WARNINGS = new RateLimitedLog(log);
  private static final int MAX_DATAGRAM = 65535;

  private final List<DatagramChannel> channels = new ArrayList<>();
  private final List<Thread> workers = new ArrayList<>();
  private final InetSocketAddress bound;
  private final QueryHandler handler;

  private UdpTransport(InetSocketAddress bound, QueryHandler handler) {
    this.bound = bound;
    this.handler = handler;
  }

  /**
   * Binds the sockets (port 0 picks a free port) and starts the workers.
   *
   * @param address where to listen
   * @param threads the number of workers, each with a socket
   * @param handler answers each request
   * @return the transport, serving
   * @throws IOException when the address cannot be bound
   */
  public static UdpTransport start(InetSocketAddress address, int threads, QueryHandler handler)
      throws IOException {
    DatagramChannel first = open(address, threads > 1);
    InetSocketAddress bound = (InetSocketAddress) first.getLocalAddress();
    UdpTransport transport = new UdpTransport(bound, handler);
    transport.channels.add(first);
    try {
      boolean reusePort = first.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
      for (int i = 1; i < threads; i++) {
        // Without SO_REUSEPORT the workers share the one socket; the kernel still hands each
        // datagram to one of them.
        transport.channels.add(reusePort ? open(bound, true) : first);
      }
    } catch (IOException e) {
      transport.close();
      throw e;
    }
    for (int i = 0; i < transport.channels.size(); i++) {
      DatagramChannel channel = transport.channels.get(i);
      Thread worker = new Thread(() -> transport.serve(channel), "dnsd-udp-" + bound.getPort() + "-" + i);
      worker.setDaemon(true);
      transport.workers.add(worker);
      worker.start();
    }
    return transport;
  }

  private static DatagramChannel open(InetSocketAddress address, boolean reusePort)
      throws IOException {
    ProtocolFamily family =
        address.getAddress() instanceof java.net.Inet6Address
            ? StandardProtocolFamily.INET6
            : StandardProtocolFamily.INET;
    DatagramChannel channel = DatagramChannel.open(family);
    try {
      if (reusePort && channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
        channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      }
      channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
      channel.bind(address);
      return channel;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * The bound address.
   *
   * @return the address, with the port chosen for port 0
   */
  public InetSocketAddress address() {
    return bound;
  }

  private void serve(DatagramChannel channel) {
    UdpWorker worker = new UdpWorker(channel);
    while (channel.isOpen() && worker.serveOne()) {
      // The loop body is a method of its own so that the JIT compiles it as a normal method;
      // a loop that never returns would run as on-stack-replacement code, recompiled whole
      // whenever anything it inlined is deoptimized.
    }
  }

  /** One worker thread's socket, buffers and scratch state. */
  private final class UdpWorker {
    private final DatagramChannel channel;
    private final ByteBuffer input = ByteBuffer.allocate(MAX_DATAGRAM);
    private final byte[] packet = input.array();
    private final ByteBuffer output = ByteBuffer.allocate(MAX_DATAGRAM);
    private final byte[] out = output.array();
    private final QueryHandler.Worker handler = UdpTransport.this.handler.worker();
    private final UdpReplier replier;

    UdpWorker(DatagramChannel channel) {
      this.channel = channel;
      this.replier = new UdpReplier(channel);
    }

    /** Receives and answers one datagram; false once the socket is closed. */
    boolean serveOne() {
      InetSocketAddress client;
      try {
        input.clear();
        client = (InetSocketAddress) channel.receive(input);
      } catch (ClosedChannelException e) {
        return false;
      } catch (IOException e) {
        log.warn("UDP receive on {} failed", bound, e);
        return true;
      }
      int length = input.position();
      try {
        replier.client = client;
        int answer = handler.respond(packet, length, client, false, replier, out);
        if (answer >= 0) {
          output.clear().limit(answer);
          channel.send(output, client);
        }
      } catch (ClosedChannelException e) {
        return false;
      } catch (IOException | RuntimeException e) {
        WARNINGS.warn(client.getAddress(), "failed", "UDP request from {} on {} failed", client, bound, e);
      }
      return true;
    }
  }

  @Override
  public void close() {
    for (DatagramChannel channel : channels) {
      try {
        channel.close();
      } catch (IOException e) {
        log.debug("closing UDP socket {}", bound, e);
      }
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

  /**
   * Replies for an extension, which answers before the worker reads the next datagram; one per
   * worker, pointed at the current request's client.
   */
  private static final class UdpReplier implements Replier {
    private final DatagramChannel channel;
    private InetSocketAddress client = new InetSocketAddress(0);

    UdpReplier(DatagramChannel channel) {
      this.channel = channel;
    }

    @Override
    public void send(byte[] wire) throws IOException {
      channel.send(ByteBuffer.wrap(wire), client);
    }
  }
}
