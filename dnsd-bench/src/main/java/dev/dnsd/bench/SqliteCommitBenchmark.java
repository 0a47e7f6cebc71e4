package dev.dnsd.bench;

import dev.dnsd.sqlite.SqliteRecordStore;
import dev.dnsd.store.ChangeSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Durable single-record commits per second through {@link SqliteRecordStore} (WAL,
 * synchronous=FULL: every commit that returns is on disk). Each commit adds one A record at a
 * name no other commit uses, so every one is a real write. With more threads, group commit puts
 * several change sets in one transaction and one fsync.
 *
 * <pre>
 * mvn -q -pl dnsd-bench -am package -DskipTests
 * java -jar dnsd-bench/target/benchmarks.jar SqliteCommit -f 1 -wi 2 -i 5 -w 2s -r 2s -t 1
 * java -jar dnsd-bench/target/benchmarks.jar SqliteCommit -f 1 -wi 2 -i 5 -w 2s -r 2s -t 8
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SqliteCommitBenchmark {
  private Path dir;
  private SqliteRecordStore store;
  private final AtomicInteger threads = new AtomicInteger();

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("dnsd-bench-sqlite");
    store = SqliteRecordStore.open(dir.resolve("bench.db"));
    store.commit(
        ChangeSet.builder().createZone(BenchZone.ORIGIN, BenchZone.store(1000).zones().get(BenchZone.ORIGIN).records()).build());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** One thread's own names, so threads never commit the same record. */
  @State(Scope.Thread)
  public static class Names {
    int thread;
    int next;

    @Setup(Level.Trial)
    public void setUp(SqliteCommitBenchmark bench) {
      thread = bench.threads.getAndIncrement();
    }
  }

  @Benchmark
  public long commitOneRecord(Names names) {
    int i = names.next++;
    return store
        .commit(ChangeSet.builder().add(BenchZone.a(BenchZone.name("t" + names.thread + "n" + i), i)).build())
        .version();
  }
}
