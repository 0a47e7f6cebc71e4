package dev.dnsd.bench;

import dev.dnsd.ChildProcess;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.sync.CommitResult;
import dev.dnsd.sync.ControlClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Measures replication between dnsd.jar processes on loopback: a primary and two secondaries, each
 * on its own SQLite file (WAL, {@code synchronous=FULL}, which is the store's one setting), changed
 * by control clients as an operator's tooling would.
 *
 * <ul>
 *   <li><b>latency:</b> one single-record change at a time; from the moment the control client's
 *       commit returned until both secondaries answer the new name over UDP (and, beside it, from
 *       sending the commit, and the commit's round trip alone);
 *   <li><b>throughput:</b> single-record change sets committed by several control clients at once,
 *       as fast as the primary takes them, until both secondaries answer the last one: the change
 *       sets per second that reach both.
 * </ul>
 *
 * <p>From the repository root, after {@code mvn -B -q -DskipTests package}:
 *
 * <pre>
 * java -cp dnsd-bench/target/benchmarks.jar dev.dnsd.bench.SyncMeasure [--latency N] [--changes N]
 *     [--clients N] [--warmup N] [--jar dnsd-server/target/dnsd.jar]
 * </pre>
 *
 * <p>The servers run with the JVM flags the README gives for serving. The secondaries are polled
 * with UDP queries, one every {@value #POLL_MICROS} µs at most, so the latency figures are good to
 * about a tenth of a millisecond; the polling takes some CPU from the processes measured, so on a
 * small machine the figures are upper bounds. Not a test: nothing here asserts a speed.
 */
public final class SyncMeasure {
  private static final Name ZONE = Name.fromConstantString("example.com.");
  /** Pause between two polls of a secondary that does not answer yet. */
  private static final int POLL_MICROS = 50;
  private static final Pattern LISTENING = Pattern.compile("^dnsd listening on (\\S+):(\\d+) ");
  private static final Pattern SYNC_LISTENING = Pattern.compile("^dnsd sync listening on (\\S+):(\\d+) ");
  private static final List<String> JVM_FLAGS =
      List.of("-XX:+UseSerialGC", "-Xms8m", "-Xmx1g", "-Xmn8m", "-Xss256k");

  private SyncMeasure() {}

  public static void main(String[] args) throws Exception {
    int latency = 1000;
    int changes = 20_000;
    int clients = 16;
    int warmup = 20_000;
    Path jar = Path.of("dnsd-server", "target", "dnsd.jar");
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--latency" -> latency = Integer.parseInt(value);
        case "--changes" -> changes = Integer.parseInt(value);
        case "--clients" -> clients = Integer.parseInt(value);
        case "--warmup" -> warmup = Integer.parseInt(value);
        case "--jar" -> jar = Path.of(value);
        default -> {
          System.err.println("usage: SyncMeasure [--latency N] [--changes N] [--clients N] [--warmup N] [--jar DNSD_JAR]");
          System.exit(2);
        }
      }
      i++;
    }
    if (!Files.isRegularFile(jar)) {
      System.err.println(jar + " is missing: run mvn -B -q -DskipTests package in the repository root first");
      System.exit(2);
    }
    Path dir = Files.createTempDirectory("dnsd-sync-measure");
    try (Cluster cluster = new Cluster(dir, jar.toAbsolutePath())) {
      Server primary = cluster.start("--db", "primary.db", "--sync-listen", "127.0.0.1:0", "--peers", "peers.conf");
      InetSocketAddress sync = primary.awaitSyncAddress();
      Server ns2 = cluster.start("--db", "ns2.db", "--primary", "127.0.0.1:" + sync.getPort(),
          "--name", "ns2", "--secret-file", "ns2.secret");
      Server ns3 = cluster.start("--db", "ns3.db", "--primary", "127.0.0.1:" + sync.getPort(),
          "--name", "ns3", "--secret-file", "ns3.secret");
      List<Server> secondaries = List.of(ns2, ns3);
      System.out.printf("a primary and two secondaries (dnsd.jar, %s, java %s), SQLite WAL synchronous=FULL%n",
          String.join(" ", JVM_FLAGS), System.getProperty("java.version"));
      try (ControlClient control = cluster.control(sync)) {
        control.createZone(ZONE, apex());
        for (Server s : secondaries) {
          awaitSerial(s, control.zone(ZONE).serial());
        }
        List<Server> servers = List.of(primary, ns2, ns3);
        // The JIT compiles the commit path in the first several thousand changes, on the cores
        // the servers need: measured before that, a change costs several times what it does in
        // a server that has run a while.
        throughput(cluster, sync, secondaries, warmup, clients, "w", false);
        latency(control, secondaries, Math.max(100, latency / 3), "warm-up", false);
        System.out.printf("warmed up with %d change sets from %d control clients and %d one at a time%n",
            warmup, clients, Math.max(100, latency / 3));
        long[] cpu = cpu(servers);
        latency(control, secondaries, latency, "l", true);
        printCpu(servers, cpu, latency);
        cpu = cpu(servers);
        readYourWrites(control, secondaries, latency, "r");
        printCpu(servers, cpu, latency);
        cpu = cpu(servers);
        throughput(cluster, sync, secondaries, changes, clients, "t", true);
        printCpu(servers, cpu, changes);
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void latency(ControlClient control, List<Server> secondaries, int n, String label, boolean print)
      throws IOException {
    long[] fromReturn = new long[n];
    long[] fromSend = new long[n];
    long[] commit = new long[n];
    try (Poller poller = new Poller(secondaries)) {
      for (int i = 0; i < n; i++) {
        Name name = Name.fromConstantString(label + i + "." + ZONE);
        ChangeSet change = add(name, i);
        long sent = System.nanoTime();
        control.commit(change);
        long returned = System.nanoTime();
        poller.awaitAnswer(name);
        long answered = System.nanoTime();
        fromReturn[i] = answered - returned;
        fromSend[i] = answered - sent;
        commit[i] = returned - sent;
      }
    }
    if (print) {
      System.out.printf("latency: %d single-record changes, one at a time%n", n);
      System.out.println("  commit returned -> both secondaries answer: " + percentiles(fromReturn));
      System.out.println("  commit sent -> both secondaries answer:     " + percentiles(fromSend));
      System.out.println("  commit round trip (primary):                " + percentiles(commit));
    }
  }

  /**
   * Commits that wait for both secondaries' acknowledgements, one at a time: the same latency
   * without the polling, whose queries take CPU from the processes measured. A secondary
   * acknowledges a change once it is durable and answered, which the one query after each commit
   * checks.
   */
  private static void readYourWrites(ControlClient control, List<Server> secondaries, int n, String label)
      throws IOException {
    long[] roundTrip = new long[n];
    int unseen = 0;
    try (Poller poller = new Poller(secondaries)) {
      for (int i = 0; i < n; i++) {
        Name name = Name.fromConstantString(label + i + "." + ZONE);
        long sent = System.nanoTime();
        CommitResult result = control.commit(add(name, i), Duration.ofSeconds(10));
        roundTrip[i] = System.nanoTime() - sent;
        if (!result.allApplied()) {
          throw new IOException("secondaries had not applied version " + result.version() + ": " + result.notApplied());
        }
        for (int s = 0; s < secondaries.size(); s++) {
          Message m = poller.ask(s, name, Type.A);
          if (m == null || m.getSection(Section.ANSWER).isEmpty()) {
            unseen++;
          }
        }
      }
    }
    System.out.printf("read-your-writes: %d single-record commits that wait for both secondaries, one at a time%n", n);
    System.out.println("  commit sent -> returned, both applied:      " + percentiles(roundTrip)
        + "; not answered by a secondary right after: " + unseen);
  }

  private static void throughput(
      Cluster cluster, InetSocketAddress sync, List<Server> secondaries, int changes, int clients, String label,
      boolean print) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<ControlClient> controls = new ArrayList<>();
    try {
      for (int c = 0; c < clients; c++) {
        controls.add(cluster.control(sync));
      }
      long start = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        ControlClient control = controls.get(c);
        int first = c;
        done.add(pool.submit(() -> {
          for (int i = first; i < changes; i += clients) {
            control.commit(add(Name.fromConstantString(label + i + "." + ZONE), i));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      long committed = System.nanoTime();
      long serial = controls.get(0).zone(ZONE).serial();
      for (Server s : secondaries) {
        awaitSerial(s, serial);
      }
      long replicated = System.nanoTime();
      if (print) {
        System.out.printf(
            "throughput: %d single-record change sets from %d control clients: committed at %.0f/s,"
                + " on both secondaries at %.0f/s (the last answered %.1f ms after the last commit returned)%n",
            changes, clients, changes / seconds(committed - start), changes / seconds(replicated - start),
            (replicated - committed) / 1e6);
      }
    } finally {
      controls.forEach(ControlClient::close);
      pool.shutdownNow();
    }
  }

  private static ChangeSet add(Name name, int i) throws IOException {
    InetAddress a = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
    return ChangeSet.builder().add(new ARecord(name, DClass.IN, 300, a)).build();
  }

  private static List<Record> apex() {
    Name ns = Name.fromConstantString("ns1." + ZONE);
    Name admin = Name.fromConstantString("hostmaster." + ZONE);
    return List.of(
        new SOARecord(ZONE, DClass.IN, 3600, ns, admin, 1, 3600, 600, 1_209_600, 300),
        new NSRecord(ZONE, DClass.IN, 3600, ns));
  }

  /** Waits until the server answers this serial (or a later one) for the zone. */
  private static void awaitSerial(Server server, long serial) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    try (Poller poller = new Poller(List.of(server))) {
      while (true) {
        Message m = poller.ask(0, ZONE, Type.SOA);
        if (m != null) {
          for (Record r : m.getSection(Section.ANSWER)) {
            if (r instanceof SOARecord soa && soa.getSerial() - serial >= 0) {
              return;
            }
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("the server at " + server.dns + " never answered serial " + serial);
        }
        TimeUnit.MILLISECONDS.sleep(1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * The CPU time each server process and this one have used so far, in nanoseconds: what a change
   * costs in CPU does not depend on how busy the machine is, as its latency does.
   */
  private static long[] cpu(List<Server> servers) {
    long[] out = new long[servers.size() + 1];
    for (int i = 0; i < servers.size(); i++) {
      out[i] = cpuNanos(ProcessHandle.of(servers.get(i).process.pid()));
    }
    out[servers.size()] = cpuNanos(Optional.of(ProcessHandle.current()));
    return out;
  }

  private static long cpuNanos(Optional<ProcessHandle> process) {
    return process.flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
  }

  private static void printCpu(List<Server> servers, long[] before, int changes) {
    long[] after = cpu(servers);
    String[] names = {"primary", "ns2", "ns3", "this program"};
    StringBuilder line = new StringBuilder("  CPU per change set:");
    for (int i = 0; i < after.length; i++) {
      line.append(i == 0 ? " " : ", ").append(names[i]).append(' ')
          .append(before[i] < 0 || after[i] < 0 ? "?" : String.format("%.0f µs", (after[i] - before[i]) / 1e3 / changes));
    }
    System.out.println(line);
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

  /** One UDP socket per server, asking each in turn. */
  private static final class Poller implements AutoCloseable {
    private final List<Server> servers;
    private final List<java.net.DatagramSocket> sockets = new ArrayList<>();
    private final byte[] buffer = new byte[4096];

    Poller(List<Server> servers) throws IOException {
      this.servers = servers;
      for (Server s : servers) {
        java.net.DatagramSocket socket = new java.net.DatagramSocket();
        socket.connect(s.dns);
        socket.setSoTimeout(200);
        sockets.add(socket);
      }
    }

    /** Returns once every server answers the name with a record. */
    void awaitAnswer(Name name) throws IOException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      for (int i = 0; i < servers.size(); i++) {
        while (true) {
          Message m = ask(i, name, Type.A);
          if (m != null && m.getRcode() == Rcode.NOERROR && !m.getSection(Section.ANSWER).isEmpty()) {
            break;
          }
          if (System.nanoTime() > deadline) {
            throw new IOException("the server at " + servers.get(i).dns + " never answered " + name);
          }
          LockSupport.parkNanos(POLL_MICROS * 1000L);
        }
      }
    }

    /** The answer, or null when none came in time. */
    Message ask(int server, Name name, int type) throws IOException {
      Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
      query.getHeader().unsetFlag(Flags.RD);
      byte[] wire = query.toWire();
      java.net.DatagramSocket socket = sockets.get(server);
      socket.send(new java.net.DatagramPacket(wire, wire.length));
      java.net.DatagramPacket in = new java.net.DatagramPacket(buffer, buffer.length);
      try {
        while (true) {
          socket.receive(in);
          Message m = new Message(Arrays.copyOf(in.getData(), in.getLength()));
          if (m.getHeader().getID() == query.getHeader().getID()) {
            return m;
          }
        }
      } catch (SocketTimeoutException e) {
        return null;
      }
    }

    @Override
    public void close() {
      sockets.forEach(java.net.DatagramSocket::close);
    }
  }

  /** A dnsd.jar process and the DNS address it printed. */
  private static final class Server {
    final ChildProcess process;
    volatile InetSocketAddress dns;

    Server(ChildProcess process) {
      this.process = process;
    }

    InetSocketAddress awaitAddress(Pattern pattern) throws InterruptedException, IOException {
      Matcher m = process.awaitLine(pattern, Duration.ofSeconds(60));
      return new InetSocketAddress(InetAddress.getByName(m.group(1)), Integer.parseInt(m.group(2)));
    }

    InetSocketAddress awaitSyncAddress() throws InterruptedException, IOException {
      return awaitAddress(SYNC_LISTENING);
    }
  }

  /** The processes and the secret files they share; closing it stops every process (by its PID). */
  private static final class Cluster implements AutoCloseable {
    private final Path dir;
    private final Path jar;
    private final byte[] adminSecret;
    private final List<Server> started = new ArrayList<>();

    Cluster(Path dir, Path jar) throws IOException {
      this.dir = dir;
      this.jar = jar;
      adminSecret = secret("admin");
      secret("ns2");
      secret("ns3");
      Files.writeString(dir.resolve("peers.conf"),
          "ns2 secondary ns2.secret\nns3 secondary ns3.secret\nadmin control admin.secret\n");
    }

    private byte[] secret(String name) throws IOException {
      byte[] random = new byte[32];
      ThreadLocalRandom.current().nextBytes(random);
      String text = Base64.getEncoder().encodeToString(random);
      Path file = dir.resolve(name + ".secret");
      Files.writeString(file, text + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return text.getBytes(StandardCharsets.US_ASCII);
    }

    Server start(String... args) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>();
      command.add(ChildProcess.java());
      command.addAll(JVM_FLAGS);
      command.add("-jar");
      command.add(jar.toString());
      command.addAll(List.of("--listen", "127.0.0.1:0", "--threads", "1"));
      command.addAll(List.of(args));
      Server s = new Server(ChildProcess.start(dir, command));
      started.add(s);
      s.dns = s.awaitAddress(LISTENING);
      return s;
    }

    ControlClient control(InetSocketAddress sync) throws IOException {
      return ControlClient.connect(sync, "admin", adminSecret);
    }

    @Override
    public void close() throws InterruptedException {
      for (Server s : started) {
        s.process.close();
      }
    }
  }
}
