package dev.dnsd.examples;

import dev.dnsd.DnsServer;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The smallest embedding: start a server with one zone, change a record from code, and the next
 * query sees it. Run it and dig at the port it prints.
 */
public final class EmbeddedExample {
  private EmbeddedExample() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Name origin = Name.fromString("example.test.");
    Zone zone =
        Zone.of(
            origin,
            java.util.List.of(
                Record.fromString(origin, Type.SOA, DClass.IN, 300, "ns1 hostmaster 1 3600 600 86400 60", origin),
                Record.fromString(origin, Type.NS, DClass.IN, 300, "ns1", origin),
                Record.fromString(Name.fromString("ns1", origin), Type.A, DClass.IN, 300, "127.0.0.1", origin)));

    try (DnsServer server = DnsServer.builder().zone(zone).build().start()) {
      server.commit(
          ChangeSet.builder()
              .add(Record.fromString(Name.fromString("app", origin), Type.A, DClass.IN, 60, "192.0.2.10", origin))
              .build());
      System.out.printf("dig @127.0.0.1 -p %d app.example.test A   (Ctrl-C to stop)%n", server.port());
      Thread.currentThread().join();
    }
  }
}
