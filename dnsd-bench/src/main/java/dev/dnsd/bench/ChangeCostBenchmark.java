package dev.dnsd.bench;

import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.InMemoryRecordStore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Time per single-record commit through {@link InMemoryRecordStore#commit} (validation, serial
 * bump, new snapshot, publication, change log), in zones of growing size. The design promises that
 * it does not grow with the zone: a commit copies one trie path, not the zone.
 *
 * <pre>
 * mvn -q -pl dnsd-bench -am package -DskipTests
 * java -jar dnsd-bench/target/benchmarks.jar ChangeCost -f 1 -wi 2 -i 3 -w 2s -r 2s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChangeCostBenchmark {
  @Param({"1000", "100000", "1000000"})
  public int records;

  private InMemoryRecordStore store;
  private ChangeSet[][] pairs;
  private int next;

  @Setup
  public void setUp() {
    store = BenchZone.store(records);
    pairs = BenchZone.addRemovePairs();
  }

  @TearDown
  public void tearDown() {
    store.close();
  }

  /** Adds a record and removes it again: two commits, so the score is per commit. */
  @Benchmark
  @OperationsPerInvocation(2)
  public long addThenRemove() {
    ChangeSet[] pair = pairs[next++ & (BenchZone.EXTRA_NAMES - 1)];
    store.commit(pair[0]);
    return store.commit(pair[1]).version();
  }
}
