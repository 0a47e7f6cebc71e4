package dev.dnsd.internal.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * TLS for one connection of the event loop, with the JDK's {@link SSLEngine}: received bytes are
 * unwrapped into the connection's input, output is wrapped record by record. Its buffers start
 * small and grow to a TLS record's size only when records of that size arrive, so a client that
 * connects and says nothing costs little. Used by the loop thread only.
 */
final class TlsLayer {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final SSLEngine engine;
  /** Received, not yet unwrapped; in write mode. */
  private ByteBuffer netIn = ByteBuffer.allocate(2048);
  /** Wrapped, not yet written; each in read mode. */
  private final ArrayDeque<ByteBuffer> netOut = new ArrayDeque<>();

  TlsLayer(SSLContext context) {
    this.engine = context.createSSLEngine();
    engine.setUseClientMode(false);
  }

  boolean handshaking() {
    SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
    return hs != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
        && hs != SSLEngineResult.HandshakeStatus.FINISHED;
  }

  boolean hasNetOutput() {
    return !netOut.isEmpty();
  }

  @Nullable ByteBuffer peekNet() {
    return netOut.peek();
  }

  void pollNet() {
    netOut.poll();
  }

  /**
   * Reads what the socket has and unwraps it into {@code c.in}, growing that buffer when a record
   * needs more room; returns the bytes read from the socket, -1 at its end or TLS close.
   */
  int read(SocketChannel channel, TcpConnection c) throws IOException {
    if (!netIn.hasRemaining()) {
      grow(Math.max(netIn.capacity() * 2, engine.getSession().getPacketBufferSize()));
    }
    int n = channel.read(netIn);
    if (n < 0) {
      return -1;
    }
    return unwrap(c) ? n : -1;
  }

  /** Unwraps what is buffered; false once the peer closed TLS. */
  private boolean unwrap(TcpConnection c) throws SSLException {
    netIn.flip();
    try {
      while (true) {
        SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
        if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
          runTasks();
          continue;
        }
        if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
          wrapOnce(EMPTY);
          continue;
        }
        if (!netIn.hasRemaining()) {
          return true;
        }
        SSLEngineResult r = engine.unwrap(netIn, c.in);
        switch (r.getStatus()) {
          case BUFFER_OVERFLOW -> {
            ByteBuffer bigger =
                ByteBuffer.allocate(c.in.position() + engine.getSession().getApplicationBufferSize());
            c.in.flip();
            bigger.put(c.in);
            c.in = bigger;
          }
          case BUFFER_UNDERFLOW -> {
            int need = engine.getSession().getPacketBufferSize();
            if (netIn.capacity() < need) {
              netIn.compact();
              grow(need);
              netIn.flip();
            }
            return true; // a partial record: wait for the rest
          }
          case CLOSED -> {
            return false;
          }
          case OK -> {
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0
                && engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
              return true;
            }
          }
        }
      }
    } finally {
      netIn.compact();
    }
  }

  /** Wraps application bytes into TLS records, queued for the socket. */
  void wrap(ByteBuffer app) throws SSLException {
    while (app.hasRemaining()) {
      wrapOnce(app);
    }
  }

  private void wrapOnce(ByteBuffer app) throws SSLException {
    ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    SSLEngineResult r = engine.wrap(app, net);
    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
      throw new SSLException("TLS session closed");
    }
    net.flip();
    if (net.hasRemaining()) {
      netOut.add(net);
    }
    if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
      runTasks();
    }
  }

  private void runTasks() {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run(); // key exchange: CPU only, a few milliseconds
    }
  }

  private void grow(int capacity) {
    ByteBuffer bigger = ByteBuffer.allocate(capacity);
    netIn.flip();
    bigger.put(netIn);
    netIn = bigger;
  }
}
