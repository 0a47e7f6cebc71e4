package dev.dnsd.bench;

import dev.dnsd.DnsServer;
import dev.dnsd.sqlite.SqliteRecordStore;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The server side of {@code soak.sh}: a dnsd on SQLite serving a directory of zone files on
 * loopback, committing a change to one of them every few milliseconds through the store's real
 * write path, and printing once a minute how many commits it made and how many failed.
 *
 * <pre>
 * java -cp dnsd-bench/target/benchmarks.jar dev.dnsd.bench.SoakServer ZONES_DIR PORT DB_FILE [INTERVAL_MS]
 * </pre>
 */
public final class SoakServer {
  private SoakServer() {}

  public static void main(String[] args) throws Exception {
    Path zonesDir = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    Path db = Path.of(args[2]);
    long intervalMs = args.length > 3 ? Long.parseLong(args[3]) : 10;
    List<Zone> zones = ZoneFiles.loadDirectory(zonesDir);
    Name target = zones.get(0).origin();
    Name owner = Name.fromString("soak", target);
    AtomicLong commits = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    try (DnsServer server =
        DnsServer.builder().listen("127.0.0.1", port).store(SqliteRecordStore.open(db)).zones(zones).build().start()) {
      System.out.println("soak: serving " + zones.size() + " zone(s) on 127.0.0.1:" + server.port()
          + ", committing to " + owner + " every " + intervalMs + " ms");
      ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
      timer.scheduleAtFixedRate(
          () -> {
            long n = commits.get() + failures.get();
            try {
              server.commit(
                  ChangeSet.builder()
                      .setRRset(owner, Type.TXT, List.of(new TXTRecord(owner, DClass.IN, 60, "commit " + n)))
                      .build());
              commits.incrementAndGet();
            } catch (RuntimeException e) {
              failures.incrementAndGet();
              System.out.println("soak: commit failed: " + e);
            }
          },
          intervalMs, intervalMs, TimeUnit.MILLISECONDS);
      timer.scheduleAtFixedRate(
          () -> System.out.println("soak: " + commits.get() + " commits, " + failures.get() + " failed"),
          60, 60, TimeUnit.SECONDS);
      Thread.currentThread().join();
    }
  }
}
