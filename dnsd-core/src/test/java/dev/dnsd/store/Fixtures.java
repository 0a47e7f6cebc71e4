package dev.dnsd.store;

import dev.dnsd.zone.Zone;
import java.io.IOException;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Records and zones for the store tests. */
final class Fixtures {
  static final Name ORIGIN = name("example.com.");

  private Fixtures() {}

  static Name name(String s) {
    try {
      return Name.fromString(s, ORIGIN == null ? Name.root : ORIGIN);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A record from master-file text, its owner relative to example.com. */
  static Record rr(String owner, long ttl, String type, String data) {
    try {
      return Record.fromString(name(owner), Type.value(type), DClass.IN, ttl, data, ORIGIN);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static List<Record> zoneRecords(Name origin, long serial) {
    try {
      return List.of(
          Record.fromString(origin, Type.SOA, DClass.IN, 3600, "ns1 hostmaster " + serial + " 7200 3600 1209600 300", origin),
          Record.fromString(origin, Type.NS, DClass.IN, 3600, "ns1", origin));
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Record a(String owner, int i) {
    return rr(owner, 300, "A", "10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255));
  }

  /** The zone as text, TTLs included (Record.equals ignores them). */
  static List<String> dump(Zone zone) {
    return zone.records().stream().map(Record::toString).toList();
  }
}
