package dev.dnsd.bench;

import dev.dnsd.QueryListener;
import dev.dnsd.Replier;
import dev.dnsd.internal.QueryCounters;
import dev.dnsd.internal.QueryReporter;
import dev.dnsd.internal.Responder;
import dev.dnsd.internal.ServerConfig;
import dev.dnsd.internal.transport.QueryHandler;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Set;
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
 * What the statistics and the query log cost the query path: the harness's query mix answered as
 * a UDP worker answers it (cache on, the default), through the handler a server gives its
 * transports.
 *
 * <ul>
 *   <li>{@code uncounted}: a responder that counts nothing, the path without statistics;
 *   <li>{@code counted}: the responder as a server runs it, counting every request into its
 *       worker's counters;
 *   <li>{@code querylog-off}: the handler a server without a query log ({@link QueryListener})
 *       gives its transports, which is the counting responder itself (checked at setup), so this
 *       is {@code counted} again: the query log costs nothing when off;
 *   <li>{@code querylog-noop}: a server with a listener that only hands each query to a
 *       blackhole: every query is also parsed and reported.
 * </ul>
 *
 * <p>With several threads ({@code -t 2}) each counts into its own array, so the difference to
 * {@code uncounted} shows whether the counters contend.
 *
 * <pre>
 * java -jar dnsd-bench/target/benchmarks.jar Statistics -prof gc
 * java -jar dnsd-bench/target/benchmarks.jar Statistics -p mode=querylog-off,querylog-noop -prof gc
 * java -jar dnsd-bench/target/benchmarks.jar Statistics -t 2
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StatisticsBenchmark {
  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
  private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 53);

  private static final Replier NO_REPLIER =
      wire -> {
        throw new IllegalStateException("no extension is configured");
      };

  @Param({"uncounted", "counted", "querylog-off", "querylog-noop"})
  public String mode;

  private QueryHandler handler;
  private byte[][] wires;

  @State(Scope.Thread)
  public static class Worker {
    QueryHandler.Worker worker;
    final byte[] out = new byte[65535];
    int next;

    @Setup
    public void setUp(StatisticsBenchmark bench) {
      worker = bench.handler.worker();
      next = System.identityHashCode(this) & 0xFFFF;
    }
  }

  @Setup
  public void setUp(Blackhole blackhole) {
    MixWorkload workload = MixWorkload.generate(200_000, 2009);
    QueryCounters counters = mode.equals("uncounted") ? null : new QueryCounters();
    Responder responder = new Responder(() -> workload.table, Set::of, ServerConfig.defaults(), counters);
    handler = switch (mode) {
      case "uncounted", "counted" -> responder;
      case "querylog-off" -> {
        QueryHandler h = QueryReporter.around(responder, null, Clock.systemUTC(), SERVER);
        if (h != responder) {
          throw new IllegalStateException("without a query listener the transports must get the responder itself");
        }
        yield h;
      }
      case "querylog-noop" -> {
        QueryListener noop = blackhole::consume;
        yield QueryReporter.around(responder, noop, Clock.systemUTC(), SERVER);
      }
      default -> throw new IllegalArgumentException(
          "mode must be uncounted, counted, querylog-off or querylog-noop: " + mode);
    };
    wires = workload.queries.toArray(new byte[0][]);
  }

  @Benchmark
  public int answer(Worker w) {
    byte[] q = wires[w.next++ % wires.length];
    return w.worker.respond(q, q.length, CLIENT, false, NO_REPLIER, w.out);
  }
}
