package dev.dnsd.internal.transport;

import dev.dnsd.Replier;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over TCP on one address, per RFC 7766: two-byte length prefix, any number of queries on one
 * connection, answered in order as they arrive so a client may pipeline. Each connection has its
 * own thread, so a slow or half-open client stalls only itself; a watchdog closes connections
 * that made no progress (no whole request read, no answer written) within the idle timeout, which
 * also ends clients that trickle bytes or stop reading. Connections above the cap are closed at
 * once.
 */
public final class TcpTransport implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);

  private final ServerSocket server;
  private final QueryHandler handler;
  private final int maxConnections;
  private final long idleNanos;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService watchdog;
  private final Thread acceptor;
  private volatile boolean closing;

  private TcpTransport(ServerSocket server, QueryHandler handler, int maxConnections, Duration idle) {
    this.server = server;
    this.handler = handler;
    this.maxConnections = maxConnections;
    this.idleNanos = idle.toNanos();
    InetSocketAddress bound = (InetSocketAddress) server.getLocalSocketAddress();
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "dnsd-tcp-watchdog-" + bound.getPort()));
    this.acceptor = daemon(this::accept, "dnsd-tcp-accept-" + bound.getPort());
  }

  /**
   * Binds (port 0 picks a free port) and starts accepting.
   *
   * @param address where to listen
   * @param handler answers each request
   * @param maxConnections the most connections open at once
   * @param idleTimeout how long a connection may make no progress
   * @return the transport, accepting
   * @throws IOException when the address cannot be bound
   */
  public static TcpTransport start(
      InetSocketAddress address, QueryHandler handler, int maxConnections, Duration idleTimeout)
      throws IOException {
    ServerSocket server = new ServerSocket();
    try {
      server.setReuseAddress(true);
      server.bind(address, 128);
    } catch (IOException e) {
      server.close();
      throw e;
    }
    TcpTransport transport = new TcpTransport(server, handler, maxConnections, idleTimeout);
    long period = Math.max(10, idleTimeout.toMillis() / 4);
    transport.watchdog.scheduleWithFixedDelay(
        transport::closeStalled, period, period, TimeUnit.MILLISECONDS);
    transport.acceptor.start();
    return transport;
  }

  /**
   * The bound address.
   *
   * @return the address, with the port chosen for port 0
   */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  /**
   * Open connections, for tests and monitoring.
   *
   * @return the count
   */
  public int connectionCount() {
    return connections.size();
  }

  private void accept() {
    while (!closing) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!closing) {
          log.warn("TCP accept on {} failed", address(), e);
        }
        continue;
      }
      if (connections.size() >= maxConnections) {
        log.debug("refusing TCP connection from {}: {} open", socket.getRemoteSocketAddress(), maxConnections);
        closeQuietly(socket);
        continue;
      }
      Connection connection = new Connection(socket);
      connections.add(connection);
      connection.thread = daemon(connection::serve, "dnsd-tcp-" + connection.client);
      connection.thread.start();
    }
  }

  private void closeStalled() {
    long now = System.nanoTime();
    for (Connection c : connections) {
      if (now - c.lastProgress > idleNanos) {
        c.close();
      }
    }
  }

  /**
   * Stops accepting, lets each connection finish the answer it is writing, then closes them all;
   * waits a bounded time. Idempotent.
   */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    closeQuietly(server);
    for (Connection c : connections) {
      c.finish();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    for (Connection c : connections) {
      c.awaitEnd(deadline);
    }
    for (Connection c : connections) {
      c.close();
    }
    watchdog.shutdownNow();
    try {
      acceptor.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Connection implements Replier {
    private final Socket socket;
    private final InetSocketAddress client;
    private volatile long lastProgress = System.nanoTime();
    private volatile @Nullable Thread thread;
    private OutputStream out = OutputStream.nullOutputStream();

    Connection(Socket socket) {
      this.socket = socket;
      this.client = (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    void serve() {
      try (socket) {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(idleNanos)));
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = socket.getOutputStream();
        byte[] buffer = new byte[65535];
        while (!closing || in.available() > 0) {
          int length;
          try {
            length = in.readUnsignedShort();
          } catch (EOFException | SocketTimeoutException e) {
            return;
          }
          in.readFully(buffer, 0, length);
          lastProgress = System.nanoTime();
          byte[] answer = handler.respond(buffer, length, client, true, this);
          if (answer != null) {
            send(answer);
          }
        }
      } catch (EOFException | SocketException e) {
        log.debug("TCP connection from {} ended: {}", client, e.toString());
      } catch (IOException | RuntimeException e) {
        log.warn("TCP connection from {} failed", client, e);
      } finally {
        connections.remove(this);
      }
    }

    @Override
    public void send(byte[] wire) throws IOException {
      if (wire.length > 65535) {
        throw new IOException("message of " + wire.length + " bytes exceeds TCP's 65535");
      }
      byte[] framed = new byte[wire.length + 2];
      framed[0] = (byte) (wire.length >>> 8);
      framed[1] = (byte) wire.length;
      System.arraycopy(wire, 0, framed, 2, wire.length);
      out.write(framed);
      out.flush();
      lastProgress = System.nanoTime();
    }

    /** Lets the connection answer what it has read, then end at its next read. */
    void finish() {
      try {
        socket.shutdownInput();
      } catch (IOException e) {
        close();
      }
    }

    void awaitEnd(long deadlineNanos) {
      long left = deadlineNanos - System.nanoTime();
      Thread t = thread;
      if (left <= 0 || t == null) {
        return;
      }
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void close() {
      closeQuietly(socket);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.debug("close failed", e);
    }
  }
}
