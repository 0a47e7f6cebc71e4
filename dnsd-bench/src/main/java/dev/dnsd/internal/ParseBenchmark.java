package dev.dnsd.internal;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * What the cache lookup needs from a query (header, question, EDNS shape), read by {@link
 * WireQuery} and by dnsjava's full parse. In this package because the wire reader is internal.
 *
 * <pre>
 * java -jar dnsd-bench/target/benchmarks.jar Parse -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ParseBenchmark {
  private byte[] plain;
  private byte[] edns;
  private final WireQuery q = new WireQuery();

  @Setup
  public void setUp() throws IOException {
    Message m = Message.newQuery(Record.newRecord(Name.fromString("www.d0001-garnetspruce.org."), Type.A, DClass.IN));
    plain = m.toWire();
    m.addRecord(new OPTRecord(1232, 0, 0, 0x8000), org.xbill.DNS.Section.ADDITIONAL);
    edns = m.toWire();
  }

  @Benchmark
  public int wireReader() {
    return q.parse(plain, plain.length, false, 1232) ? q.hash : 0;
  }

  @Benchmark
  public int wireReaderEdns() {
    return q.parse(edns, edns.length, false, 1232) ? q.hash : 0;
  }

  @Benchmark
  public Object dnsjava() throws IOException {
    return new Message(plain).getQuestion();
  }

  @Benchmark
  public Object dnsjavaEdns() throws IOException {
    Message m = new Message(edns);
    return Edns.read(m);
  }
}
