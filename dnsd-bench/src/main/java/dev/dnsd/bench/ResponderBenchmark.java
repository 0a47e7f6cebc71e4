package dev.dnsd.bench;

import dev.dnsd.Replier;
import dev.dnsd.internal.Responder;
import dev.dnsd.internal.ServerConfig;
import dev.dnsd.internal.transport.QueryHandler;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The responder alone, as a UDP worker drives it (one {@link QueryHandler.Worker} and one output
 * buffer per thread): answers per second per thread for the harness's query mix, with the answer
 * cache on and off, for the mix's two halves, and for the random names in the zones that miss the
 * cache (NXDOMAIN, wildcard, referral). Allocation per answer with {@code -prof gc}.
 * With {@code -p commitsPerSecond=N} a background thread publishes N new tables a second, each
 * with a new snapshot of a zone that no query of the mix reads, as commits to another zone would.
 *
 * <pre>
 * java -jar dnsd-bench/target/benchmarks.jar Responder -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ResponderBenchmark {
  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

  /** The mix has no opcode or question that an extension would take. */
  private static final Replier NO_REPLIER =
      wire -> {
        throw new IllegalStateException("no extension is configured");
      };

  /** 8 MiB is the server's default; 0 is the full path for every query. */
  @Param({"8388608", "0"})
  public long cacheBytes;

  /**
   * mix: the whole query list; inzone: its 60 % for names in the zones; outside: the 40 % refused;
   * and three kinds of random names in the zones, which miss the answer cache: nxdomain (the
   * mix's {@code x-<random>} names), wildcard ({@code <random>.dyn}), referral ({@code
   * <random>.sub}, below a delegation).
   */
  @Param({"mix", "inzone", "outside", "nxdomain", "wildcard", "referral"})
  public String queries;

  /**
   * Queries generated and cycled through. The harness's file has 1,000,000: its random names then
   * come back only after about 120,000 other random names, too late for an answer cache of the
   * default size to remember them; with 200,000, some are cached on their second miss and hit.
   */
  @Param({"200000"})
  public int queryCount;

  /** Tables published per second by commits to a zone the queries never read; 0: none. */
  @Param({"0"})
  public int commitsPerSecond;

  private Responder responder;
  private byte[][] wires;
  private volatile ZoneTable table;
  private volatile boolean running;
  private Thread committer;

  @State(Scope.Thread)
  public static class Worker {
    QueryHandler.Worker worker;
    final byte[] out = new byte[65535];
    int next;

    @Setup
    public void setUp(ResponderBenchmark bench) {
      worker = bench.responder.worker();
      next = System.identityHashCode(this) & 0xFFFF; // threads start at different places
    }
  }

  @Setup
  public void setUp() throws IOException {
    MixWorkload workload = MixWorkload.generate(queryCount, 2009);
    table = workload.table;
    responder = new Responder(() -> table, ServerConfig.defaults().withAnswerCacheBytes(cacheBytes));
    List<byte[]> chosen =
        workload.queries.stream()
            .filter(q -> chosen(workload, q))
            .toList();
    wires = chosen.toArray(new byte[0][]);
    startCommits(); // after the table is set: JMH does not order two @Setup methods
  }

  private void startCommits() throws IOException {
    if (commitsPerSecond <= 0) {
      return;
    }
    Name origin = Name.fromString("commits.bench.");
    Zone base =
        Zone.of(
            origin,
            List.of(
                Record.fromString(origin, Type.SOA, DClass.IN, 3600, "ns hostmaster 1 7200 3600 1209600 300", origin),
                Record.fromString(origin, Type.NS, DClass.IN, 3600, "ns", origin)));
    long period = TimeUnit.SECONDS.toNanos(1) / commitsPerSecond;
    running = true;
    committer =
        new Thread(
            () -> {
              long serial = 0;
              while (running) {
                Zone next =
                    base.edit()
                        .add(new TXTRecord(origin, DClass.IN, 60, Long.toString(++serial)))
                        .build();
                table = table.with(next);
                LockSupport.parkNanos(period);
              }
            },
            "committer");
    committer.setDaemon(true);
    committer.start();
  }

  @TearDown
  public void stopCommits() throws InterruptedException {
    running = false;
    if (committer != null) {
      committer.join();
    }
  }

  private boolean chosen(MixWorkload workload, byte[] wire) {
    Name name;
    try {
      name = new Message(wire).getQuestion().getName();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    boolean inZone = workload.table.find(name) != null;
    String first = name.getLabelString(0);
    String second = name.labels() > 2 ? name.getLabelString(1) : "";
    return switch (queries) {
      case "mix" -> true;
      case "inzone" -> inZone;
      case "outside" -> !inZone;
      case "nxdomain" -> inZone && first.startsWith("x-");
      case "wildcard" -> inZone && second.equals("dyn");
      case "referral" -> inZone && second.equals("sub");
      default -> throw new IllegalArgumentException("unknown query set: " + queries);
    };
  }

  @Benchmark
  public int answer(Worker w) {
    byte[] q = wires[w.next++ % wires.length];
    return w.worker.respond(q, q.length, CLIENT, false, NO_REPLIER, w.out);
  }
}
