package dev.dnsd.internal.transport;

import dev.dnsd.Replier;
import dev.dnsd.internal.RateLimitedLog;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portable UDP socket: a {@link DatagramChannel}, one datagram per system call. Each worker
 * reuses one receive and one send buffer, and its own {@link QueryHandler.Worker}, so that a
 * cached answer costs no allocation of ours.
 */
final class ChannelSocket implements UdpSocket {
  private static final Logger log = LoggerFactory.getLogger(ChannelSocket.class);
  private static final RateLimitedLog WARNINGS = new RateLimitedLog(log);

  static final UdpSocket.Factory FACTORY = (address, reusePort, batch) -> open(address, reusePort);

  private final DatagramChannel channel;
  private final InetSocketAddress local;

  private ChannelSocket(DatagramChannel channel) throws IOException {
    this.channel = channel;
    this.local = (InetSocketAddress) channel.getLocalAddress();
  }

  private static ChannelSocket open(InetSocketAddress address, boolean reusePort) throws IOException {
    DatagramChannel channel =
        DatagramChannel.open(
            address.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET);
    try {
      if (reusePort && channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
        channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      }
      channel.setOption(StandardSocketOptions.SO_RCVBUF, UdpTransport.RECEIVE_BUFFER);
      channel.bind(address);
      return new ChannelSocket(channel);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public InetSocketAddress localAddress() {
    return local;
  }

  @Override
  public boolean canReusePort() {
    return channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
  }

  @Override
  public void serve(QueryHandler.Worker handler) {
    Worker worker = new Worker(handler);
    while (channel.isOpen() && worker.serveOne()) {
      // The loop body is a method of its own so that the JIT compiles it as a normal method;
      // a loop that never returns would run as on-stack-replacement code, recompiled whole
      // whenever anything it inlined is deoptimized.
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("closing UDP socket {}", local, e);
    }
  }

  /** One worker thread's buffers and scratch state. */
  private final class Worker {
    private final ByteBuffer input = ByteBuffer.allocate(UdpTransport.MAX_DATAGRAM);
    private final byte[] packet = input.array();
    private final ByteBuffer output = ByteBuffer.allocate(UdpTransport.MAX_DATAGRAM);
    private final byte[] out = output.array();
    private final QueryHandler.Worker handler;
    private final ChannelReplier replier = new ChannelReplier(channel);

    Worker(QueryHandler.Worker handler) {
      this.handler = handler;
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
        log.warn("UDP receive on {} failed", local, e);
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
        WARNINGS.warn(client.getAddress(), "failed", "UDP request from {} on {} failed", client, local, e);
      }
      return true;
    }
  }

  /**
   * Replies for an extension, which answers before the worker reads the next datagram; one per
   * worker, pointed at the current request's client.
   */
  private static final class ChannelReplier implements Replier {
    private final DatagramChannel channel;
    private InetSocketAddress client = new InetSocketAddress(0);

    ChannelReplier(DatagramChannel channel) {
      this.channel = channel;
    }

    @Override
    public void send(byte[] wire) throws IOException {
      channel.send(ByteBuffer.wrap(wire), client);
    }
  }
}
