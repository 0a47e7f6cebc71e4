package dev.dnsd.server;

import com.google.protobuf.CodedOutputStream;
import dev.dnsd.QueryListener;
import dev.dnsd.ReceivedQuery;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Opcode;

/**
 * {@code --dnstap-file} and {@code --dnstap-socket}: every request and the answer to it as dnstap
 * messages (the schema of dnstap.info: an AUTH_QUERY and an AUTH_RESPONSE, UPDATE_QUERY and
 * UPDATE_RESPONSE for UPDATE), in Frame Streams framing, the format BIND, Knot, NSD and Unbound
 * write and {@code dnstap-read} reads. To a file (unidirectional: START, data frames, STOP), or to
 * the Unix socket of a collector (bidirectional: READY, ACCEPT, START, ..., STOP, FINISH), which
 * is connected again when it goes away.
 *
 * <pre>{@code
 * try (DnstapLog dnstap = DnstapLog.toFile(Path.of("dnsd.dnstap"))) {
 *   DnsServer server = DnsServer.builder().queryListener(dnstap).build().start();
 *   ...
 * }
 * }</pre>
 *
 * <p>The transport threads only encode the messages (with protobuf-java's wire encoder, the
 * schema's field numbers below) and hand them to a bounded queue; one thread of its own writes
 * them. When the disk or the collector is slower than the queries, messages are dropped and
 * counted, never queued without bound, and the answers are not held back.
 */
