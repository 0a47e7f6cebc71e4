package dev.dnsd.sync;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * Where one side of a sync connection sends frames: a blocking socket on the client side
 * ({@link FrameChannel}), the primary's event loop on the other ({@link LoopChannel}). Any thread
 * may send; frames never interleave.
 */
interface FrameSink {
  /** Sends a frame; without flush it may wait for the next flushing send or {@link #flush()}. */
  void send(int type, WireWriter body, boolean flush) throws IOException;

  default void send(int type, WireWriter body) throws IOException {
    send(type, body, true);
  }

  void flush() throws IOException;

  /** Sends an ERROR frame if the connection still takes one; never throws. */
  default void sendError(long requestId, SyncException.Reason reason, String message) {
    try {
      send(Protocol.ERROR, new WireWriter().u32(requestId).u8(reason.code).string(message));
    } catch (IOException | RuntimeException e) {
      // The peer is gone or not reading; the error was for it alone.
    }
  }

  boolean isClosed();

  void close();

  SocketAddress remote();
}
