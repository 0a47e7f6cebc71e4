package dev.dnsd.zone;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;

/**
 * The zone-file reader on any text: it loads a zone, or refuses the file with a {@link
 * ZoneFileException} that names a line; nothing else escapes, and nothing hangs. {@code
 * $INCLUDE} is fed only paths inside the test's directory.
 */
class ZoneFileFuzzTest {
  private static final Name ORIGIN = Name.fromConstantString("example.");

  @FuzzTest(maxDuration = "60s")
  void zoneFile(FuzzedDataProvider data) throws IOException {
    String text = data.consumeRemainingAsString();
    if (text.contains("jazzer-traversal")) {
      // Jazzer's path traversal check probes with this name; $INCLUDE reads whatever file its
      // zone file names, by design, so such an input tells nothing about the reader.
      return;
    }
    Path dir = Files.createTempDirectory("zone-fuzz");
    Path file = dir.resolve("example.zone");
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("inc.zone"), "inc A 192.0.2.9\n", StandardCharsets.UTF_8);
      try {
        Zone zone = ZoneFiles.load(file, ORIGIN);
        assertThat(zone.origin()).isEqualTo(ORIGIN);
      } catch (ZoneFileException e) {
        // The file the error is in (this one, or the one it includes), and the line where there
        // is one (a zone without an SOA has none).
        assertThat(e.getMessage()).containsPattern(Pattern.quote(dir.toString()) + "/(example|inc)\\.zone");
      } catch (InvalidZoneException e) {
        assertThat(e.getMessage()).isNotBlank(); // a zone rule, with its reason
      }
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }
}
