package dev.dnsd.sqlite;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted for one test, so that a disk can fill up for real. Mounting needs root:
 * without it, or where mounting is not allowed, the test is skipped, except under {@code CI=true}
 * (CI runs as root), where it fails. {@link StoreFaultTest} brings about the same outcomes with
 * injected faults on any machine. Closing unmounts it.
 */
final class Tmpfs implements AutoCloseable {
  final Path dir;
  private final Path filler;

  private Tmpfs(Path dir) {
    this.dir = dir;
    this.filler = dir.resolve("filler");
  }

  static Tmpfs mount(Path dir, long bytes) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    String uid = run(List.of("id", "-u")).output.strip();
    if (!uid.equals("0")) {
      unavailable("mounting a tmpfs needs root, and id -u is " + uid);
    }
    Result mounted =
        run(List.of("mount", "-t", "tmpfs", "-o", "size=" + bytes + ",mode=0700", "tmpfs", dir.toString()));
    if (mounted.exit != 0) {
      unavailable("mount -t tmpfs failed: " + mounted.output.strip());
    }
    return new Tmpfs(dir);
  }

  private static void unavailable(String why) {
    if ("true".equals(System.getenv("CI"))) {
      fail(why + "; CI runs as root and must run this test");
    }
    Assumptions.abort(why + "; StoreFaultTest injects the same faults");
  }

  /** Writes a file until the file system has no room left. */
  void fill() throws IOException {
    try (OutputStream out =
        Files.newOutputStream(filler, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      // Smaller and smaller blocks, until not one byte more fits.
      for (int size : new int[] {1 << 16, 1 << 12, 1}) {
        byte[] block = new byte[size];
        try {
          while (true) {
            out.write(block);
          }
        } catch (IOException full) {
          if (!String.valueOf(full.getMessage()).contains("No space left")) {
            throw full;
          }
        }
      }
    }
  }

  /** Gives back the room {@link #fill} took. */
  void free() throws IOException {
    Files.deleteIfExists(filler);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    Result unmounted = run(List.of("umount", dir.toString()));
    if (unmounted.exit != 0) {
      // Something still has a file open in it: detach it now, so nothing stays mounted.
      run(List.of("umount", "-l", dir.toString()));
      throw new IOException("umount " + dir + " failed: " + unmounted.output.strip());
    }
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(command + " did not finish");
    }
    return new Result(p.exitValue(), output);
  }
}
