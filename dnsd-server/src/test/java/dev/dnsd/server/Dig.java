package dev.dnsd.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs dig or kdig from Debian's packages; in CI a missing tool fails, elsewhere it skips. */
final class Dig {
  private Dig() {}

  static void require(String tool, String debianPackage) {
    if (Files.isExecutable(Path.of("/usr/bin", tool))) {
      return;
    }
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(tool + " is missing but CI=true: apt-get install " + debianPackage);
    }
    Assumptions.abort(tool + " is not installed (apt-get install " + debianPackage + ")");
  }

  /** Runs the tool with the arguments and returns its output; fails if it does not exit cleanly. */
  static String run(String tool, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(tool);
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(tool + " did not finish: " + command);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new AssertionError(tool + " exited " + p.exitValue() + ": " + command + "\n" + out);
    }
    return out;
  }
}
