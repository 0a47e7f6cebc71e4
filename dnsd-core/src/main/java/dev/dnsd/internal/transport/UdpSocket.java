package dev.dnsd.internal.transport;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * One bound UDP socket of a {@link UdpTransport} and the loop its worker thread runs on it: the
 * portable {@link ChannelSocket}, or on Linux with JDK 22+ the batched {@code MmsgSocket} (in the
 * jar's META-INF/versions/22).
 */
interface UdpSocket {
  InetSocketAddress localAddress();

  /**
   * Whether another socket can be bound to this one's port (SO_REUSEPORT). When it cannot, every
   * worker serves this one socket, and {@link #serve} is called by all of them.
   */
  boolean canReusePort();

  /**
   * Receives and answers datagrams until {@link #close()}; returns then. An error in one datagram
   * is logged and ends nothing.
   */
  void serve(QueryHandler.Worker handler);

  /** Stops {@link #serve} soon, from any thread, and releases the socket. Idempotent. */
  void close();

  /** Opens sockets of one kind. */
  interface Factory {
    /**
     * Binds a socket (port 0 picks a free port).
     *
     * @param reusePort whether other sockets may bind the same port (SO_REUSEPORT)
     * @param batch the most datagrams one system call may receive or send
     * @throws java.net.BindException when the address is taken or cannot be bound
     */
    UdpSocket open(InetSocketAddress address, boolean reusePort, int batch) throws IOException;
  }
}
