package dev.dnsd.sync;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP relay between a sync client and a primary, which a test can cut, stall (a dead
 * peer that keeps the connection open), make cut each connection after some bytes, and read the
 * bytes clients sent through it.
 */
final class TcpProxy implements AutoCloseable {
  private final InetSocketAddress target;
  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<ByteArrayOutputStream> sent = new CopyOnWriteArrayList<>();
  private final List<AtomicLong> primaryReads = new CopyOnWriteArrayList<>();
  private final AtomicLong cutAfter = new AtomicLong(Long.MAX_VALUE);
  private final Object pauseLock = new Object();
  private volatile boolean paused;
  private volatile int receiveBuffer;
  private volatile boolean closed;

  TcpProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "test-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
  }

  /** Closes every connection open now; new ones are relayed as before. */
  void cut() {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
    sockets.clear();
  }

  /** Stops relaying bytes (connections stay open, as with a dead peer) until {@link #resume()}. */
  void pause() {
    paused = true;
  }

  void resume() {
    synchronized (pauseLock) {
      paused = false;
      pauseLock.notifyAll();
    }
  }

  /**
   * Gives each later connection to the primary a receive buffer of this size, so that a pause
   * stalls the primary after a few MB, not after the tens of MB a buffer grows to by itself.
   */
  void receiveBuffer(int bytes) {
    receiveBuffer = bytes;
  }

  /** Cuts each later connection once this many bytes came from the primary. */
  void cutEachConnectionAfter(long bytes) {
    cutAfter.set(bytes);
  }

  /** What each connection's client sent, in order of connection. */
  List<ByteArrayOutputStream> clientBytes() {
    return sent;
  }

  /**
   * How many reads of each connection's socket to the primary returned bytes, in order of
   * connection: a burst the primary wrote at once comes in one read, if it fits the relay's buffer.
   */
  List<AtomicLong> primaryReads() {
    return primaryReads;
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket();
        if (receiveBuffer > 0) {
          upstream.setReceiveBufferSize(receiveBuffer);
        }
        upstream.connect(target);
        sockets.add(client);
        sockets.add(upstream);
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        sent.add(record);
        AtomicLong reads = new AtomicLong();
        primaryReads.add(reads);
        pump(client, upstream, record, Long.MAX_VALUE, new AtomicLong());
        pump(upstream, client, null, cutAfter.get(), reads);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(
      Socket from, Socket to, @org.jspecify.annotations.Nullable ByteArrayOutputStream record, long limit,
      AtomicLong reads) {
    Thread t =
        new Thread(
            () -> {
              long total = 0;
              byte[] buf = new byte[64 * 1024];
              try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                  reads.incrementAndGet();
                  synchronized (pauseLock) {
                    while (paused) {
                      pauseLock.wait();
                    }
                  }
                  int allowed = (int) Math.min(n, limit - total);
                  out.write(buf, 0, allowed);
                  if (record != null) {
                    synchronized (record) {
                      record.write(buf, 0, allowed);
                    }
                  }
                  total += allowed;
                  if (total >= limit) {
                    break;
                  }
                }
              } catch (IOException | InterruptedException e) {
                // connection over
              } finally {
                close(from);
                close(to);
              }
            },
            "test-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void close(java.io.Closeable s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() {
    closed = true;
    close(server);
    resume();
    cut();
  }
}
