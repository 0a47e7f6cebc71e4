package dev.dnsd.xfr;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;

/**
 * Runs real DNS software for interop tests: finds the program (failing in CI, where it must be
 * installed, and skipping elsewhere), starts it with output to a file, and stops it by its PID.
 */
final class RealDns {
  private RealDns() {}

  /** The program's path; in CI (env CI=true) a missing program fails the test, elsewhere skips it. */
  static Path require(String program, String aptPackage) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin", "/usr/local/bin"));
    for (String dir : dirs) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String message = program + " is not installed (Debian package " + aptPackage + ")";
    if ("true".equals(System.getenv("CI"))) {
      fail(message + "; .ci/run must apt-get install it");
    }
    Assumptions.abort(message + "; skipped outside CI");
    throw new AssertionError("unreachable");
  }

  /** A started program; {@link #close()} stops it by its PID. */
  static final class Daemon implements AutoCloseable {
    final Process process;
    final Path log;

    Daemon(Process process, Path log) {
      this.process = process;
      this.log = log;
    }

    static Daemon start(Path log, String... command) throws IOException {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      return new Daemon(pb.start(), log);
    }

    String log() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }

    @Override
    public void close() throws InterruptedException {
      ProcessHandle handle = process.toHandle();
      handle.destroy(); // SIGTERM to this PID only
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        handle.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  /** The result of running a command to its end. */
  record Run(int exit, String output) {}

  static Run run(Path dir, String stdin, String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "run", ".out");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.toHandle().destroyForcibly();
      fail(String.join(" ", command) + " did not finish within 60 s");
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }

  /** One UDP query with a short timeout; null when there is no answer. */
  static Message query(InetSocketAddress server, Name name, int type) {
    try {
      SimpleResolver r = new SimpleResolver(server);
      r.setTimeout(Duration.ofMillis(500));
      return r.send(Message.newQuery(Record.newRecord(name, type, DClass.IN)));
    } catch (IOException e) {
      return null;
    }
  }
}
