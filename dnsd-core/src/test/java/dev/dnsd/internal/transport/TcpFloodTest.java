package dev.dnsd.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.DnsServer;
import dev.dnsd.TestDns;
import dev.dnsd.TestRecords;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * DNS over TCP under a connection flood, on loopback: 1,000 idle connections held from twenty
 * networks (127.0.1.x) and 300 attackers from ten others (127.0.2.x) reconnecting as fast as they
 * can, while a legitimate client (127.0.0.1) asks one query per connection. Bounded: the flood
 * runs for a few seconds.
 */
class TcpFloodTest {
  private static final int HELD = 1000;
  private static final int ATTACKERS = 300;
  private static final int TRIES = 200;

  private DnsServer server;
  private final List<Socket> held = new ArrayList<>();
  private final AtomicBoolean flooding = new AtomicBoolean(true);
  private final List<Thread> attackers = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    flooding.set(false);
    for (Thread t : attackers) {
      t.join(10_000);
    }
    for (Socket s : held) {
      closeQuietly(s);
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  @DisplayName("legitimate TCP queries are answered within 1 s during an idle-connection flood")
  void legitimateQueriesAnsweredDuringAFlood() throws Exception {
    List<org.xbill.DNS.Record> records = new ArrayList<>(TestRecords.zoneRecords(TestRecords.ORIGIN, 1));
    records.add(TestRecords.rr("www", 300, "A", "192.0.2.1"));
    server = DnsServer.builder().zone(Zone.of(TestRecords.ORIGIN, records)).build().start();
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
    for (int i = 0; i < HELD; i++) {
      Socket s = new Socket();
      s.bind(new InetSocketAddress(InetAddress.getByName("127.0.1." + (1 + i % 20)), 0));
      s.connect(address, 5000);
      held.add(s);
    }
    AtomicLong reconnects = new AtomicLong();
    int perThread = ATTACKERS / 6;
    for (int t = 0; t < 6; t++) {
      int first = t * perThread;
      Thread attacker = new Thread(() -> attack(address, first, perThread, reconnects), "attacker-" + t);
      attacker.setDaemon(true);
      attackers.add(attacker);
      attacker.start();
    }

    int answered = 0;
    Message query = TestDns.query("www.example.com.", org.xbill.DNS.Type.A);
    for (int i = 0; i < TRIES; i++) {
      try (Socket s = new Socket()) {
        s.setSoTimeout(1000);
        long start = System.nanoTime();
        s.connect(address, 1000);
        TestDns.write(s, query.toWire());
        Message answer = new Message(TestDns.read(s));
        if (answer.getRcode() == Rcode.NOERROR && System.nanoTime() - start <= 1_000_000_000L) {
          answered++;
        }
      } catch (IOException e) {
        // Not answered within the second: counted as a failure.
      }
    }

    assertThat(reconnects.get()).as("the attackers reconnected throughout").isGreaterThan(ATTACKERS);
    assertThat(answered).as("answered of %d", TRIES).isGreaterThanOrEqualTo(TRIES * 99 / 100);
    long tcpThreads =
        Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("dnsd-tcp")).count();
    assertThat(tcpThreads).as("threads serving TCP").isLessThanOrEqualTo(20);
  }

  /** Keeps {@code count} connections open from its networks, closing the oldest to open a new one. */
  private void attack(InetSocketAddress address, int first, int count, AtomicLong reconnects) {
    Deque<Socket> open = new ArrayDeque<>();
    try {
      int n = first;
      while (flooding.get()) {
        if (open.size() >= count) {
          closeQuietly(open.removeFirst());
        }
        Socket s = new Socket();
        try {
          s.bind(new InetSocketAddress(InetAddress.getByName("127.0.2." + (1 + n++ % 10)), 0));
          s.connect(address, 1000);
          open.addLast(s);
          reconnects.incrementAndGet();
        } catch (IOException e) {
          closeQuietly(s);
        }
      }
    } finally {
      open.forEach(TcpFloodTest::closeQuietly);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Closing anyway.
    }
  }
}
