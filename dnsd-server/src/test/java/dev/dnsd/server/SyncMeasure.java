package dev.dnsd.server;

import dev.dnsd.TestDns;
import dev.dnsd.server.SyncCluster.Node;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.sync.ControlClient;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Measures replication between dnsd.jar processes on loopback, by hand (not a test): a primary and
 * two secondaries, each on its own SQLite file (WAL, synchronous=FULL), changed by control clients.
 *
 * <ul>
 *   <li>latency: one change at a time, from the moment the control client sends the commit (and,
 *       second, from when the commit returned) until both secondaries answer the new name over UDP;
 *   <li>throughput: change sets committed by several control clients at once, until both
 *       secondaries answer the last one.
 * </ul>
 *
 * <p>Run from the repository root, after {@code mvn -o -q -DskipTests package -pl dnsd-server -am}
 * (which compiles the tests too):
 *
 * <pre>
 * java -cp dnsd-server/target/dnsd.jar:dnsd-server/target/test-classes dev.dnsd.server.SyncMeasure [CHANGES] [CLIENTS]
 * </pre>
 *
 * The secondaries are polled with back-to-back UDP queries, which take CPU from the processes being
 * measured; on a small machine the figures are upper bounds.
 */
final class SyncMeasure {
  private SyncMeasure() {}

  public static void main(String[] args) throws Exception {
    int changes = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    Path dir = Files.createTempDirectory("dnsd-sync-measure");
    try (SyncCluster cluster = new SyncCluster(dir)) {
      Node primary = cluster.primary("primary.db", 0);
      Node ns2 = cluster.secondary("ns2", "ns2.db", primary.syncPort());
      Node ns3 = cluster.secondary("ns3", "ns3.db", primary.syncPort());
      try (ControlClient control = cluster.control(primary)) {
        control.createZone(SyncCluster.EXAMPLE, ControlCommand.defaultApex(SyncCluster.EXAMPLE));
        SyncCluster.awaitCaughtUp(ns2, control);
        SyncCluster.awaitCaughtUp(ns3, control);
        latency(control, ns2, ns3, 300, "warm-up", false);
        latency(control, ns2, ns3, 1000, "latency", true);
      }
      throughput(cluster, primary, ns2, ns3, changes, clients);
    }
  }

  private static void latency(ControlClient control, Node ns2, Node ns3, int n, String label, boolean print)
      throws IOException {
    long[] fromSend = new long[n];
    long[] fromReturn = new long[n];
    long[] commit = new long[n];
    for (int i = 0; i < n; i++) {
      Name name = SyncCluster.name(label + i + ".example.com.");
      long sent = System.nanoTime();
      control.commit(add(name, i));
      long returned = System.nanoTime();
      awaitAnswer(ns2, name);
      awaitAnswer(ns3, name);
      long answered = System.nanoTime();
      fromSend[i] = answered - sent;
      fromReturn[i] = answered - returned;
      commit[i] = returned - sent;
    }
    if (print) {
      System.out.printf("%d changes, one at a time, both secondaries answering:%n", n);
      System.out.println("  commit sent -> both answer:     " + percentiles(fromSend));
      System.out.println("  commit returned -> both answer: " + percentiles(fromReturn));
      System.out.println("  commit round trip (primary):    " + percentiles(commit));
    }
  }

  private static void throughput(SyncCluster cluster, Node primary, Node ns2, Node ns3, int changes, int clients)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<ControlClient> controls = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      controls.add(cluster.control(primary));
    }
    try {
      long start = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        ControlClient control = controls.get(c);
        int first = c;
        done.add(pool.submit(() -> {
          for (int i = first; i < changes; i += clients) {
            control.commit(add(SyncCluster.name("t" + i + ".example.com."), i));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      long committed = System.nanoTime();
      SyncCluster.awaitCaughtUp(ns2, controls.get(0));
      SyncCluster.awaitCaughtUp(ns3, controls.get(0));
      long replicated = System.nanoTime();
      System.out.printf(
          "%d change sets from %d control clients: committed at %.0f/s, on both secondaries at %.0f/s"
              + " (last one answered %.0f ms after the last commit returned)%n",
          changes, clients, changes / seconds(committed - start), changes / seconds(replicated - start),
          (replicated - committed) / 1e6);
    } finally {
      controls.forEach(ControlClient::close);
      pool.shutdownNow();
    }
  }

  private static ChangeSet add(Name name, int i) throws IOException {
    InetAddress a = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
    return ChangeSet.builder().add(new ARecord(name, DClass.IN, 300, a)).build();
  }

  private static void awaitAnswer(Node node, Name name) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      Message m = TestDns.udp(node.dns(), TestDns.query(name, Type.A));
      if (m.getRcode() == Rcode.NOERROR && m.getSection(Section.ANSWER).size() > 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("the server at port " + node.dnsPort() + " never answered " + name);
      }
    }
  }

  private static String percentiles(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return String.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms",
        sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6, sorted[sorted.length - 1] / 1e6);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
