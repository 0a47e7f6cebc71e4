package dev.dnsd.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sending on a {@link TcpConnection}: a send writes at once on the sender's thread while nothing
 * is queued, and queues behind what the loop still has to write otherwise. Whichever way a message
 * goes, it must arrive whole and in each sender's order, also while several threads send at once
 * more than the socket takes (so that the loop and the senders take turns writing), and when a
 * sender hands over several at once, which go in one write as far as the socket takes them.
 */
class TcpListenerSendTest {
  private static final int SENDERS = 4;
  private static final int MESSAGES = 1500;
  /** Messages an odd sender sends at once; prime, so that groups start anywhere in the pattern of sizes. */
  private static final int GROUP = 7;

  private final ExecutorService workers = Executors.newCachedThreadPool();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private TcpListener listener;

  @AfterEach
  void close() {
    if (listener != null) {
      listener.close();
    }
    workers.shutdownNow();
  }

  @Test
  void messagesFromSeveralThreadsArriveWholeAndInEachSendersOrder() throws Exception {
    TcpListener.Handler handler =
        new TcpListener.Handler() {
          @Override
          public boolean mayBlock(TcpConnection connection, byte[] buffer, int offset, int length) {
            return false; // started on the loop, which must not wait: the senders are threads of their own
          }

          @Override
          public void handle(TcpConnection connection, byte[] buffer, int offset, int length) {
            for (int s = 0; s < SENDERS; s++) {
              int sender = s;
              workers.execute(() -> send(connection, sender));
            }
          }
        };
    TcpListener.Limits limits =
        new TcpListener.Limits(4, 1024, 8, 8, Duration.ofSeconds(30), Duration.ofSeconds(30), 64 * 1024);
    listener =
        TcpListener.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), limits, null, handler, workers, "send-test");

    try (Socket socket = new Socket()) {
      socket.connect(listener.address(), 5000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(new byte[] {0, 0, 0, 1, 42});
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int[] next = new int[SENDERS];
      for (int received = 0; received < SENDERS * MESSAGES; received++) {
        int length = in.readInt();
        byte[] message = new byte[length];
        in.readFully(message);
        ByteBuffer b = ByteBuffer.wrap(message);
        int sender = b.getInt();
        int seq = b.getInt();
        assertThat(seq).as("message of sender %d", sender).isEqualTo(next[sender]);
        assertThat(length).isEqualTo(size(seq));
        while (b.hasRemaining()) {
          assertThat(b.get()).as("a byte of message %d of sender %d", seq, sender).isEqualTo((byte) (seq + sender));
        }
        next[sender]++;
      }
    }
    assertThat(failures).isEmpty();
  }

  /** Odd senders send groups of messages, each group with one write while nothing is queued. */
  private void send(TcpConnection connection, int sender) {
    try {
      List<byte[]> group = new ArrayList<>();
      for (int seq = 0; seq < MESSAGES; seq++) {
        ByteBuffer b = ByteBuffer.allocate(size(seq)).putInt(sender).putInt(seq);
        while (b.hasRemaining()) {
          b.put((byte) (seq + sender));
        }
        if (sender % 2 == 0) {
          connection.send(b.array());
          continue;
        }
        group.add(b.array());
        if (group.size() == GROUP || seq == MESSAGES - 1) {
          connection.sendNow(group);
          group.clear();
        }
      }
    } catch (IOException | RuntimeException e) {
      failures.add(e);
    }
  }

  /**
   * Mostly small messages, and now and then one of 60 kB: some 12 MB in all, more than the
   * socket's buffers hold, so that output queues for the loop as well.
   */
  private static int size(int seq) {
    return seq % 31 == 0 ? 60_000 + seq : 8 + seq % 300;
  }
}
