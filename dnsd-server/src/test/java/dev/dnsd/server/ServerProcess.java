package dev.dnsd.server;

import dev.dnsd.ChildProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The runnable server as a child JVM ({@code dev.dnsd.server.Main} on this test's classpath,
 * which is what dnsd.jar runs), with its output collected ({@link ChildProcess}) so that a test
 * can wait for a line.
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("dnsd listening on (\\S+):(\\d+) ");
  private static final Pattern SYNC_LISTENING = Pattern.compile("^dnsd sync listening on (\\S+):(\\d+) ");

  private final ChildProcess process;

  private ServerProcess(ChildProcess process) {
    this.process = process;
  }

  static ServerProcess start(Path workDir, String... args) throws IOException {
    return start(workDir, List.of(), args);
  }

  /** With these options for the child JVM, such as {@code -Xmx64m}. */
  static ServerProcess start(Path workDir, List<String> jvmOptions, String... args) throws IOException {
    // A child inherits an ignored SIGHUP from however the build was started (nohup does that),
    // and the JVM then never hears one: the server starts with the signal's default, as from a
    // shell or a service manager.
    return start(workDir, List.of("env", "--default-signal=HUP"), jvmOptions, args);
  }

  /** Started as {@code nohup} starts a program, with SIGHUP ignored. */
  static ServerProcess startIgnoringHangup(Path workDir, String... args) throws IOException {
    return start(workDir, List.of("nohup"), List.of(), args);
  }

  private static ServerProcess start(Path workDir, List<String> launcher, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(launcher);
    command.add(ChildProcess.java());
    command.addAll(jvmOptions);
    if (Runtime.version().feature() >= 22) {
      command.add("--enable-native-access=ALL-UNNAMED"); // as dnsd.jar's manifest grants it
    }
    command.add("-cp");
    // Absolute, because the child runs in workDir.
    command.add(Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator)));
    command.add("dev.dnsd.server.Main");
    command.addAll(List.of(args));
    return new ServerProcess(ChildProcess.start(workDir, command));
  }

  /** The packaged dnsd.jar as an operator runs it, {@code java -jar dnsd.jar ARGS}. */
  static ServerProcess startJar(Path jar, Path workDir, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ChildProcess.java());
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    command.addAll(List.of(args));
    return new ServerProcess(ChildProcess.start(workDir, command));
  }

  /** Waits for an output line matching the pattern; fails at the deadline or if the process ends. */
  Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
    return process.awaitLine(pattern, timeout);
  }

  /** The port of the first address the server printed it listens on. */
  int awaitPort() throws InterruptedException {
    return Integer.parseInt(awaitLine(LISTENING, Duration.ofSeconds(60)).group(2));
  }

  /** The port of the sync listener the server printed (a primary started with --sync-listen). */
  int awaitSyncPort() throws InterruptedException {
    return Integer.parseInt(awaitLine(SYNC_LISTENING, Duration.ofSeconds(60)).group(2));
  }

  /** The output lines so far that contain the text. */
  long linesContaining(String text) {
    return process.linesContaining(text);
  }

  String output() {
    return process.output();
  }

  /** Waits for the process to exit and for its output to be read to the end. */
  int waitForExit(Duration timeout) throws InterruptedException {
    return process.waitForExit(timeout);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGHUP, which the server takes as "reload". */
  void hangup() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -HUP " + process.pid() + " failed");
    }
  }

  /** Waits for a line that comes after the first {@code skip} lines. */
  Matcher awaitLineAfter(int skip, Pattern pattern, Duration timeout) throws InterruptedException {
    return process.awaitLineAfter(skip, pattern, timeout);
  }

  /** How many lines the server has printed so far. */
  int lineCount() {
    return process.lineCount();
  }

  /** SIGKILL: the process gets no chance to clean up. */
  void kill() throws InterruptedException {
    process.kill();
  }

  /** SIGTERM, then SIGKILL if it has not ended after a while. */
  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
