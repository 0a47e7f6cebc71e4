package dev.dnsd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.zone.Zone;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Response rate limiting over real UDP on loopback: 20,000 identical queries from one source in
 * about two seconds, against a limit of 100 a second with slip 2.
 */
class RateLimitFloodTest {
  @Test
  @DisplayName("a one-source flood gets the configured rate of answers, and every second limited one slips")
  void oneSourceFlood() throws Exception {
    List<Record> records = new ArrayList<>(TestRecords.zoneRecords(TestRecords.ORIGIN, 1));
    records.add(TestRecords.rr("www", 300, "TXT", "\"" + "amplify ".repeat(20) + "\""));
    RateLimit limit = RateLimit.builder().responsesPerSecond(100).slip(2).build();
    try (DnsServer server =
            DnsServer.builder().zone(Zone.of(TestRecords.ORIGIN, records)).rateLimit(limit).build().start();
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      socket.setReceiveBufferSize(4 << 20);
      socket.setSoTimeout(3000);
      AtomicLong lastAnswer = new AtomicLong();
      AtomicInteger full = new AtomicInteger();
      AtomicInteger truncated = new AtomicInteger();
      AtomicInteger other = new AtomicInteger();
      Thread reader =
          new Thread(
              () -> {
                byte[] buf = new byte[65535];
                while (true) {
                  DatagramPacket p = new DatagramPacket(buf, buf.length);
                  try {
                    socket.receive(p);
                    lastAnswer.set(System.nanoTime());
                    Message m = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
                    if (m.getRcode() != Rcode.NOERROR) {
                      other.incrementAndGet();
                    } else if (m.getHeader().getFlag(Flags.TC)) {
                      truncated.incrementAndGet();
                    } else {
                      full.incrementAndGet();
                    }
                  } catch (SocketTimeoutException e) {
                    return; // three seconds of silence after the flood: all is in
                  } catch (Exception e) {
                    other.incrementAndGet();
                  }
                }
              });
      reader.start();
      byte[] query = TestDns.query("www.example.com.", Type.TXT).toWire();
      long start = System.nanoTime();
      int sent = 0;
      while (sent < 20_000) {
        socket.send(new DatagramPacket(query, query.length, server.address()));
        sent++;
        if (sent % 100 == 0) {
          // About 10,000 a second: pace so that the flood lasts two seconds.
          long due = start + sent * 100_000L;
          while (System.nanoTime() < due) {
            Thread.onSpinWait();
          }
        }
      }
      long sendingEnded = System.nanoTime();
      reader.join(60_000);
      // The server's own counts, which loopback's losses under load do not change: every query
      // it read was answered, dropped or slipped. Its full answers all left before the last
      // answer the reader got (or before sending ended, if that was later).
      double seconds = (Math.max(sendingEnded, lastAnswer.get()) - start) / 1e9;
      ServerStatistics stats = server.statistics();
      ServerStatistics.RateLimiting held = stats.rateLimiting();
      long limited = held.dropped() + held.slipped();
      long answered = stats.queries().udp() - limited;

      assertThat(other.get()).isZero();
      // A second's worth at the start, and nothing more while the flood keeps the account down.
      assertThat(answered).as("full answers in %.1f s", seconds).isBetween(100L, (long) (100 * (seconds + 1)));
      assertThat(limited).as("limited of %d sent", sent).isGreaterThan(sent / 4);
      // Every second limited answer slips (as TC); the rest are dropped.
      assertThat(held.slipped()).as("slipped of %d limited", limited).isBetween(limited / 2 - 1, limited / 2 + 1);
      // What reached the client is what the server sent, less what loopback lost.
      assertThat(full.get()).isPositive().isLessThanOrEqualTo((int) answered);
      assertThat(truncated.get()).isPositive().isLessThanOrEqualTo((int) held.slipped());
    }
  }
}
