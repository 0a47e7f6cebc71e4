package dev.dnsd.zone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Zone text given in code: the same reader as zone files, with the text standing for the file. */
class ZoneTextTest {
  private static final Name ORIGIN = Name.fromConstantString("example.com.");
  private static final String HEAD =
      """
      $TTL 3600
      @ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
      @ NS ns1
      ns1 A 192.0.2.1
      """;

  @TempDir Path dir;

  private static List<String> lines(Zone zone) {
    return zone.records().stream().map(Record::toString).toList();
  }

  @Test
  @DisplayName("text is read as a file is: relative names, $TTL and $ORIGIN")
  void sameAsAFile() throws IOException {
    String text = HEAD + "www A 192.0.2.2\n$ORIGIN sub.example.com.\ndeep 60 A 192.0.2.3\n";
    Path file = Files.writeString(dir.resolve("example.com.zone"), text);

    Zone parsed = ZoneFiles.parse(text, ORIGIN);

    assertThat(lines(parsed)).isEqualTo(lines(ZoneFiles.load(file, ORIGIN)));
    assertThat(parsed.rrset(Name.fromString("deep.sub.example.com."), Type.A).ttl()).isEqualTo(60);
  }

  @Test
  @DisplayName("a reader is read to its end, as the same text in a string")
  void reader() throws IOException {
    String text = HEAD + "txt TXT \"café\"\n";
    Path file = Files.write(dir.resolve("utf8.zone"), text.getBytes(StandardCharsets.UTF_8));

    Zone read = ZoneFiles.parse(new StringReader(text), ORIGIN);

    assertThat(lines(read)).isEqualTo(lines(ZoneFiles.parse(text, ORIGIN)));
    // Encoded as a UTF-8 file of the same text holds it.
    assertThat(lines(read)).isEqualTo(lines(ZoneFiles.load(file, ORIGIN)));
  }

  @Test
  @DisplayName("an error names the text and the line, as it would a file's")
  void errorLine() throws IOException {
    // A rule broken by a record over three lines: the line where it starts.
    String rule = HEAD + "www A 192.0.2.2\nwww CNAME (\n  other\n  )\n";
    // A syntax error: the line where the parser found it.
    String syntax = HEAD + "mx MX (\n  10\n  )\n";
    for (String text : List.of(rule, syntax)) {
      Path file = Files.writeString(dir.resolve("example.com.zone"), text);
      ZoneFileException fromFile =
          catchThrowableOfType(ZoneFileException.class, () -> ZoneFiles.load(file, ORIGIN));
      ZoneFileException e =
          catchThrowableOfType(ZoneFileException.class, () -> ZoneFiles.parse(text, ORIGIN));

      assertThat(e.file()).hasToString("[example.com. text]");
      assertThat(e.line()).isEqualTo(fromFile.line()).isPositive();
      assertThat(e.problem()).isEqualTo(fromFile.problem());
      assertThat(e.getMessage()).isEqualTo("[example.com. text]:" + e.line() + ": " + e.problem());
    }
    ZoneFileException e =
        catchThrowableOfType(ZoneFileException.class, () -> ZoneFiles.parse(rule, ORIGIN));
    assertThat(e.line()).isEqualTo(6);
  }

  @Test
  @DisplayName("text without an SOA is refused, naming the text")
  void withoutSoa() {
    ZoneFileException e =
        catchThrowableOfType(
            ZoneFileException.class, () -> ZoneFiles.parse("$TTL 60\n@ NS ns1\n", ORIGIN));

    assertThat(e.line()).isZero();
    assertThat(e.problem()).contains("SOA");
    assertThat(e.file()).hasToString("[example.com. text]");
  }
}
