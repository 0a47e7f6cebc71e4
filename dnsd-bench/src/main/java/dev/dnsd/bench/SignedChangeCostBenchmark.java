package dev.dnsd.bench;

import dev.dnsd.dnssec.DnssecPolicy;
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
 * Time per single-record commit to a signed zone: what {@link ChangeCostBenchmark} measures, plus
 * signing in the write path (the new RRset, the NSEC or NSEC3 records whose chain moved, the bumped
 * SOA: about four signatures) in zones of growing size. The design promises that this does not
 * grow with the zone either: the chain is mended from an ordered index, not rebuilt.
 *
 * <p>The setup signs the whole zone once per fork, which for a million records takes minutes.
 *
 * <pre>
 * mvn -q -pl dnsd-bench -am package -DskipTests
 * java -jar dnsd-bench/target/benchmarks.jar SignedChangeCost -f 1 -wi 2 -i 3 -w 2s -r 2s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SignedChangeCostBenchmark {
  @Param({"1000", "100000", "1000000"})
  public int records;

  @Param({"NSEC", "NSEC3"})
  public String denial;

  private InMemoryRecordStore store;
  private ChangeSet[][] pairs;
  private int next;

  @Setup
  public void setUp() {
    store = BenchZone.store(records);
    DnssecPolicy policy = DnssecPolicy.builder().denial(DnssecPolicy.Denial.valueOf(denial)).build();
    store.commit(ChangeSet.builder().sign(BenchZone.ORIGIN, policy).build());
    pairs = BenchZone.addRemovePairs();
  }

  @TearDown
  public void tearDown() {
    store.close();
  }

  /** Adds a record and removes it again: two signed commits, so the score is per commit. */
  @Benchmark
  @OperationsPerInvocation(2)
  public long addThenRemove() {
    ChangeSet[] pair = pairs[next++ & (BenchZone.EXTRA_NAMES - 1)];
    store.commit(pair[0]);
    return store.commit(pair[1]).version();
  }
}
