package dev.dnsd.bench;

import dev.dnsd.dnssec.DnssecAlgorithm;
import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Signs a zone file from scratch as dnsd signs a zone it is told to sign (the whole zone in one
 * commit, on every core), and reports the time and the memory, to set beside {@code
 * dnssec-signzone} and {@code ldns-signzone} on the same file:
 *
 * <pre>
 * mvn -q -pl dnsd-bench -am package -DskipTests
 * java -Xmx4g -cp dnsd-bench/target/benchmarks.jar dev.dnsd.bench.SignZone \
 *     $BENCH_DIR/data/big/zones/d-big1000000.test.zone d-big1000000.test. [nsec3] [ALGORITHM] [OUT]
 * </pre>
 *
 * With OUT it writes the signed zone there, for {@code dnssec-verify -z -o ORIGIN OUT}.
 */
public final class SignZone {
  private SignZone() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: SignZone ZONEFILE ORIGIN [nsec|nsec3] [ALGORITHM] [OUT]");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    Name origin = Name.fromString(args[1], Name.root);
    DnssecPolicy.Builder policy = DnssecPolicy.builder();
    if (args.length > 2 && args[2].equalsIgnoreCase("nsec3")) {
      policy.denial(DnssecPolicy.Denial.NSEC3);
    }
    if (args.length > 3) {
      policy.algorithm(DnssecAlgorithm.parse(args[3]));
    }
    long t0 = System.nanoTime();
    Zone zone = ZoneFiles.load(file, origin);
    long t1 = System.nanoTime();
    System.out.printf("loaded %d records in %.1f s; %s%n", zone.recordCount(), (t1 - t0) / 1e9, memory());
    long cpu0 = cpuNanos();
    try (InMemoryRecordStore store = new InMemoryRecordStore(0)) {
      store.commit(ChangeSet.builder().replaceZone(zone).sign(origin, policy.build()).build());
      long t2 = System.nanoTime();
      Zone signed = store.zones().get(origin);
      long sigs = signed.records().stream().filter(r -> r.getType() == Type.RRSIG).count();
      System.out.printf("signed (%s, %s): %d records, %d signatures, in %.1f s wall, %.1f s CPU on %d cores; %s%n",
          policy.build().algorithm(), policy.build().denial(), signed.recordCount(), sigs, (t2 - t1) / 1e9,
          (cpuNanos() - cpu0) / 1e9, Runtime.getRuntime().availableProcessors(), memory());
      if (args.length > 4) {
        List<Record> records = signed.records();
        try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[4]), StandardCharsets.UTF_8)) {
          for (Record r : records) {
            out.write(r.toString());
            out.write('\n');
          }
        }
        System.out.println("wrote " + args[4]);
      }
    }
  }

  private static long cpuNanos() {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return os.getProcessCpuTime();
  }

  /** Resident set now and at its peak (Linux), and the heap in use. */
  private static String memory() throws IOException {
    String rss = "?";
    String peak = "?";
    Path status = Path.of("/proc/self/status");
    if (Files.exists(status)) {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          rss = line.substring(6).trim();
        } else if (line.startsWith("VmHWM:")) {
          peak = line.substring(6).trim();
        }
      }
    }
    Runtime rt = Runtime.getRuntime();
    return "RSS " + rss + " (peak " + peak + "), heap used " + (rt.totalMemory() - rt.freeMemory()) / (1 << 20) + " MiB";
  }
}
