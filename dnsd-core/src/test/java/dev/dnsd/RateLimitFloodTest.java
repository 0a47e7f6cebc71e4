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
      socket.setSoTimeout(1000);
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
                    Message m = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
                    if (m.getRcode() != Rcode.NOERROR) {
                      other.incrementAndGet();
                    } else if (m.getHeader().getFlag(Flags.TC)) {
                      truncated.incrementAndGet();
                    } else {
                      full.incrementAndGet();
                    }
                  } catch (SocketTimeoutException e) {
                    return; // a second of silence after the flood: all is in
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
      double seconds = (System.nanoTime() - start) / 1e9;
      reader.join(30_000);

      int limited = sent - full.get();
      assertThat(other.get()).isZero();
      // A second's worth at the start, and nothing more while the flood keeps the account down.
      assertThat(full.get()).as("full answers in %.1f s", seconds).isBetween(100, (int) (100 * (seconds + 1)));
      // Every second limited answer slips (as TC); the rest are dropped. UDP on loopback may lose
      // a few under load, so the count is checked within 5 %.
      assertThat(truncated.get()).as("TC answers of %d limited", limited)
          .isBetween((int) (limited / 2 * 0.95), limited / 2 + 1);
    }
  }
}