final class DnstapLog implements QueryListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DnstapLog.class);

  /** The Frame Streams content type of dnstap. */
  static final String CONTENT_TYPE = "protobuf:dnstap.Dnstap";
  /** Messages waiting for the writer at most: about 4 MiB of typical ones. */
  static final int QUEUE = 16_384;
  private static final long RECONNECT_MILLIS = 2_000;
  /** How long a collector may take to answer READY or STOP. */
  private static final long ANSWER_MILLIS = 5_000;

  // Frame Streams control frames.
  private static final int ACCEPT = 1;
  private static final int START = 2;
  private static final int STOP = 3;
  private static final int READY = 4;
  private static final int FINISH = 5;
  private static final int FIELD_CONTENT_TYPE = 1;

  // dnstap.proto: Dnstap and Message fields and enum values.
  private static final int DNSTAP_VERSION = 2;
  private static final int DNSTAP_MESSAGE = 14;
  private static final int DNSTAP_TYPE = 15;
  private static final int TYPE_MESSAGE = 1;
  private static final int M_TYPE = 1;
  private static final int M_SOCKET_FAMILY = 2;
  private static final int M_SOCKET_PROTOCOL = 3;
  private static final int M_QUERY_ADDRESS = 4;
  private static final int M_RESPONSE_ADDRESS = 5;
  private static final int M_QUERY_PORT = 6;
  private static final int M_RESPONSE_PORT = 7;
  private static final int M_QUERY_TIME_SEC = 8;
  private static final int M_QUERY_TIME_NSEC = 9;
  private static final int M_QUERY_MESSAGE = 10;
  private static final int M_RESPONSE_TIME_SEC = 12;
  private static final int M_RESPONSE_TIME_NSEC = 13;
  private static final int M_RESPONSE_MESSAGE = 14;
  static final int AUTH_QUERY = 1;
  static final int AUTH_RESPONSE = 2;
  static final int UPDATE_QUERY = 13;
  static final int UPDATE_RESPONSE = 14;
  private static final int INET = 1;
  private static final int INET6 = 2;
  private static final int UDP = 1;
  private static final int TCP = 2;

  /** The end of the queue: the writer stops there. */
  private static final byte[] END = new byte[0];

  private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final byte[] version = ("dnsd " + Version.get()).getBytes(StandardCharsets.UTF_8);
  private final String where;
  private final Thread writer;
  private volatile boolean closed;

  private DnstapLog(String where, Sink sink) {
    this.where = where;
    this.writer = new Thread(() -> write(sink), "dnsd-dnstap");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Writes to a file, replacing it.
   *
   * @throws IOException when the file cannot be created
   */
  static DnstapLog toFile(Path file) throws IOException {
    OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
    DataOutputStream data = new DataOutputStream(out);
    control(data, START, true);
    data.flush();
    return new DnstapLog(file.toString(), new FileSink(data));
  }

  /** Sends to a collector's Unix socket, which need not be listening yet. */
  static DnstapLog toSocket(Path socket) {
    return new DnstapLog(socket.toString(), new SocketSink(socket));
  }

  /** Messages dropped because the writer was behind or the collector away. */
  long dropped() {
    return dropped.get();
  }

  /** Whether the writer thread still runs: after {@link #close()}, only if a sink would not let go. */
  boolean writing() {
    return writer.isAlive();
  }

  @Override
  public void received(ReceivedQuery q) {
    if (closed) {
      return;
    }
    boolean update = q.opcode() == Opcode.UPDATE;
    offer(encode(q, update ? UPDATE_QUERY : AUTH_QUERY, version));
    if (q.response() != null) {
      offer(encode(q, update ? UPDATE_RESPONSE : AUTH_RESPONSE, version));
    }
  }

  private void offer(byte[] frame) {
    if (!queue.offer(frame) && dropped.getAndIncrement() % 100_000 == 0) {
      log.warn("dnstap to {} is behind; dropping messages ({} so far)", where, dropped.get());
    }
  }

  /** One dnstap message of the given type, as protobuf bytes. */
  static byte[] encode(ReceivedQuery q, int type, byte[] version) {
    try {
      ByteArrayOutputStream m = new ByteArrayOutputStream(q.wire().length * 2 + 96);
      CodedOutputStream msg = CodedOutputStream.newInstance(m);
      msg.writeEnum(M_TYPE, type);
      InetSocketAddress client = q.client();
      msg.writeEnum(M_SOCKET_FAMILY, client.getAddress() instanceof Inet4Address ? INET : INET6);
      msg.writeEnum(M_SOCKET_PROTOCOL, q.transport() == ReceivedQuery.Transport.UDP ? UDP : TCP);
      msg.writeByteArray(M_QUERY_ADDRESS, client.getAddress().getAddress());
      msg.writeByteArray(M_RESPONSE_ADDRESS, q.server().getAddress().getAddress());
      msg.writeUInt32(M_QUERY_PORT, client.getPort());
      msg.writeUInt32(M_RESPONSE_PORT, q.server().getPort());
      Instant received = q.receivedAt();
      msg.writeUInt64(M_QUERY_TIME_SEC, received.getEpochSecond());
      msg.writeFixed32(M_QUERY_TIME_NSEC, received.getNano());
      byte[] response = q.response();
      if (type == AUTH_QUERY || type == UPDATE_QUERY || response == null) {
        msg.writeByteArray(M_QUERY_MESSAGE, q.wire());
      } else {
        Instant answered = q.answeredAt();
        msg.writeUInt64(M_RESPONSE_TIME_SEC, answered.getEpochSecond());
        msg.writeFixed32(M_RESPONSE_TIME_NSEC, answered.getNano());
        msg.writeByteArray(M_RESPONSE_MESSAGE, response);
      }
      msg.flush();
      ByteArrayOutputStream d = new ByteArrayOutputStream(m.size() + version.length + 16);
      CodedOutputStream dnstap = CodedOutputStream.newInstance(d);
      dnstap.writeByteArray(DNSTAP_VERSION, version);
      dnstap.writeByteArray(DNSTAP_MESSAGE, m.toByteArray());
      dnstap.writeEnum(DNSTAP_TYPE, TYPE_MESSAGE);
      dnstap.flush();
      return d.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
  }

  /** A control frame: the escape, its length, its type and (START, READY, ACCEPT) the content type. */
  static void control(DataOutputStream out, int type, boolean contentType) throws IOException {
    byte[] ct = CONTENT_TYPE.getBytes(StandardCharsets.US_ASCII);
    out.writeInt(0);
    out.writeInt(contentType ? 4 + 4 + 4 + ct.length : 4);
    out.writeInt(type);
    if (contentType) {
      out.writeInt(FIELD_CONTENT_TYPE);
      out.writeInt(ct.length);
      out.write(ct);
    }
  }

  /** The writer thread: frames from the queue to the sink until the end. */
  private void write(Sink sink) {
    try {
      while (true) {
        byte[] frame = queue.take();
        if (frame == END) {
          break;
        }
        DataOutputStream out = sink.out();
        if (out == null) {
          dropped.incrementAndGet();
          continue;
        }
        try {
          out.writeInt(frame.length);
          out.write(frame);
          if (queue.isEmpty()) {
            out.flush();
          }
        } catch (IOException e) {
          dropped.incrementAndGet();
          sink.failed(e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      sink.close();
    }
  }

  /** Writes what is queued, then STOP, and closes the file or the connection. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      queue.put(END);
      writer.join(2 * ANSWER_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (dropped.get() > 0) {
      log.warn("dnstap to {}: {} messages dropped in all", where, dropped.get());
    }
  }

  /** Where the frames go. Called on the writer thread only. */
  private interface Sink {
    /** The stream to write frames to, or null while there is none (a collector away). */
    @Nullable DataOutputStream out();

    void failed(IOException e);

    /** STOP, and FINISH where the protocol has one. */
    void close();
  }

  private record FileSink(DataOutputStream out) implements Sink {
    @Override
    public void failed(IOException e) {
      log.warn("dnstap: cannot write: {}", e.toString());
    }

    @Override
    public void close() {
      try (out) {
        control(out, STOP, false);
      } catch (IOException e) {
        log.warn("dnstap: cannot finish the file: {}", e.toString());
      }
    }
  }

  /** A collector's Unix socket: connected when needed, at most every few seconds. */
  private static final class SocketSink implements Sink {
    private final Path path;
    private @Nullable SocketChannel channel;
    private @Nullable DataOutputStream out;
    private long nextAttempt;
    private boolean warned;

    SocketSink(Path path) {
      this.path = path;
    }

    @Override
    public @Nullable DataOutputStream out() {
      if (out == null && System.nanoTime() - nextAttempt >= 0) {
        connect();
      }
      return out;
    }

    private void connect() {
      SocketChannel c = null;
      try {
        c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(path));
        DataOutputStream o = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(c), 64 * 1024));
        control(o, READY, true);
        o.flush();
        expect(c, ACCEPT);
        control(o, START, true);
        o.flush();
        channel = c;
        out = o;
        warned = false;
        log.info("dnstap: connected to {}", path);
      } catch (IOException e) {
        closeQuietly(c);
        nextAttempt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECONNECT_MILLIS);
        if (!warned) {
          warned = true;
          log.warn("dnstap: cannot connect to {} ({}); trying again every {} ms, dropping messages meanwhile",
              path, e.toString(), RECONNECT_MILLIS);
        }
      }
    }

    /**
     * Reads a control frame of the given type; its fields are not needed. A collector that does
     * not answer within {@link #ANSWER_MILLIS} is given up on, so that it cannot stop the writer.
     */
    private static void expect(SocketChannel c, int type) throws IOException {
      ByteBuffer head = ByteBuffer.allocate(12);
      read(c, head);
      head.flip();
      if (head.getInt() != 0) {
        throw new IOException("the collector sent a data frame, not a control frame");
      }
      int length = head.getInt();
      if (length < 4 || length > 512) {
        throw new IOException("control frame of " + length + " bytes from the collector");
      }
      int got = head.getInt();
      read(c, ByteBuffer.allocate(length - 4));
      if (got != type) {
        throw new IOException("the collector sent control frame " + got + ", not " + type);
      }
    }

    private static void read(SocketChannel c, ByteBuffer into) throws IOException {
      c.configureBlocking(false);
      try (Selector selector = Selector.open()) {
        c.register(selector, SelectionKey.OP_READ);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ANSWER_MILLIS);
        while (into.hasRemaining()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new IOException("no answer from the collector in " + ANSWER_MILLIS + " ms");
          }
          selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
          selector.selectedKeys().clear();
          if (c.read(into) < 0) {
            throw new EOFException("the collector closed the connection");
          }
        }
      } finally {
        c.configureBlocking(true); // the selector, closed, has let go of the channel
      }
    }

    @Override
    public void failed(IOException e) {
      log.warn("dnstap: the connection to {} failed ({}); connecting again", path, e.toString());
      closeQuietly(channel);
      channel = null;
      out = null;
      nextAttempt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECONNECT_MILLIS);
    }

    @Override
    public void close() {
      SocketChannel c = channel;
      DataOutputStream o = out;
      if (c == null || o == null) {
        return;
      }
      try {
        control(o, STOP, false);
        o.flush();
        expect(c, FINISH);
      } catch (IOException e) {
        log.debug("dnstap: no FINISH from {}", path, e);
      } finally {
        closeQuietly(c);
      }
    }

    private static void closeQuietly(@Nullable SocketChannel c) {
      if (c != null) {
        try {
          c.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    }
  }
}
