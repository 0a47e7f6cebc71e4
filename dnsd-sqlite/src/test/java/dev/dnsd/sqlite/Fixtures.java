package dev.dnsd.sqlite;

import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Zones and records for the tests, written the way a zone file would have them. */
final class Fixtures {
  private Fixtures() {}

  static Name name(String text) {
    try {
      return Name.fromString(text);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  static Record record(String owner, int type, long ttl, String rdata) {
    try {
      return Record.fromString(name(owner), type, DClass.IN, ttl, rdata, Name.root);
    } catch (IOException e) {
      throw new UncheckedIOException(owner + " " + Type.string(type) + " " + rdata, e);
    }
  }

  static Record a(String owner, String address) {
    return record(owner, Type.A, 300, address);
  }

  /** The SOA and NS a zone needs to be valid. */
  static List<Record> apex(String origin) {
    List<Record> out = new ArrayList<>();
    out.add(record(origin, Type.SOA, 3600, "ns1." + origin + " hostmaster." + origin + " 1 7200 900 1209600 300"));
    out.add(record(origin, Type.NS, 3600, "ns1." + origin));
    return out;
  }

  /** The apex records and more. */
  static List<Record> zone(String origin, Record... more) {
    List<Record> records = apex(origin);
    records.addAll(List.of(more));
    return records;
  }

  static ChangeSet createZone(String origin, Record... more) {
    return ChangeSet.builder().createZone(name(origin), zone(origin, more)).build();
  }

  /**
   * A zone table as text, record by record, TTL and case included, for exact comparison. Records
   * are sorted by their text: an RRset is a set, and the store does not promise an order in it.
   */
  static List<String> dump(ZoneTable table) {
    List<String> out = new ArrayList<>();
    out.add("version " + table.version());
    for (Zone zone : table.zones()) {
      out.add("zone " + zone.origin());
      List<String> records = new ArrayList<>();
      for (Record r : zone.records()) {
        records.add(r.toString());
      }
      records.sort(null);
      out.addAll(records);
    }
    return out;
  }
}
