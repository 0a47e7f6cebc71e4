package dev.dnsd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process with its output (standard output and error together) collected line by line,
 * so that the caller can wait for a line: a dnsd.jar started by a test, or by dnsd-bench's
 * measuring programs. Closing it stops the process, by its PID.
 *
 * <pre>{@code
 * try (ChildProcess p = ChildProcess.start(dir, List.of(ChildProcess.java(), "-jar", jar, "--listen", "127.0.0.1:0"))) {
 *   Matcher m = p.awaitLine(Pattern.compile("^dnsd listening on (\\S+):(\\d+) "), Duration.ofSeconds(60));
 * }
 * }</pre>
 */
public final class ChildProcess implements AutoCloseable {
  private final Process process;
  /** Every line so far, then null once the output ended; guarded by itself. */
  private final List<String> lines = new ArrayList<>();

  private ChildProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::read, "output of " + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts the command in the directory. */
  public static ChildProcess start(Path workDir, List<String> command) throws IOException {
    return new ChildProcess(
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start());
  }

  /** The java launcher of the running JVM, for a child JVM like this one. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // The process ended.
    } finally {
      synchronized (lines) {
        lines.add(null);
        lines.notifyAll();
      }
    }
  }

  /** Waits for an output line matching the pattern; fails at the deadline or if the output ends. */
  public Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
    return awaitLineAfter(0, pattern, timeout);
  }

  /** As {@link #awaitLine}, for a line after the first {@code skip} lines. */
  public Matcher awaitLineAfter(int skip, Pattern pattern, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lines) {
      for (int seen = skip; ; ) {
        for (; seen < lines.size(); seen++) {
          String line = lines.get(seen);
          if (line == null) {
            throw new AssertionError(
                "process " + process.pid() + " exited before printing /" + pattern + "/:\n" + output());
          }
          Matcher m = pattern.matcher(line);
          if (m.find()) {
            return m;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no line /" + pattern + "/ within " + timeout + ":\n" + output());
        }
        TimeUnit.NANOSECONDS.timedWait(lines, left);
      }
    }
  }

  /** How many lines the process has printed so far. */
  public int lineCount() {
    synchronized (lines) {
      return lines.size();
    }
  }

  /** The lines so far that contain the text. */
  public long linesContaining(String text) {
    synchronized (lines) {
      return lines.stream().filter(l -> l != null && l.contains(text)).count();
    }
  }

  /** The output so far. */
  public String output() {
    synchronized (lines) {
      StringBuilder b = new StringBuilder();
      for (String line : lines) {
        if (line != null) {
          b.append(line).append('\n');
        }
      }
      return b.toString();
    }
  }

  /** Waits for the process to exit and for its output to be read to the end; returns its exit code. */
  public int waitForExit(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("process " + process.pid() + " did not exit within " + timeout);
    }
    // The reader thread may still be taking the last lines from the pipe.
    synchronized (lines) {
      while (lines.isEmpty() || lines.get(lines.size() - 1) != null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("the output of process " + process.pid() + " did not end within " + timeout);
        }
        TimeUnit.NANOSECONDS.timedWait(lines, left);
      }
    }
    return process.exitValue();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: the process gets no chance to clean up. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM, then SIGKILL if it has not ended after 10 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      kill();
    }
  }
}
