package dev.dnsd.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project outside the repository, as a user would write one: it imports dnsd-bom, depends on
 * dnsd-core and dnsd-testing from a local repository they were installed into (not the reactor's
 * target directories), uses the JUnit extension in three lines, and passes; its slf4j-api is 2.x.
 * The build that runs it is a separate Maven process, whose only source of other artifacts is the
 * local repository of this build, offered as a mirror: nothing is downloaded.
 */
class ConsumerProjectIT {
  /** Bounds the child build; it takes some 20 s on two cores. */
  private static final long TIMEOUT_MINUTES = 5;

  @TempDir Path dir;

  @Test
  void aProjectOutsideTheRepositoryUsesTheExtensionAndGetsSlf4j2() throws Exception {
    Path project = dir.resolve("uses-dnsd");
    copyTemplate(project);
    Path settings = dir.resolve("settings.xml");
    Files.writeString(settings, settings());
    Path log = dir.resolve("build.log");

    Path mvn = Path.of(property("consumer.maven.home"), "bin", "mvn");
    ProcessBuilder build =
        new ProcessBuilder(mvn.toString(), "-B", "-s", settings.toString(), "test")
            .directory(project.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = build.environment();
    env.put("JAVA_HOME", System.getProperty("java.home")); // the JDK this test runs on
    Process process = build.start();
    boolean ended = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
    if (!ended) {
      process.destroyForcibly().waitFor();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);

    assertThat(ended).as("the consumer build ended within %d min:%n%s", TIMEOUT_MINUTES, tail(output)).isTrue();
    assertThat(process.exitValue()).as("the consumer build's exit code:%n%s", tail(output)).isZero();
    assertThat(output)
        .contains("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0")
        .contains("slf4j-api jar: ")
        .contains("/org/slf4j/slf4j-api/2.")
        // dnsd's artifacts are the installed ones: none is taken from the mirror, which may hold
        // older ones from an earlier mvn install.
        .doesNotContainPattern("Download(ing|ed) from this-build: \\S*/dev/dnsd/");
    assertThat(Path.of(property("consumer.repository"), "dev", "dnsd", "dnsd-testing")).isDirectory();
  }

  private static void copyTemplate(Path target) throws IOException, URISyntaxException {
    Path template = Path.of(ConsumerProjectIT.class.getResource("/consumer/pom.xml").toURI()).getParent();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(template)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    for (Path file : files) {
      Path copy = target.resolve(template.relativize(file).toString());
      Files.createDirectories(copy.getParent());
      Files.writeString(copy, fill(Files.readString(file, StandardCharsets.UTF_8)));
    }
  }

  /** The template's placeholders: the versions this build uses, which its repository holds. */
  private static String fill(String text) {
    return text.replace("@dnsd.version@", property("consumer.dnsd.version"))
        .replace("@junit.version@", property("consumer.junit.version"))
        .replace("@compiler.version@", property("consumer.compiler.version"))
        .replace("@resources.version@", property("consumer.resources.version"))
        .replace("@surefire.version@", property("consumer.surefire.version"));
  }

  /**
   * The local repository the modules were installed into, and this build's own local repository
   * as the one remote repository: what the user's machine would have after {@code mvn install}.
   */
  private static String settings() {
    return """
        <settings>
          <localRepository>%s</localRepository>
          <mirrors>
            <mirror>
              <id>this-build</id>
              <mirrorOf>*</mirrorOf>
              <url>%s</url>
            </mirror>
          </mirrors>
        </settings>
        """
        .formatted(property("consumer.repository"), Path.of(property("consumer.mirror")).toUri());
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException(name + " is not set: run this test through Maven (dnsd-consumer-test's pom sets it)");
    }
    return value;
  }

  private static String tail(String output) {
    List<String> lines = output.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }
}
