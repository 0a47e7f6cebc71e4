package dev.dnsd.sync;

import dev.dnsd.internal.transport.TcpConnection;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.List;

/**
 * The primary's side of a sync connection, on the event loop that holds every connection: a frame
 * is queued whole and written as the peer takes it. A sender waits only when much is queued for a
 * peer that does not read (a secondary fed a large snapshot), and the loop closes a peer that
 * stops reading for too long.
 */
final class LoopChannel implements FrameSink {
  private final TcpConnection connection;

  LoopChannel(TcpConnection connection) {
    this.connection = connection;
  }

  @Override
  public void send(int type, WireWriter body, boolean flush) throws IOException {
    connection.send(frame(type, body));
  }

  /**
   * Sends a frame without ever waiting, for a sender under a lock (a store's change listener); it
   * bounds what is queued itself, by {@link #queuedFrames()}.
   */
  void sendNow(byte[] frame) throws IOException {
    connection.sendNow(frame);
  }

  /** Sends frames as {@link #sendNow(byte[])} does, with one write to the socket for all. */
  void sendNow(List<byte[]> frames) throws IOException {
    connection.sendNow(frames);
  }

  /** Frames queued that the peer's socket has not taken yet. */
  int queuedFrames() {
    return connection.queuedMessages();
  }

  /** A frame's type and body, as {@link #sendNow} takes them. */
  static byte[] frame(int type, WireWriter body) throws IOException {
    if (body.length() + 1 > Protocol.MAX_FRAME) {
      throw new IOException("message of " + body.length() + " bytes exceeds the frame limit");
    }
    byte[] frame = new byte[body.length() + 1];
    frame[0] = (byte) type;
    System.arraycopy(body.buffer(), 0, frame, 1, body.length());
    return frame;
  }

  @Override
  public void flush() {
    // Every frame is on its way once queued.
  }

  @Override
  public boolean isClosed() {
    return connection.isClosed();
  }

  @Override
  public void close() {
    connection.close();
  }

  @Override
  public SocketAddress remote() {
    return connection.remote();
  }
}
