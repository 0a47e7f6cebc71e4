package dev.dnsd.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP relay between a secondary process and its primary that cuts connections: the
 * first few after a number of bytes from the primary, or all open ones when told.
 */
final class CuttingProxy implements AutoCloseable {
  private final int targetPort;
  private final ServerSocket server;
  private final long cutAfterBytes;
  private final int connectionsToCut;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger cutShort = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  /** Relays to the port; the first {@code connectionsToCut} connections end after that many bytes. */
  CuttingProxy(int targetPort, long cutAfterBytes, int connectionsToCut) throws IOException {
    this.targetPort = targetPort;
    this.cutAfterBytes = cutAfterBytes;
    this.connectionsToCut = connectionsToCut;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "test-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Connections that ended because the proxy cut them after the byte limit. */
  int cutShort() {
    return cutShort.get();
  }

  /** Closes every connection open now; later ones are relayed as before. */
  void cut() {
    for (Socket s : sockets) {
      close(s);
    }
    sockets.clear();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(upstream);
        boolean limited = connections.incrementAndGet() <= connectionsToCut;
        pump(client, upstream, Long.MAX_VALUE);
        pump(upstream, client, limited ? cutAfterBytes : Long.MAX_VALUE);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, long limit) {
    Thread t = new Thread(() -> {
      long total = 0;
      byte[] buf = new byte[8192];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buf)) > 0; ) {
          int allowed = (int) Math.min(n, limit - total);
          out.write(buf, 0, allowed);
          total += allowed;
          if (total >= limit) {
            cutShort.incrementAndGet();
            break;
          }
        }
      } catch (IOException e) {
        // the connection is over
      } finally {
        close(from);
        close(to);
      }
    }, "test-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    cut();
  }
}
