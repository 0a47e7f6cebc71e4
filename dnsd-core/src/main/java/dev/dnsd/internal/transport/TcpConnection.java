package dev.dnsd.internal.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One connection of a {@link TcpListener}: what a {@link TcpListener.Handler} sees and answers
 * through. Messages are sent with their length prefix added; {@link #send} from a worker thread
 * waits while too much is queued for a client that does not read, so a zone transfer to a slow
 * client holds one worker, not the memory of the whole zone.
 *
 * <p>The loop thread owns the input buffer and the timers, and reads the socket; a sender writes
 * to it itself only while nothing is queued, else queues its output for the loop (see {@link
 * #send(byte[], int, int)}); any thread may ask for a close.
 */
public final class TcpConnection {
  final TcpListener.Loop loop;
  final SocketChannel channel;
  final InetSocketAddress remote;
  final long source;
  final @Nullable TlsLayer tls;
  @Nullable SelectionKey key;

  // Owned by the loop thread.
  ByteBuffer in;
  boolean busy;
  boolean inputEnded;
  long lastActivity;
  long lastWrite;
  long acceptedAt;
  final long serial;

  // Shared with senders; guarded by this.
  private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
  private long queued;
  private boolean flushRequested;

  private volatile int maxMessage;
  private volatile long idleNanos;
  private volatile long deadline; // System.nanoTime() value; 0 for none
  private volatile boolean closed;
  private volatile boolean closeWhenFlushed;
  private volatile boolean evictable = true;
  private volatile @Nullable Object attachment;

  TcpConnection(
      TcpListener.Loop loop, SocketChannel channel, InetSocketAddress remote, long source,
      @Nullable TlsLayer tls, long now, long serial) {
    this.loop = loop;
    this.channel = channel;
    this.remote = remote;
    this.source = source;
    this.tls = tls;
    this.in = ByteBuffer.allocate(TcpListener.INITIAL_BUFFER);
    this.lastActivity = now;
    this.lastWrite = now;
    this.acceptedAt = now;
    this.serial = serial;
    this.maxMessage = loop.limits().maxMessage();
    this.idleNanos = loop.limits().idleTimeout().toNanos();
  }

  /**
   * The client.
   *
   * @return its address and port
   */
  public InetSocketAddress remote() {
    return remote;
  }

  /**
   * Handler state kept with the connection (the sync protocol's handshake, a peer).
   *
   * @return what was attached, or null
   */
  public @Nullable Object attachment() {
    return attachment;
  }

  /**
   * Keeps handler state with the connection.
   *
   * @param value the state, or null to drop it
   */
  public void attach(@Nullable Object value) {
    attachment = value;
  }

  /**
   * Raises (or lowers) the largest message this connection may receive, e.g. once authenticated.
   *
   * @param bytes the largest message
   */
  public void maxMessage(int bytes) {
    maxMessage = bytes;
  }

  int maxMessage() {
    return maxMessage;
  }

  /**
   * How long the connection may be idle (no whole message in, nothing out) before it is closed.
   *
   * @param timeout the idle time
   */
  public void idleTimeout(Duration timeout) {
    idleNanos = timeout.toNanos();
  }

  long idleNanos() {
    return idleNanos;
  }

  /**
   * Closes the connection at this moment unless {@link #clearDeadline()} comes first.
   *
   * @param fromNow how long from now
   */
  public void deadline(Duration fromNow) {
    deadline = System.nanoTime() + Math.max(1, fromNow.toNanos());
  }

  /** Cancels the {@link #deadline}. */
  public void clearDeadline() {
    deadline = 0;
  }

  long deadlineNanos() {
    return deadline;
  }

  /**
   * Whether the connection is closed, by either side.
   *
   * @return true once closed
   */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Sends one message, with its length prefix; see the class comment for when it waits.
   *
   * @param message the message
   * @throws IOException when the connection is closed or the message too long for its prefix
   */
  public void send(byte[] message) throws IOException {
    send(message, 0, message.length);
  }

  /**
   * Sends part of an array as one message.
   *
   * @param message the array
   * @param offset where the message starts
   * @param length its length
   * @throws IOException when the connection is closed or the message too long for its prefix
   */
  public void send(byte[] message, int offset, int length) throws IOException {
    if (queue(framed(message, offset, length))) {
      awaitRoom();
    }
  }

  /**
   * Sends one message without ever waiting, however much is queued: for a sender that must not
   * block (one that runs under a lock of its own) and bounds its output itself, by {@link
   * #queuedMessages()}.
   *
   * @param message the message
   * @throws IOException when the connection is closed or the message too long for its prefix
   */
  public void sendNow(byte[] message) throws IOException {
    queue(framed(message, 0, message.length));
  }

  /**
   * Sends messages in order as {@link #sendNow(byte[])} does, with one write to the socket for
   * all of them while nothing is queued before them: a peer sent many at once wakes once for them.
   *
   * @param messages the messages
   * @throws IOException when the connection is closed or a message too long for its prefix
   */
  public void sendNow(List<byte[]> messages) throws IOException {
    if (messages.isEmpty()) {
      return;
    }
    ByteBuffer[] framed = new ByteBuffer[messages.size()];
    for (int i = 0; i < framed.length; i++) {
      byte[] m = messages.get(i);
      framed[i] = framed(m, 0, m.length);
    }
    queue(framed);
  }

  /**
   * The messages queued for the loop to write, which the socket has not taken whole yet.
   *
   * @return how many
   */
  public synchronized int queuedMessages() {
    return out.size();
  }

  private ByteBuffer framed(byte[] message, int offset, int length) throws IOException {
    int prefix = loop.limits().prefixBytes();
    long maxOut = prefix == 2 ? 0xFFFF : 0x7FFFFFFFL;
    if (length > maxOut) {
      throw new IOException("message of " + length + " bytes is too long for its length prefix");
    }
    ByteBuffer framed = ByteBuffer.allocate(prefix + length);
    if (prefix == 2) {
      framed.putShort((short) length);
    } else {
      framed.putInt(length);
    }
    return framed.put(message, offset, length).flip();
  }

  /**
   * Writes the messages at once when nothing is queued before them (the socket is non-blocking, so
   * this never waits), else queues them for the loop; a partial write queues the rest. Writing on
   * the sender's thread spares the loop a wakeup and the message the wait for it, which is most
   * of a small answer's time on a busy machine. The loop writes only while the queue is not empty
   * and leaves each message in it until written whole, so the two never write at once.
   *
   * @return whether the loop has output of this connection to write (the caller may wait for room)
   */
  private boolean queue(ByteBuffer... framed) throws IOException {
    boolean onLoop = loop.inLoop();
    boolean wake;
    synchronized (this) {
      if (closed) {
        throw new IOException("connection from " + remote + " is closed");
      }
      int written = 0;
      if (out.isEmpty() && tls == null) {
        try {
          if (framed.length == 1) {
            channel.write(framed[0]);
          } else {
            channel.write(framed);
          }
        } catch (IOException e) {
          close();
          throw e;
        }
        while (written < framed.length && !framed[written].hasRemaining()) {
          written++;
        }
        if (written == framed.length) {
          return false;
        }
      }
      for (int i = written; i < framed.length; i++) {
        out.add(framed[i]);
        queued += framed[i].remaining();
      }
      wake = !flushRequested;
      flushRequested = true;
    }
    if (onLoop) {
      loop.flush(this);
      return false;
    }
    if (wake) {
      loop.execute(() -> loop.flush(this));
    }
    return true;
  }

  /** Waits while more than the limit is queued; a client that does not read in time is closed. */
  private void awaitRoom() throws IOException {
    long limit = loop.limits().maxQueuedOutput();
    long timeout = loop.limits().writeTimeout().toNanos();
    synchronized (this) {
      long end = System.nanoTime() + timeout;
      while (queued > limit && !closed) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          close();
          throw new IOException("client " + remote + " did not read its answers in time");
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while sending to " + remote, e);
        }
      }
      if (closed) {
        throw new IOException("connection from " + remote + " is closed");
      }
    }
  }

  /**
   * Never closed to make room for new connections (an authenticated peer); its timeouts still
   * apply.
   */
  public void protect() {
    evictable = false;
  }

  boolean evictable() {
    return evictable;
  }

  /** Reads nothing more and closes once what is queued (an ERROR, say) has been written. */
  public void closeAfterFlush() {
    closeWhenFlushed = true;
    loop.execute(() -> loop.flush(this));
  }

  boolean closeWhenFlushed() {
    return closeWhenFlushed;
  }

  /** Closes the connection; safe from any thread, more than once. */
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      notifyAll();
    }
    loop.execute(() -> loop.closeNow(this));
  }

  // For the loop thread.

  synchronized @Nullable ByteBuffer peekOut() {
    flushRequested = false;
    return out.peek();
  }

  /** Fills the array with the first messages queued; returns how many. */
  synchronized int peekOut(ByteBuffer[] into) {
    flushRequested = false;
    int n = 0;
    for (ByteBuffer b : out) {
      if (n == into.length) {
        break;
      }
      into[n++] = b;
    }
    return n;
  }

  /** The socket took this many bytes of the messages queued: those written whole leave the queue. */
  synchronized void wrote(long bytes) {
    queued -= bytes;
    while (!out.isEmpty() && !out.peek().hasRemaining()) {
      out.poll();
    }
    if (queued <= loop.limits().maxQueuedOutput()) {
      notifyAll();
    }
  }

  synchronized boolean hasOutput() {
    return !out.isEmpty() || (tls != null && tls.hasNetOutput());
  }

  synchronized void markClosed() {
    closed = true;
    out.clear();
    queued = 0;
    notifyAll();
  }

  @Override
  public String toString() {
    return "TcpConnection[" + remote + "]";
  }
}
