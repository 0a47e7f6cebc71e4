package dev.dnsd.internal.transport;

import dev.dnsd.internal.ClientPrefix;
import dev.dnsd.internal.RateLimitedLog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP on one address, served by an event loop: one selector thread accepts, reads and writes
 * every connection, so an idle or slow client costs a socket and a small buffer, never a thread.
 * Each connection's bytes are cut into messages by a length prefix (2 bytes for DNS, RFC 1035
 * §4.2.2; 4 for the sync protocol) and given to the {@link Handler} one at a time, in order. A
 * message whose handling may block (a zone transfer, a commit) is handled on the worker executor;
 * the connection is not read meanwhile, which also bounds what one client can queue up.
 *
 * <pre>{@code
 * TcpListener listener = TcpListener.start(address, limits, null, handler, workers, "dnsd-tcp");
 * ...
 * listener.close();
 * }</pre>
 *
 * <p>Limits ({@link Limits}): connections in all and per source network (/32, /64); when either
 * is full, the connection idle longest of that source, else of all, is closed to make room (RFC
 * 7766 §6.2.2 and §6.2.3), and only when none is idle is the new one refused. A connection that
 * completes no message for the idle timeout, counted from its last message or the end of its
 * handling, is closed (which also ends clients that trickle bytes), as is one whose output makes
 * no progress for the write timeout (a client that does not read). Input buffers start at {@value #INITIAL_BUFFER} bytes and grow only as a
 * message's bytes arrive. The loop survives any error, out of memory included, and logs it.
 */
public final class TcpListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TcpListener.class);
  private static final RateLimitedLog WARNINGS = new RateLimitedLog(log);

  static final int INITIAL_BUFFER = 512;
  /** How often the loop looks for connections past a timeout. */
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /**
   * What one listener allows.
   *
   * @param prefixBytes the length prefix of each message: 2 or 4
   * @param maxMessage the largest message a client may send (a connection may raise its own)
   * @param maxConnections connections open at once in all
   * @param maxPerSource connections open at once from one /32 (IPv4) or /64 (IPv6)
   * @param idleTimeout no whole message in and no output for this long: closed
   * @param writeTimeout output waiting without progress for this long: closed
   * @param maxQueuedOutput bytes queued for a connection before a sending worker waits
   */
  public record Limits(
      int prefixBytes,
      int maxMessage,
      int maxConnections,
      int maxPerSource,
      Duration idleTimeout,
      Duration writeTimeout,
      int maxQueuedOutput) {
    private void check() {
      if (prefixBytes != 2 && prefixBytes != 4) {
        throw new IllegalArgumentException("prefixBytes must be 2 or 4: " + prefixBytes);
      }
      if (maxConnections < 1 || maxPerSource < 1) {
        throw new IllegalArgumentException("connection limits must be positive");
      }
    }
  }

  /** What a listener does with the messages of its connections. */
  public interface Handler {
    /**
     * Whether handling this message may block; if so {@link #handle} runs on a worker thread,
     * else on the event loop, which it must then not hold up.
     *
     * @param connection where the message came from
     * @param buffer holds the message
     * @param offset where it starts
     * @param length its length
     * @return whether to handle it on a worker
     */
    boolean mayBlock(TcpConnection connection, byte[] buffer, int offset, int length);

    /**
     * Handles one whole message, the bytes from {@code offset}; they are valid only until this
     * returns. Sends answers through the connection. An exception closes the connection.
     *
     * @param connection where the message came from
     * @param buffer holds the message
     * @param offset where it starts
     * @param length its length
     * @throws IOException to close the connection
     */
    void handle(TcpConnection connection, byte[] buffer, int offset, int length) throws IOException;

    /**
     * The connection was accepted; runs on the event loop.
     *
     * @param connection the new connection
     */
    default void accepted(TcpConnection connection) {}

    /**
     * The connection was closed, for whatever reason; runs on the event loop.
     *
     * @param connection the closed connection
     */
    default void closed(TcpConnection connection) {}
  }

  private final Loop loop;
  private final ServerSocketChannel server;
  private final InetSocketAddress bound;

  private TcpListener(Loop loop, ServerSocketChannel server) throws IOException {
    this.loop = loop;
    this.server = server;
    this.bound = (InetSocketAddress) server.getLocalAddress();
  }

  /**
   * Binds (port 0 picks a free port) and starts the loop.
   *
   * @param address where to listen
   * @param limits what the listener allows
   * @param tls TLS for each connection, or null for plain TCP
   * @param handler handles each message
   * @param workers runs the messages that may block
   * @param name names the loop's thread
   * @return the listener, accepting
   * @throws IOException when the address cannot be bound
   */
  public static TcpListener start(
      InetSocketAddress address, Limits limits, @Nullable SSLContext tls, Handler handler,
      Executor workers, String name) throws IOException {
    limits.check();
    ServerSocketChannel server = ServerSocketChannel.open();

    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(address, 1024);
      server.configureBlocking(false);
      Loop loop = new Loop(server, limits, tls, handler, workers);
      TcpListener listener = new TcpListener(loop, server);
      Thread thread = new Thread(loop, name + "-" + listener.bound.getPort());
      thread.setDaemon(true);
      loop.thread = thread;
      thread.start();
      return listener;
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * The bound address.
   *
   * @return the address, with the port chosen
   */
  public InetSocketAddress address() {
    return bound;
  }

  /**
   * Open connections, for tests and monitoring.
   *
   * @return how many are open
   */
  public int connectionCount() {
    return loop.count;
  }

  /**
   * What the listener's connections came to since it started, for statistics.
   *
   * @param open connections open now
   * @param accepted connections accepted
   * @param refused connections closed at once, every connection being busy at a limit
   * @param evicted idle connections closed to make room for a new one
   */
  public record Counts(int open, long accepted, long refused, long evicted) {}

  /**
   * The connection counts now.
   *
   * @return the counts
   */
  public Counts counts() {
    return new Counts(loop.count, loop.accepted, loop.refused, loop.evicted);
  }

  /**
   * Stops accepting, gives the connections up to two seconds to finish what they are writing
   * (reading nothing more), then closes them all. Idempotent.
   */
  @Override
  public void close() {
    loop.shutdown();
  }

  /** The event loop; every field not marked otherwise is the loop thread's alone. */
  static final class Loop implements Runnable {
    private final ServerSocketChannel server;
    private final Limits limits;
    private final @Nullable SSLContext tls;
    private final Handler handler;
    private final Executor workers;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Connections in order of last activity, the longest idle first. */
    private final LinkedHashSet<TcpConnection> byActivity = new LinkedHashSet<>();
    private final Map<Long, Integer> perSource = new HashMap<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    /** The messages of one gathering write. */
    private final ByteBuffer[] gather = new ByteBuffer[64];
    volatile int count;
    // Written by the loop thread alone, so an increment loses nothing; read by counts().
    volatile long accepted;
    volatile long refused;
    volatile long evicted;
    volatile @Nullable Thread thread;
    private volatile boolean closing;
    private long closingDeadline;
    private long nextTick;
    private long serials;
    private long acceptPausedUntil;

    Loop(ServerSocketChannel server, Limits limits, @Nullable SSLContext tls, Handler handler, Executor workers)
        throws IOException {
      this.server = server;
      this.limits = limits;
      this.tls = tls;
      this.handler = handler;
      this.workers = workers;
      this.selector = Selector.open();
      server.register(selector, SelectionKey.OP_ACCEPT);
    }

    Limits limits() {
      return limits;
    }

    boolean inLoop() {
      return Thread.currentThread() == thread;
    }

    /** Runs a task on the loop thread, soon. */
    void execute(Runnable task) {
      tasks.add(task);
      selector.wakeup();
    }

    @Override
    public void run() {
      try {
        while (true) {
          try {
            if (!turn()) {
              return;
            }
          } catch (Throwable t) { // an OutOfMemoryError too: the loop must outlive it
            WARNINGS.warn(server.socket().getInetAddress(), "loop", "TCP event loop on {} recovered from {}",
                server.socket().getLocalSocketAddress(), t.toString());
          }
        }
      } finally {
        for (TcpConnection c : List.copyOf(byActivity)) {
          closeNow(c);
        }
        try {
          selector.close();
          server.close();
        } catch (IOException e) {
          log.debug("closing TCP listener", e);
        }
        ended.countDown();
      }
    }

    /** One round of the loop; false when it is over. */
    private boolean turn() throws IOException {
      long now = System.nanoTime();
      if (closing && (byActivity.isEmpty() || now - closingDeadline >= 0)) {
        return false;
      }
      selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(TICK_NANOS)));
      Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
      while (keys.hasNext()) {
        SelectionKey key = keys.next();
        keys.remove();
        try {
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            accept();
            continue;
          }
          TcpConnection c = (TcpConnection) key.attachment();
          if (key.isWritable()) {
            flush(c);
          }
          if (key.isValid() && key.isReadable()) {
            read(c);
          }
        } catch (CancelledKeyException e) {
          // Closed meanwhile.
        }
      }
      Runnable task;
      while ((task = tasks.poll()) != null) {
        task.run();
      }
      now = System.nanoTime();
      if (now - nextTick >= 0) {
        nextTick = now + TICK_NANOS;
        sweep(now);
      }
      return true;
    }

    private void accept() throws IOException {
      long now = System.nanoTime();
      if (acceptPausedUntil != 0 && now - acceptPausedUntil < 0) {
        return;
      }
      for (int i = 0; i < 64; i++) {
        SocketChannel channel;
        try {
          channel = server.accept();
        } catch (IOException e) {
          // Out of file descriptors, most likely: let connections close before trying again.
          WARNINGS.warn(server.socket().getInetAddress(), "accept", "TCP accept on {} failed: {}",
              server.socket().getLocalSocketAddress(), e.toString());
          pauseAccepting(now);
          return;
        }
        if (channel == null) {
          return;
        }
        admit(channel, now);
      }
    }

    private void pauseAccepting(long now) {
      acceptPausedUntil = now + TimeUnit.MILLISECONDS.toNanos(100);
      SelectionKey key = server.keyFor(selector);
      if (key != null) {
        key.interestOps(0);
      }
      execute(this::resumeAcceptingLater);
    }

    private void resumeAcceptingLater() {
      if (System.nanoTime() - acceptPausedUntil >= 0) {
        acceptPausedUntil = 0;
        SelectionKey key = server.keyFor(selector);
        if (key != null && key.isValid()) {
          key.interestOps(SelectionKey.OP_ACCEPT);
        }
      } else {
        tasks.add(this::resumeAcceptingLater); // checked again on the next turn
      }
    }

    private void admit(SocketChannel channel, long now) {
      InetSocketAddress remote;
      try {
        remote = (InetSocketAddress) channel.getRemoteAddress();
      } catch (IOException e) {
        closeQuietly(channel);
        return;
      }
      if (closing || remote == null) {
        closeQuietly(channel);
        return;
      }
      long source = ClientPrefix.of(remote.getAddress(), 32, 64);
      if (perSource.getOrDefault(source, 0) >= limits.maxPerSource() && !evictIdle(source)) {
        refuse(channel, remote, "too many connections from its network");
        return;
      }
      if (count >= limits.maxConnections() && !evictIdle(null)) {
        refuse(channel, remote, "too many connections");
        return;
      }
      TcpConnection c;
      try {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        c = new TcpConnection(this, channel, remote, source, tls == null ? null : new TlsLayer(tls), now, serials++);
        c.key = channel.register(selector, SelectionKey.OP_READ, c);
      } catch (IOException e) {
        closeQuietly(channel);
        return;
      }
      byActivity.add(c);
      perSource.merge(source, 1, Integer::sum);
      count++;
      accepted++;
      handler.accepted(c);
    }

    private void refuse(SocketChannel channel, InetSocketAddress remote, String why) {
      refused++;
      log.debug("refusing TCP connection from {}: {}", remote, why);
      closeQuietly(channel);
    }

    /**
     * Closes the connection idle longest (of the source, or of all when null) to make room; false
     * when every such connection is busy.
     */
    private boolean evictIdle(@Nullable Long source) {
      // Each pass either ends or leaves one more connection not idle, so count + 1 passes do.
      for (int pass = count; pass >= 0; pass--) {
        TcpConnection candidate = null;
        for (TcpConnection c : byActivity) {
          if ((source == null || c.source == source) && isIdle(c)) {
            candidate = c;
            break;
          }
        }
        if (candidate == null) {
          return false;
        }
        // A client whose message waits in the socket unread is not idle: the loop has not got
        // to it yet only because this accept came first. Read it now, as the loop would.
        read(candidate);
        if (candidate.isClosed()) {
          return true; // it had ended: its room is free
        }
        if (isIdle(candidate)) {
          log.debug("closing idle TCP connection from {} to make room", candidate.remote);
          evicted++;
          closeNow(candidate);
          return true;
        }
      }
      return false;
    }

    private static boolean isIdle(TcpConnection c) {
      return c.evictable() && !c.busy && c.in.position() == 0 && !c.hasOutput();
    }

    private void touch(TcpConnection c, long now) {
      c.lastActivity = now;
      byActivity.remove(c);
      byActivity.add(c);
    }

    private void read(TcpConnection c) {
      if (c.busy || c.inputEnded || c.closeWhenFlushed()) {
        return;
      }
      int n;
      try {
        if (c.tls != null) {
          n = c.tls.read(c.channel, c);
          flush(c); // the handshake may have something to say
        } else {
          if (!c.in.hasRemaining()) {
            // process() leaves room for the message being read, so this is only a safety net.
            grow(c, Math.min(c.in.capacity() * 2, limits.prefixBytes() + c.maxMessage()));
          }
          n = c.channel.read(c.in);
        }
      } catch (IOException e) {
        log.debug("TCP read from {} failed: {}", c.remote, e.toString());
        closeNow(c);
        return;
      }
      if (n < 0) {
        endOfInput(c);
        return;
      }
      process(c);
    }

    /** The client closed its side: answer what it sent, then close. */
    private void endOfInput(TcpConnection c) {
      c.inputEnded = true;
      interest(c, 0, SelectionKey.OP_READ);
      if (!c.busy && !c.hasOutput()) {
        closeNow(c);
      }
    }

    /** Hands every whole message in the buffer to the handler, in order. */
    private void process(TcpConnection c) {
      int prefix = limits.prefixBytes();
      while (!c.busy && !c.isClosed() && !c.closeWhenFlushed()) {
        int have = c.in.position();
        if (have < prefix) {
          return;
        }
        byte[] b = c.in.array();
        long length =
            prefix == 2
                ? (b[0] & 0xFF) << 8 | (b[1] & 0xFF)
                : (b[0] & 0xFFL) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
        if (length > c.maxMessage()) {
          WARNINGS.warn(c.remote.getAddress(), "oversize", "closing TCP connection from {}: a {}-byte message, more than {}",
              c.remote, length, c.maxMessage());
          closeNow(c);
          return;
        }
        int whole = prefix + (int) length;
        if (have < whole) {
          if (c.in.capacity() < whole) {
            grow(c, Math.min(whole, Math.max(c.in.capacity() * 2, have + 1)));
          }
          return;
        }
        touch(c, System.nanoTime());
        if (handler.mayBlock(c, b, prefix, (int) length)) {
          c.busy = true;
          interest(c, 0, SelectionKey.OP_READ);
          byte[] copy = Arrays.copyOfRange(b, prefix, whole);
          try {
            workers.execute(() -> handleOnWorker(c, copy, whole));
          } catch (RejectedExecutionException e) {
            closeNow(c);
          }
          return;
        }
        try {
          handler.handle(c, b, prefix, (int) length);
        } catch (IOException | RuntimeException e) {
          log.debug("TCP message from {} failed: {}", c.remote, e.toString());
          closeNow(c);
          return;
        }
        consume(c, whole);
      }
    }

    private void handleOnWorker(TcpConnection c, byte[] message, int whole) {
      try {
        handler.handle(c, message, 0, message.length);
      } catch (IOException e) {
        log.debug("TCP message from {} failed: {}", c.remote, e.toString());
        c.close();
      } catch (RuntimeException e) {
        WARNINGS.warn(c.remote.getAddress(), "failed", "TCP message from {} failed", c.remote, e);
        c.close();
      } finally {
        execute(() -> resume(c, whole));
      }
    }

    private void resume(TcpConnection c, int whole) {
      if (c.isClosed()) {
        return;
      }
      c.busy = false;
      consume(c, whole);
      touch(c, System.nanoTime());
      if (c.inputEnded) {
        if (!c.hasOutput()) {
          closeNow(c);
        }
        return;
      }
      interest(c, SelectionKey.OP_READ, 0);
      process(c);
    }

    /** Drops a handled message from the buffer, and a grown buffer once it is no longer needed. */
    private void consume(TcpConnection c, int whole) {
      int rest = c.in.position() - whole;
      byte[] b = c.in.array();
      if (c.in.capacity() > INITIAL_BUFFER * 8 && rest <= INITIAL_BUFFER) {
        ByteBuffer small = ByteBuffer.allocate(INITIAL_BUFFER);
        small.put(b, whole, rest);
        c.in = small;
      } else {
        System.arraycopy(b, whole, b, 0, rest);
        c.in.position(rest);
      }
    }

    private static void grow(TcpConnection c, int capacity) {
      ByteBuffer bigger = ByteBuffer.allocate(capacity);
      c.in.flip();
      bigger.put(c.in);
      c.in = bigger;
    }

    /** Writes what is queued for the connection, as far as the socket takes it. */
    void flush(TcpConnection c) {
      if (c.isClosed() && !c.hasOutput()) {
        return;
      }
      long now = System.nanoTime();
      SelectionKey key = c.key;
      if (key != null && key.isValid() && (key.interestOps() & SelectionKey.OP_WRITE) == 0) {
        c.lastWrite = now; // not waiting for the socket until now: the write timeout starts here
      }
      try {
        while (true) {
          TlsLayer tls = c.tls;
          if (tls != null) {
            ByteBuffer net = tls.peekNet();
            if (net != null) {
              int w = c.channel.write(net);
              if (w > 0) {
                c.lastWrite = now;
              }
              if (net.hasRemaining()) {
                interest(c, SelectionKey.OP_WRITE, 0);
                return;
              }
              tls.pollNet();
              continue;
            }
            if (tls.handshaking()) {
              break; // application data waits for the handshake
            }
            ByteBuffer head = c.peekOut();
            if (head == null) {
              break;
            }
            int bytes = head.remaining();
            tls.wrap(head);
            c.wrote(bytes);
            continue;
          }
          // Everything queued in one system call: a burst of small messages (a stream of changes,
          // pipelined answers) goes out together.
          int n = c.peekOut(gather);
          if (n == 0) {
            break;
          }
          long w = c.channel.write(gather, 0, n);
          boolean all = !gather[n - 1].hasRemaining();
          Arrays.fill(gather, 0, n, null);
          if (w > 0) {
            c.lastWrite = now;
          }
          c.wrote(w);
          if (!all) {
            interest(c, SelectionKey.OP_WRITE, 0);
            return;
          }
        }
      } catch (IOException e) {
        log.debug("TCP write to {} failed: {}", c.remote, e.toString());
        closeNow(c);
        return;
      }
      interest(c, 0, SelectionKey.OP_WRITE);
      if (c.isClosed() || ((c.inputEnded || c.closeWhenFlushed()) && !c.busy)) {
        closeNow(c);
      }
    }

    private static void interest(TcpConnection c, int add, int remove) {
      SelectionKey key = c.key;
      if (key != null && key.isValid()) {
        key.interestOps((key.interestOps() | add) & ~remove);
      }
    }

    /** Closes connections past a timeout, and at shutdown those with nothing left to write. */
    private void sweep(long now) {
      long writeTimeout = limits.writeTimeout().toNanos();
      List<TcpConnection> expired = new ArrayList<>();
      for (TcpConnection c : byActivity) {
        long deadline = c.deadlineNanos();
        boolean output = c.hasOutput();
        if ((deadline != 0 && now - deadline >= 0)
            || (output && now - c.lastWrite > writeTimeout)
            || (!c.busy && !output && now - c.lastActivity > c.idleNanos())
            || ((closing || c.closeWhenFlushed()) && !c.busy && !output)) {
          expired.add(c);
        }
      }
      expired.forEach(this::closeNow);
    }

    void closeNow(TcpConnection c) {
      if (!byActivity.remove(c)) {
        c.markClosed();
        return;
      }
      count--;
      perSource.computeIfPresent(c.source, (k, v) -> v <= 1 ? null : v - 1);
      c.markClosed();
      SelectionKey key = c.key;
      if (key != null) {
        key.cancel();
      }
      closeQuietly(c.channel);
      try {
        handler.closed(c);
      } catch (RuntimeException e) {
        log.warn("closing TCP connection from {} failed", c.remote, e);
      }
    }

    void shutdown() {
      if (closing) {
        awaitEnd();
        return;
      }
      execute(
          () -> {
            closing = true;
            closingDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            SelectionKey key = server.keyFor(selector);
            if (key != null) {
              key.cancel();
            }
            closeQuietly(server);
            for (TcpConnection c : List.copyOf(byActivity)) {
              interest(c, 0, SelectionKey.OP_READ); // answer what was read, read nothing more
              if (!c.busy && !c.hasOutput()) {
                closeNow(c);
              }
            }
          });
      awaitEnd();
    }

    private void awaitEnd() {
      Thread t = thread;
      if (t == null || t == Thread.currentThread()) {
        return;
      }
      try {
        if (!ended.await(5, TimeUnit.SECONDS)) {
          log.warn("TCP listener did not stop within 5 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
      try {
        channel.close();
      } catch (IOException e) {
        // Nothing left to release.
      }
    }
  }
}
