package dev.dnsd.bench;

import dev.dnsd.sqlite.SqliteRecordStore;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/**
 * The heap a zone of the harness's big-zone shape takes per record, and the time to build it.
 *
 * <pre>{@code
 * java -Xmx4g -cp dnsd-bench/target/benchmarks.jar dev.dnsd.bench.ZoneMemory 10000000
 * java -Xmx1g -cp dnsd-bench/target/benchmarks.jar dev.dnsd.bench.ZoneMemory --sqlite FILE
 * }</pre>
 *
 * <p>With a count, it builds the zone {@code gen-zones.py --big N} writes (names {@code h0000000}
 * and on, three in four with an A record, the rest with an AAAA) through {@link Zone#builder},
 * each record read back from its wire form as the SQLite store reads it. With {@code --sqlite} it
 * opens a store and measures the zones it loaded. Heap is measured after full collections, so it
 * is what the zone keeps, not what building it allocated.
 */
public final class ZoneMemory {
  private ZoneMemory() {}

  /**
   * Runs the measure.
   *
   * @param args a record count, or {@code --sqlite FILE}
   * @throws IOException when a record cannot be made
   */
  public static void main(String[] args) throws IOException {
    long before = usedHeap();
    long start = System.nanoTime();
    Object kept;
    long records;
    if (args.length == 2 && args[0].equals("--sqlite")) {
      SqliteRecordStore store = SqliteRecordStore.open(Path.of(args[1]));
      records = 0;
      for (Zone z : store.zones().zones()) {
        records += z.recordCount();
      }
      kept = store;
    } else {
      int n = Integer.parseInt(args[0]);
      if (n < 1 || n > 10_000_000) {
        throw new IllegalArgumentException("names have seven digits: 1 to 10,000,000 records, not " + n);
      }
      Zone zone = build(n);
      records = zone.recordCount();
      kept = zone;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long after = usedHeap();
    System.out.printf(
        "%,d records in %.2f s; heap %,d bytes after, %,d before: %.1f bytes per record%n",
        records, seconds, after, before, (after - before) / (double) records);
    System.out.println(kept.hashCode() != 0 ? "" : " "); // keeps the zone reachable until here
  }

  private static Zone build(int n) throws IOException {
    Name origin = Name.fromString("d-big" + n + ".test.");
    Name ns = Name.fromString("ns1", origin);
    Zone.Builder builder = Zone.builder(origin);
    builder.add(new SOARecord(origin, DClass.IN, 3600, ns, Name.fromString("hostmaster", origin),
        1, 7200, 3600, 1209600, 300));
    builder.add(new NSRecord(origin, DClass.IN, 3600, ns));
    for (int i = 0; i < n; i++) {
      // h0000000 and on, seven digits as gen-zones.py writes them (String.format took most of the run).
      Name owner = Name.fromString("h" + Integer.toString(10_000_000 + i).substring(1), origin);
      Record r = i % 4 != 0
          ? new ARecord(owner, DClass.IN, 3600,
              InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}))
          : new AAAARecord(owner, DClass.IN, 3600, InetAddress.getByAddress(new byte[] {
              0x20, 0x01, 0x0d, (byte) 0xb8, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0,
              (byte) (i >> 8), (byte) i}));
      builder.add(Record.fromWire(r.toWire(Section.ANSWER), Section.ANSWER));
    }
    return builder.build();
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
