package dev.dnsd.zone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/**
 * Zone files in the RFC 1035 master format, in and out. Parsing is dnsjava's {@link
 * org.xbill.DNS.Master}: {@code $ORIGIN}, {@code $TTL}, {@code $INCLUDE} (a relative path is
 * relative to the including file), {@code $GENERATE}, RFC 3597 unknown types ({@code TYPE65534 \#
 * 3 abcdef}). A loaded zone obeys every rule a commit checks; in addition a file may not hold a
 * second SOA, CNAME or DNAME where one exists. Errors are {@link ZoneFileException}s naming file
 * and line.
 *
 * <p>RRset TTLs (RFC 2181 §5.2): when records of one RRset carry different TTLs, the RRset takes
 * the TTL of the one that comes last, as {@link Zone.Editor#add} does, and a warning names its
 * line.
 *
 * <pre>{@code
 * Zone zone = ZoneFiles.load(Path.of("zones/example.com.zone"), Name.fromString("example.com."));
 * List<Zone> all = ZoneFiles.loadDirectory(Path.of("zones"));
 * String text = ZoneFiles.toMasterFormat(zone);
 * }</pre>
 */
public final class ZoneFiles {
  private static final String SUFFIX = ".zone";

  private ZoneFiles() {}

  /**
   * Loads a zone file.
   *
   * @param origin the zone's origin, and the origin relative names start from until the file sets
   *     {@code $ORIGIN}
   * @throws ZoneFileException when the file is malformed or its records break a zone rule
   * @throws IOException when the file cannot be read
   */
  public static Zone load(Path file, Name origin) throws IOException {
    return ZoneFileReader.read(file, origin);
  }

  /**
   * Loads a zone file whose origin is its leading {@code $ORIGIN}, or else its file name without
   * {@code .zone}: {@code example.com.zone} holds {@code example.com.}.
   *
   * @throws ZoneFileException when the file is malformed or its records break a zone rule
   * @throws IOException when the file cannot be read
   */
  public static Zone load(Path file) throws IOException {
    return load(file, originOf(file));
  }

  /**
   * Loads every {@code ORIGIN.zone} file in a directory (not its subdirectories), in order of file
   * name. {@code example.com.zone} holds the zone {@code example.com.}, unless the file sets {@code
   * $ORIGIN} before its first record: then that origin is the zone's.
   *
   * @throws ZoneFileException when a file is bad, or two files hold the same zone
   * @throws IOException when the directory or a file cannot be read
   */
  public static List<Zone> loadDirectory(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files =
          listing
              .filter(p -> p.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(p))
              .sorted()
              .toList();
    }
    List<Zone> zones = new ArrayList<>(files.size());
    Map<Name, Path> seen = new HashMap<>();
    for (Path file : files) {
      Name origin = originOf(file);
      Path other = seen.putIfAbsent(origin, file);
      if (other != null) {
        throw new ZoneFileException(file, 0, "zone " + origin + " is also in " + other);
      }
      zones.add(load(file, origin));
    }
    return zones;
  }

  /** Writes the zone in master format: {@code $ORIGIN}, then every record, SOA first. */
  public static void write(Zone zone, Appendable out) throws IOException {
    Name origin = zone.origin();
    out.append("$ORIGIN ").append(origin.toString()).append('\n');
    for (Record r : zone.records()) {
      Name owner = r.getName();
      // "@" because an empty owner field would mean "the previous owner".
      String relative = owner.equals(origin) ? "@" : owner.relativize(origin).toString();
      String text = r.toString();
      // Record.toString starts with the absolute owner; only the owner field is rewritten.
      out.append(relative).append(text, owner.toString().length(), text.length()).append('\n');
    }
  }

  /** The zone in master format, as {@link #write} makes it. */
  public static String toMasterFormat(Zone zone) {
    StringBuilder out = new StringBuilder();
    try {
      write(zone, out);
    } catch (IOException e) {
      throw new UncheckedIOException("a StringBuilder does not fail", e);
    }
    return out.toString();
  }

  /** The origin a file holds: its leading {@code $ORIGIN}, else its name without the suffix. */
  static Name originOf(Path file) throws IOException {
    Name declared = leadingOrigin(file);
    if (declared != null) {
      return declared;
    }
    String name = file.getFileName().toString();
    String text = name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name;
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw new ZoneFileException(file, 0, "file name does not name a zone: " + e.getMessage(), e);
    }
  }

  /** The last {@code $ORIGIN} before the file's first record or {@code $INCLUDE}, if any. */
  private static @Nullable Name leadingOrigin(Path file) throws IOException {
    Name origin = null;
    List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String[] fields = withoutComment(line).trim().split("\\s+");
      if (fields[0].isEmpty()) {
        continue;
      }
      String directive = fields[0].toUpperCase(Locale.ROOT);
      if (directive.equals("$TTL")) {
        continue;
      }
      if (!directive.equals("$ORIGIN") || Character.isWhitespace(line.charAt(0))) {
        break;
      }
      if (fields.length < 2) {
        throw new ZoneFileException(file, i + 1, "$ORIGIN without a name");
      }
      try {
        // As dnsjava reads $ORIGIN: a name without a final dot is taken as absolute.
        origin = Name.fromString(fields[1], Name.root);
      } catch (TextParseException e) {
        throw new ZoneFileException(file, i + 1, e.getMessage(), e);
      }
    }
    return origin;
  }

  private static String withoutComment(String line) {
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ';' && !quoted) {
        return line.substring(0, i);
      }
    }
    return line;
  }
}
