package dev.dnsd.sqlite;

import static dev.dnsd.sqlite.Fixtures.a;
import static dev.dnsd.sqlite.Fixtures.createZone;

import dev.dnsd.store.ChangeSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.sqlite.SQLiteConfig;

/**
 * A store in another JVM, for what one process cannot show: a second process holding the lock,
 * and a process killed in the middle of committing.
 *
 * <p>Modes: {@code hold FILE} opens the store, prints {@code ready} and keeps it open until its
 * stdin closes; {@code read FILE} reads the records table as another program would, printing
 * {@code read COUNT} or {@code failed MESSAGE}; {@code commit FILE THREADS} commits one record per change from THREADS threads
 * forever and prints each version as soon as its commit returned; {@code commit-through-faults
 * FILE} commits one record per change forever from one thread, printing {@code ok VERSION} for
 * each commit that returned and {@code failed MESSAGE} for each that threw.
 */
final class ChildStore implements AutoCloseable {
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private ChildStore(Process process) {
    this.process = process;
    Thread pump = new Thread(this::pump, "child-stdout-" + process.pid());
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts this class's main in a JVM like the test's own: same java, same class path. */
  static ChildStore start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Xshare:auto");
    command.add("-XX:TieredStopAtLevel=1");
    command.add(ChildStore.class.getName());
    command.addAll(List.of(args));
    return new ChildStore(
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  long pid() {
    return process.pid();
  }

  /**
   * The next line the child printed, waiting until the deadline.
   *
   * @throws AssertionError when the deadline passes or the child ended first
   */
  String nextLine(long deadlineNanos) throws InterruptedException {
    long left = deadlineNanos - System.nanoTime();
    String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : lines.poll();
    if (line == null) {
      throw new AssertionError(
          "child " + process.pid() + " printed nothing in time; alive: " + process.isAlive());
    }
    if (line.equals(EOF)) {
      throw new AssertionError("child " + process.pid() + " ended: exit " + process.waitFor());
    }
    return line;
  }

  /** Lines already printed, not waiting for more. */
  List<String> drain() {
    List<String> out = new ArrayList<>();
    lines.drainTo(out);
    out.remove(EOF);
    return out;
  }

  /** SIGKILL on Linux: no shutdown hook, no finally block, no close runs in the child. */
  void kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("child " + process.pid() + " outlived SIGKILL");
    }
  }

  /** Closes the child's stdin, which makes a holding child close its store and exit. */
  void release() throws IOException, InterruptedException {
    process.getOutputStream().close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("child " + process.pid() + " did not exit");
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  private static final String EOF = "\u0000eof";

  private void pump() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        lines.add(line);
      }
    } catch (IOException e) {
      // The child died; what it printed is in the queue.
    }
    lines.add(EOF);
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Path file = Path.of(args[1]);
    switch (args[0]) {
      case "hold" -> {
        try (SqliteRecordStore store = SqliteRecordStore.open(file)) {
          out.println("ready " + store.version());
          while (System.in.read() >= 0) {
            // Holds the store until the parent closes our stdin.
          }
        }
      }
      case "commit" -> commitForever(file, Integer.parseInt(args[2]), out);
      case "read" -> read(file, out);
      case "commit-through-faults" -> commitThroughFaults(file, out);
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  /** Reads the records as another program would, with SQLite's defaults and no waiting for locks. */
  private static void read(Path file, PrintStream out) {
    SQLiteConfig noWait = new SQLiteConfig();
    noWait.setBusyTimeout(0);
    try (Connection conn = noWait.createConnection("jdbc:sqlite:" + file);
        Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM records")) {
      rs.next();
      out.println("read " + rs.getLong(1));
    } catch (SQLException e) {
      out.println("failed " + String.valueOf(e.getMessage()).replace('\n', ' '));
    }
  }

  private static void commitForever(Path file, int threads, PrintStream out) throws Exception {
    SqliteRecordStore store = SqliteRecordStore.open(file);
    if (store.zones().isEmpty()) {
      store.commit(createZone("example.com."));
    }
    out.println("opened " + store.version());
    long run = ProcessHandle.current().pid();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread worker = new Thread(() -> {
        for (long i = 0; ; i++) {
          String owner = "p" + run + "-t" + thread + "-" + i + ".example.com.";
          long version = store.commit(ChangeSet.builder().add(a(owner, "192.0.2.1")).build()).version();
          // println on a shared stream is atomic per line.
          out.println(version);
        }
      });
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      worker.join(Duration.ofMinutes(5).toMillis());
    }
  }

  private static void commitThroughFaults(Path file, PrintStream out) {
    SqliteRecordStore store = SqliteRecordStore.open(file);
    if (store.zones().isEmpty()) {
      store.commit(createZone("example.com."));
    }
    out.println("opened " + store.version());
    long run = ProcessHandle.current().pid();
    for (long i = 0; ; i++) {
      String owner = "p" + run + "-" + i + ".example.com.";
      try {
        out.println("ok " + store.commit(ChangeSet.builder().add(a(owner, "192.0.2.1")).build()).version());
      } catch (RuntimeException e) {
        out.println("failed " + String.valueOf(e.getMessage()).replace('\n', ' '));
        // Pacing, not synchronisation: a store that fails at once would flood the pipe.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
    }
  }
}
