package dev.dnsd.server;

import dev.dnsd.zone.Zone;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/** The small zone a new server answers for when it was given no zones, so there is something to dig. */
final class DemoZone {
  static final Name ORIGIN = Name.fromConstantString("demo.test.");

  private static final String TEXT =
      """
      $TTL 300
      @       IN SOA  ns1 hostmaster 1 3600 600 86400 300
      @       IN NS   ns1
      @       IN A    127.0.0.1
      @       IN AAAA ::1
      @       IN MX   10 mail
      @       IN TXT  "served by dnsd"
      ns1     IN A    127.0.0.1
      mail    IN A    127.0.0.2
      www     IN CNAME @
      *.dyn   IN A    127.0.0.3
      """;

  private DemoZone() {}

  static Zone zone() {
    List<Record> records = new ArrayList<>();
    try (Master master =
        new Master(new ByteArrayInputStream(TEXT.getBytes(StandardCharsets.UTF_8)), ORIGIN)) {
      for (Record r; (r = master.nextRecord()) != null; ) {
        records.add(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the built-in demo zone does not parse", e);
    }
    return Zone.of(ORIGIN, records);
  }
}
