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
 * Time per single-record commit through {@link InMemoryRecordStore#commit} (validation, serial
 * bump, new snapshot, publication, change log), in zones of growing size, unsigned or signed. The
 * design promises that it does not grow with the zone: a commit copies one trie path, not the
 * zone; and in a signed zone ({@code signing=NSEC} or {@code NSEC3}) the commit also signs what it
 * touched (the new RRset, the NSEC or NSEC3 records whose chain moved, the bumped SOA: about four
 * signatures), mending the chain from an ordered index rather than rebuilding it.
 *
 * <p>For a signed zone the setup signs the whole zone once per fork, which for a million records
 * takes minutes.
 *
 * <pre>
 * mvn -q -pl dnsd-bench -am package -DskipTests
 * java -jar dnsd-bench/target/benchmarks.jar ChangeCost -f 1 -wi 2 -i 3 -w 2s -r 2s
 * java -jar dnsd-bench/target/benchmarks.jar ChangeCost -p signing=NSEC,NSEC3 -f 1 -wi 2 -i 3 -w 2s -r 2s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChangeCostBenchmark {
  @Param({"1000", "100000", "1000000"})
  public int records;

  /** {@code none} for an unsigned zone, else the signed zone's denial of existence. */
  @Param({"none", "NSEC", "NSEC3"})
  public String signing;

  private InMemoryRecordStore store;
  private ChangeSet[][] pairs;
  private int next;

  @Setup
  public void setUp() {
    store = BenchZone.store(records);
    if (!signing.equals("none")) {
      DnssecPolicy policy = DnssecPolicy.builder().denial(DnssecPolicy.Denial.valueOf(signing)).build();
      store.commit(ChangeSet.builder().sign(BenchZone.ORIGIN, policy).build());
    }
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
