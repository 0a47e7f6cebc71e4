package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dist/dnsd, the launcher script, runs dnsd.jar with the JVM flags of BENCHMARKS.md and passes its
 * arguments on. The jar here is one whose manifest points at this test's classpath, since the
 * real one is packaged after the tests run.
 */
class LauncherScriptTest {
  @TempDir Path dir;

  @Test
  void runsTheJarWithTheServingFlagsAndPassesTheArguments() throws Exception {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.dnsd.server.Main");
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH,
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(entry -> Path.of(entry).toAbsolutePath().toUri().toString())
            .collect(Collectors.joining(" ")));
    Path jar = dir.resolve("dnsd.jar");
    try (OutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      // the manifest is all
    }
    ProcessBuilder run = new ProcessBuilder("sh", Path.of("dist/dnsd").toAbsolutePath().toString(), "--version")
        .redirectError(dir.resolve("stderr.txt").toFile());
    run.environment().put("DNSD_JAR", jar.toString());
    run.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    run.environment().put("DNSD_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
    Process p = run.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(output + Files.readString(dir.resolve("stderr.txt"))).isZero();
    assertThat(output).as("stdout has what dnsd and the flags printed, no JVM warning").doesNotContain("[warning]");
    assertThat(output).contains("-XX:+UseSerialGC").contains("-XX:MaxHeapSize=1073741824")
        .contains("-XX:ThreadStackSize=256").contains("-XX:TrimNativeHeapInterval=1000")
        .containsPattern("(?m)^dnsd \\d");
  }

  @Test
  void withoutAJarItSaysHowToBuildOne() throws Exception {
    ProcessBuilder run = new ProcessBuilder("sh", Path.of("dist/dnsd").toAbsolutePath().toString()).redirectErrorStream(true);
    run.environment().put("DNSD_JAR", dir.resolve("none.jar").toString());
    Process p = run.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("mvn -B -q -DskipTests package");
    assertThat(p.exitValue()).isEqualTo(1);
  }
}
