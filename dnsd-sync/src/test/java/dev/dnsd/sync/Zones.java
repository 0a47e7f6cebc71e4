package dev.dnsd.sync;

import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/** Zone data, secrets and comparisons for sync tests. */
final class Zones {
  static final byte[] SECRET = "0123456789abcdef-secondary".getBytes(StandardCharsets.US_ASCII);
  static final byte[] CONTROL_SECRET = "0123456789abcdef-control".getBytes(StandardCharsets.US_ASCII);

  private Zones() {}

  static Name name(String s) {
    return Name.fromConstantString(s.endsWith(".") ? s : s + ".");
  }

  static List<Record> apex(String origin) {
    Name o = name(origin);
    return List.of(
        new SOARecord(o, DClass.IN, 3600, name("ns1." + origin), name("hostmaster." + origin), 1, 3600, 600, 86400, 300),
        new NSRecord(o, DClass.IN, 3600, name("ns1." + origin)));
  }

  static ChangeSet createZone(String origin) {
    return ChangeSet.builder().createZone(name(origin), apex(origin)).build();
  }

  static ARecord a(String owner, int i) {
    byte[] ip = {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
    try {
      return new ARecord(name(owner), DClass.IN, 300, java.net.InetAddress.getByAddress(ip));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static ChangeSet addA(String owner, int i) {
    return ChangeSet.builder().add(a(owner, i)).build();
  }

  /** Each zone's records as text (TTLs included), for equality across stores. */
  static Map<String, List<String>> content(ZoneTable table) {
    Map<String, List<String>> out = new TreeMap<>();
    for (Zone zone : table.zones()) {
      List<String> records = new ArrayList<>();
      for (Record r : zone.records()) {
        records.add(r.toString());
      }
      records.sort(null);
      out.put(zone.origin().toString(), records);
    }
    return out;
  }

  static int count(ZoneTable table, String origin, int type) {
    Zone zone = table.get(name(origin));
    if (zone == null) {
      return 0;
    }
    int n = 0;
    for (Record r : zone.records()) {
      if (r.getType() == type) {
        n++;
      }
    }
    return n;
  }
}
