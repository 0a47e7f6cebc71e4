package dev.dnsd.bench;

import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.zone.RRset;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * Lookups of random existing names ({@code Zone.rrset} on the store's current snapshot), alone and
 * while another thread commits changes: readers take no lock, so writes should cost them little.
 *
 * <pre>
 * java -jar dnsd-bench/target/benchmarks.jar Lookup -f 1 -wi 2 -i 3 -w 2s -r 2s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LookupBenchmark {
  @Param({"1000", "100000", "1000000"})
  public int records;

  private InMemoryRecordStore store;
  // Parsed apart from the zone's own names, as a query's names are.
  private Name[] names;
  private ChangeSet[][] pairs;

  @State(Scope.Thread)
  public static class Cursor {
    final SplittableRandom random = new SplittableRandom(42);
    int nextChange;
  }

  @Setup
  public void setUp() {
    store = BenchZone.store(records);
    names = new Name[records];
    for (int i = 0; i < records; i++) {
      names[i] = BenchZone.host(i);
    }
    pairs = BenchZone.addRemovePairs();
  }

  @TearDown
  public void tearDown() {
    store.close();
  }

  private RRset lookupRandom(Cursor cursor) {
    Name name = names[cursor.random.nextInt(names.length)];
    return store.zones().get(BenchZone.ORIGIN).rrset(name, Type.A);
  }

  @Benchmark
  public RRset lookup(Cursor cursor) {
    return lookupRandom(cursor);
  }

  @Benchmark
  @Group("whileCommitting")
  @GroupThreads(1)
  public RRset lookupWhileCommitting(Cursor cursor) {
    return lookupRandom(cursor);
  }

  /** The writer of the group: one commit per operation, alternately adding and removing. */
  @Benchmark
  @Group("whileCommitting")
  @GroupThreads(1)
  public long commit(Cursor cursor) {
    int n = cursor.nextChange++;
    return store.commit(pairs[(n >> 1) & (BenchZone.EXTRA_NAMES - 1)][n & 1]).version();
  }
}
