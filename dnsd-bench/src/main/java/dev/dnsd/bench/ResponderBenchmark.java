package dev.dnsd.bench;

import dev.dnsd.Replier;
import dev.dnsd.internal.QueryHandler;
import dev.dnsd.internal.Responder;
import dev.dnsd.internal.ResponderConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.xbill.DNS.Message;

/**
 * The responder alone, as a UDP worker drives it (one {@link QueryHandler.Worker} and one output
 * buffer per thread): answers per second per thread for the harness's query mix, with the answer
 * cache on and off, and for the mix's two halves. Allocation per answer with {@code -prof gc}.
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
      new Replier() {
        @Override
        public void send(byte[] wire) {
          throw new IllegalStateException("no extension is configured");
        }

        @Override
        public void send(Message message) {
          throw new IllegalStateException("no extension is configured");
        }
      };

  /** 8 MiB is the server's default; 0 is the full path for every query. */
  @Param({"8388608", "0"})
  public long cacheBytes;

  /** mix: the whole query list; inzone: its 60 % for names in the zones; outside: the 40 % refused. */
  @Param({"mix", "inzone", "outside"})
  public String queries;

  private Responder responder;
  private byte[][] wires;

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
    MixWorkload workload = MixWorkload.generate(200_000, 2009);
    responder = new Responder(() -> workload.table, ResponderConfig.defaults().withAnswerCacheBytes(cacheBytes));
    List<byte[]> chosen =
        workload.queries.stream()
            .filter(q -> queries.equals("mix") || queries.equals("inzone") == inZone(workload, q))
            .toList();
    wires = chosen.toArray(new byte[0][]);
  }

  private static boolean inZone(MixWorkload workload, byte[] wire) {
    try {
      return workload.table.find(new Message(wire).getQuestion().getName()) != null;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Benchmark
  public int answer(Worker w) {
    byte[] q = wires[w.next++ % wires.length];
    return w.worker.respond(q, q.length, CLIENT, false, NO_REPLIER, w.out);
  }
}
