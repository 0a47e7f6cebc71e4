package dev.dnsd.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.DnsServer;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * How an application tests its own DNS-dependent code: a real server on a free loopback port with
 * zones kept in memory, changed from the test and answered at once.
 */
class InMemoryZonesExampleTest {
  private static final Name ORIGIN = Name.fromConstantString("shop.test.");
  private DnsServer server;

  @BeforeEach
  void start() throws IOException {
    Zone zone =
        Zone.of(
            ORIGIN,
            List.of(
                record("@", Type.SOA, "ns hostmaster 1 3600 600 86400 60"),
                record("@", Type.NS, "ns"),
                record("ns", Type.A, "127.0.0.1"),
                record("api", Type.A, "192.0.2.1")));
    server = DnsServer.builder().zone(zone).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void answersFromTheZoneAndSeesAChangeAtOnce() throws IOException {
    assertThat(addressesOf("api.shop.test.")).containsExactly("192.0.2.1");

    server.commit(
        ChangeSet.builder()
            .setRRset(Name.fromConstantString("api.shop.test."), Type.A,
                List.of(record("api", Type.A, "192.0.2.2"), record("api", Type.A, "192.0.2.3")))
            .build());

    assertThat(addressesOf("api.shop.test.")).containsExactlyInAnyOrder("192.0.2.2", "192.0.2.3");
  }

  private List<String> addressesOf(String name) throws IOException {
    Message answer = query(server.address(), Message.newQuery(Record.newRecord(Name.fromConstantString(name), Type.A, DClass.IN)));
    assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
    return answer.getSection(Section.ANSWER).stream()
        .filter(ARecord.class::isInstance)
        .map(r -> ((ARecord) r).getAddress().getHostAddress())
        .toList();
  }

  static Message query(InetSocketAddress server, Message query) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(5000);
      byte[] wire = query.toWire();
      socket.send(new DatagramPacket(wire, wire.length, server));
      byte[] buffer = new byte[65535];
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      socket.receive(packet);
      return new Message(Arrays.copyOf(buffer, packet.getLength()));
    }
  }

  private static Record record(String owner, int type, String rdata) {
    try {
      return Record.fromString(Name.fromString(owner, ORIGIN), type, DClass.IN, 300, rdata, ORIGIN);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
