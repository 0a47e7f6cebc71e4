package dev.dnsd.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a zone file of TXT records of about 1.1 KB each, up to a given file size: the zone whose
 * SQLite store should stay close to the zone's own size.
 *
 * <pre>{@code
 * java -cp dnsd-bench/target/benchmarks.jar dev.dnsd.bench.TxtZoneFile 10000000 txt10m.zone
 * java -jar dnsd-server/target/dnsd.jar import --db txt10m.sqlite txt10m.zone
 * du -b txt10m.zone txt10m.sqlite
 * }</pre>
 *
 * <p>The zone is {@code txt.example.}: an SOA, an NS and names {@code t0000000} and on, each with
 * one TXT record of five 220-character strings of random letters (1,105 bytes of record data), so
 * that no two records share data and nothing in the file repeats. The same size always gives the
 * same file.
 */
public final class TxtZoneFile {
  private static final int STRINGS = 5;
  private static final int STRING_LENGTH = 220;

  private TxtZoneFile() {}

  /**
   * Writes the file.
   *
   * @param args the file's size in bytes (it stops at the first record past it), and its path
   * @throws IOException when the file cannot be written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: TxtZoneFile BYTES FILE");
    }
    long size = Long.parseLong(args[0]);
    Path file = Path.of(args[1]);
    SplittableRandom random = new SplittableRandom(size);
    long written = 0;
    int records = 0;
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      String head =
          "$ORIGIN txt.example.\n$TTL 3600\n"
              + "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 3600\n"
              + "@ IN NS ns1\nns1 IN A 192.0.2.1\n";
      out.write(head);
      written += head.length();
      StringBuilder line = new StringBuilder(STRINGS * (STRING_LENGTH + 3) + 32);
      while (written < size) {
        line.setLength(0);
        line.append(String.format("t%07d IN TXT", records++));
        for (int s = 0; s < STRINGS; s++) {
          line.append(" \"");
          for (int c = 0; c < STRING_LENGTH; c++) {
            line.append((char) ('a' + random.nextInt(26)));
          }
          line.append('"');
        }
        line.append('\n');
        out.append(line);
        written += line.length();
      }
    }
    System.out.printf("%s: %,d bytes, %,d TXT records%n", file, written, records);
  }
}
