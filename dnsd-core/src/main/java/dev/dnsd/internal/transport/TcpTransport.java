package dev.dnsd.internal.transport;

import dev.dnsd.Replier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * DNS over TCP on one address, per RFC 7766: two-byte length prefix, any number of queries on one
 * connection, answered in order as they arrive so a client may pipeline. Connections live on a
 * {@link TcpListener} event loop, which also answers ordinary queries itself (the responder does
 * not block); requests an extension takes (zone transfers, UPDATE, NOTIFY, signed queries), which
 * may block on the store or on a slow client, are answered on a small pool of workers.
 */
public final class TcpTransport implements AutoCloseable {
  /** Workers for requests that may block; more wait in a queue, and beyond that are refused. */
  private static final int WORKERS = 16;
  private static final int QUEUED = 1024;
  /** Output queued for one client before an extension sending a transfer waits for it to read. */
  private static final int MAX_QUEUED_OUTPUT = 256 * 1024;

  private final TcpListener listener;
  private final ThreadPoolExecutor workers;

  private TcpTransport(TcpListener listener, ThreadPoolExecutor workers) {
    this.listener = listener;
    this.workers = workers;
  }

  /**
   * Binds (port 0 picks a free port) and starts the event loop.
   *
   * @param address where to listen
   * @param handler answers each request
   * @param maxConnections connections in all
   * @param maxPerSource connections from one /32 or /64
   * @param idleTimeout how long a connection may go without a whole query in or an answer out,
   *     and how long an answer may wait for a client that does not read it
   * @return the transport, accepting
   * @throws IOException when the address cannot be bound
   */
  public static TcpTransport start(
      InetSocketAddress address, QueryHandler handler, int maxConnections, int maxPerSource, Duration idleTimeout)
      throws IOException {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor workers =
        new ThreadPoolExecutor(
            WORKERS, WORKERS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED),
            r -> {
              Thread t = new Thread(r, "dnsd-tcp-worker-" + address.getPort() + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    workers.allowCoreThreadTimeOut(true);
    TcpListener.Limits limits =
        new TcpListener.Limits(2, 65535, maxConnections, maxPerSource, idleTimeout, idleTimeout, MAX_QUEUED_OUTPUT);
    try {
      TcpListener listener = TcpListener.start(address, limits, null, new Dns(handler), workers, "dnsd-tcp");
      return new TcpTransport(listener, workers);
    } catch (IOException | RuntimeException e) {
      workers.shutdownNow();
      throw e;
    }
  }

  /**
   * The bound address.
   *
   * @return the address, with the port chosen for port 0
   */
  public InetSocketAddress address() {
    return listener.address();
  }

  /**
   * Open connections, for tests and monitoring.
   *
   * @return the count
   */
  public int connectionCount() {
    return listener.connectionCount();
  }

  /**
   * What the connections came to since the transport started.
   *
   * @return the counts
   */
  public TcpListener.Counts counts() {
    return listener.counts();
  }

  /** Stops accepting, lets each connection finish the answers being written, then closes. */
  @Override
  public void close() {
    listener.close();
    workers.shutdownNow();
  }

  /** Queries in, answers out, one connection's at a time. */
  private static final class Dns implements TcpListener.Handler {
    private final QueryHandler handler;
    // The loop thread's: a query is copied here so that it starts at offset 0, and answered here.
    // mayBlock runs on the loop too.
    private final byte[] packet = new byte[65535];
    private final byte[] out = new byte[65535];
    private QueryHandler.@org.jspecify.annotations.Nullable Worker loopWorker;

    Dns(QueryHandler handler) {
      this.handler = handler;
    }

    @Override
    public void accepted(TcpConnection connection) {
      Replier replier = connection::send;
      connection.attach(replier);
    }

    @Override
    public boolean mayBlock(TcpConnection connection, byte[] buffer, int offset, int length) {
      System.arraycopy(buffer, offset, packet, 0, length);
      return loopWorker().mayBlock(packet, length);
    }

    private QueryHandler.Worker loopWorker() {
      QueryHandler.Worker worker = loopWorker;
      if (worker == null) {
        worker = handler.worker();
        loopWorker = worker;
      }
      return worker;
    }

    @Override
    public void handle(TcpConnection connection, byte[] buffer, int offset, int length) throws IOException {
      Replier replier = (Replier) connection.attachment();
      if (replier == null) {
        return;
      }
      if (!connection.loop.inLoop()) {
        // On a worker, with a copy of its own: it may block, and may answer many times.
        byte[] query = offset == 0 && length == buffer.length ? buffer : Arrays.copyOfRange(buffer, offset, offset + length);
        byte[] answer = handler.respond(query, length, connection.remote(), true, replier);
        if (answer != null) {
          connection.send(answer);
        }
        return;
      }
      System.arraycopy(buffer, offset, packet, 0, length);
      int n = loopWorker().respond(packet, length, connection.remote(), true, replier, out);
      if (n >= 0) {
        connection.send(out, 0, n);
      }
    }
  }
}
