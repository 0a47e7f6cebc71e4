package dev.dnsd.sync;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;

/**
 * A client's connection to a primary as a sequence of frames: a 4-byte length, a type byte, the
 * body, over a blocking socket. Any thread may send (frames never interleave); one thread
 * receives.
 */
final class FrameChannel implements FrameSink, Closeable {
  record Frame(int type, WireReader body) {}

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  private volatile int maxFrame = Protocol.HANDSHAKE_MAX_FRAME;
  private volatile boolean closed;

  FrameChannel(Socket socket) throws IOException {
    this.socket = socket;
    socket.setTcpNoDelay(true);
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
    this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
  }

  /** Raises the frame size limit once the peer is authenticated. */
  void authenticated() {
    maxFrame = Protocol.MAX_FRAME;
  }

  @Override
  public void send(int type, WireWriter body, boolean flush) throws IOException {
    if (body.length() + 1 > Protocol.MAX_FRAME) {
      throw new IOException("message of " + body.length() + " bytes exceeds the frame limit");
    }
    synchronized (out) {
      out.writeInt(body.length() + 1);
      out.writeByte(type);
      out.write(body.buffer(), 0, body.length());
      if (flush) {
        out.flush();
      }
    }
  }

  @Override
  public void flush() throws IOException {
    synchronized (out) {
      out.flush();
    }
  }

  Frame receive() throws IOException {
    int length = in.readInt();
    if (length < 1 || length > maxFrame) {
      throw new ProtocolException("frame length " + length + " outside 1.." + maxFrame);
    }
    int type = in.readUnsignedByte();
    byte[] body = new byte[length - 1];
    in.readFully(body);
    return new Frame(type, new WireReader(body));
  }

  void setReadTimeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  @Override
  public SocketAddress remote() {
    return socket.getRemoteSocketAddress();
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  /** Closes the socket, which also ends a send or receive blocked in another thread. */
  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing left to release.
    }
  }

  static SyncException error(WireReader body) throws ProtocolException {
    body.u32();
    SyncException.Reason reason = SyncException.Reason.of(body.u8());
    return new SyncException(reason, body.string());
  }
}
