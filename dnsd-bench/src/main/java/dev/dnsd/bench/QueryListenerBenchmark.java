package dev.dnsd.bench;

import dev.dnsd.QueryListener;
import dev.dnsd.Replier;
import dev.dnsd.internal.QueryReporter;
import dev.dnsd.internal.Responder;
import dev.dnsd.internal.ServerConfig;
import dev.dnsd.internal.transport.QueryHandler;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a {@link QueryListener} costs: the harness's query mix answered as a UDP worker answers it
 * (cache on, the default), through the handler a server gives its transports. With {@code
 * listener=none} that handler is the responder itself, so this is the hot path as it is without
 * the feature; with {@code noop} every query is also parsed and reported to a listener that only
 * hands it to a blackhole.
 *
 * <pre>
 * java -jar dnsd-bench/target/benchmarks.jar QueryListener -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class QueryListenerBenchmark {
  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
  private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 53);

  private static final Replier NO_REPLIER =
      wire -> {
        throw new IllegalStateException("no extension is configured");
      };

  @Param({"none", "noop"})
  public String listener;

  private QueryHandler handler;
  private byte[][] wires;

  @State(Scope.Thread)
  public static class Worker {
    QueryHandler.Worker worker;
    final byte[] out = new byte[65535];
    int next;

    @Setup
    public void setUp(QueryListenerBenchmark bench) {
      worker = bench.handler.worker();
      next = System.identityHashCode(this) & 0xFFFF;
    }
  }

  @Setup
  public void setUp(Blackhole blackhole) {
    MixWorkload workload = MixWorkload.generate(200_000, 2009);
    Responder responder = new Responder(() -> workload.table, ServerConfig.defaults());
    QueryListener chosen =
        switch (listener) {
          case "none" -> null;
          case "noop" -> blackhole::consume;
          default -> throw new IllegalArgumentException("listener must be none or noop: " + listener);
        };
    handler = QueryReporter.around(responder, chosen, Clock.systemUTC(), SERVER);
    wires = workload.queries.toArray(new byte[0][]);
  }

  @Benchmark
  public int answer(Worker w) {
    byte[] q = wires[w.next++ % wires.length];
    return w.worker.respond(q, q.length, CLIENT, false, NO_REPLIER, w.out);
  }
}
