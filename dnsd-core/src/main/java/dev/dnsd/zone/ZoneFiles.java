package dev.dnsd.zone;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Zone files in the RFC 1035 master format, in and out: {@code $ORIGIN}, {@code $TTL}, {@code
 * $INCLUDE} (a relative path is relative to the including file), {@code $GENERATE}, RFC 3597
 * unknown types ({@code TYPE65534 \# 3 abcdef}); record data is parsed by dnsjava. A loaded zone
 * obeys every rule a commit checks (record data of at most 65,535 bytes among them); in addition a
 * file may not hold a second SOA, CNAME or DNAME where one exists, {@code $INCLUDE}s may not loop
 * or nest more than 16 files deep, and no two files given together may hold one zone. Errors are
 * {@link ZoneFileException}s naming file and line. Loading reads each file once, so its cost
 * grows with the file's length and nothing else.
 *
 * <p>RRset TTLs (RFC 2181 §5.2): when records of one RRset carry different TTLs, the RRset takes
 * the TTL of the one that comes last, as {@link Zone.Editor#add} does, and a warning names its
 * line (the first ten by line, the rest counted in one warning).
 *
 * <pre>{@code
 * Zone zone = ZoneFiles.load(Path.of("zones/example.com.zone"), Name.fromString("example.com."));
 * Zone small = ZoneFiles.parse("""
 *     @   3600 SOA ns1 hostmaster 1 7200 3600 1209600 300
 *     @   3600 NS  ns1
 *     ns1 3600 A   192.0.2.1
 *     """, Name.fromString("example.com."));
 * List<Zone> all = ZoneFiles.loadDirectory(Path.of("zones"));
 * List<Zone> some = ZoneFiles.loadAll(List.of(Path.of("a.example.zone"), Path.of("b.example.zone")));
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
   * @param file the file
   * @return the zone
   */
  public static Zone load(Path file, Name origin) throws IOException {
    return ZoneFileReader.read(file, origin, ZoneFileReader.Opener.FILES).zone();
  }

  /**
   * Loads a zone file whose origin is its leading {@code $ORIGIN} (the last one before its first
   * record or {@code $INCLUDE}), or else its file name without {@code .zone}: {@code
   * example.com.zone} holds {@code example.com.}.
   *
   * @throws ZoneFileException when the file is malformed or its records break a zone rule
   * @throws IOException when the file cannot be read
   * @param file the file
   * @return the zone
   */
  public static Zone load(Path file) throws IOException {
    return ZoneFileReader.read(file, null, ZoneFileReader.Opener.FILES).zone();
  }

  /**
   * Loads zone files, each with the origin {@link #load(Path)} gives it, in the order given. One
   * zone from two files is an error: which of them would be meant is anyone's guess.
   *
   * @param files the files
   * @return the zones, in the files' order
   * @throws ZoneFileException when a file is bad, or names a zone an earlier file holds (the error
   *     names the later file, and the line of its {@code $ORIGIN} when that is what names the zone)
   * @throws IOException when a file cannot be read
   */
  public static List<Zone> loadAll(List<Path> files) throws IOException {
    return loadAll(files, ZoneFileReader.Opener.FILES);
  }

  static List<Zone> loadAll(List<Path> files, ZoneFileReader.Opener opener) throws IOException {
    List<Zone> zones = new ArrayList<>(files.size());
    Map<Name, Path> seen = new HashMap<>();
    for (Path file : files) {
      ZoneFileReader.Loaded loaded = ZoneFileReader.read(file, null, opener);
      Name origin = loaded.zone().origin();
      Path other = seen.putIfAbsent(origin, file);
      if (other != null) {
        throw new ZoneFileException(
            file, loaded.originLine(), "zone " + origin + " is also in " + other + "; one file per zone");
      }
      zones.add(loaded.zone());
    }
    return zones;
  }

  /**
   * Parses zone text in master format, as {@link #load(Path, Name)} reads a file: for zones written
   * in code and tests. Errors name the text as the file {@code [ORIGIN text]}, with the line; an
   * {@code $INCLUDE} of a relative path is relative to the working directory.
   *
   * @param origin the zone's origin, and the origin relative names start from until the text sets
   *     {@code $ORIGIN}
   * @throws ZoneFileException when the text is malformed or its records break a zone rule
   * @throws UncheckedIOException when a file it includes cannot be read
   * @param text the zone in master format
   * @return the zone
   */
  public static Zone parse(String text, Name origin) {
    try {
      return ZoneFileReader.read(textLabel(origin), text, origin);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses zone text in master format read to its end from {@code text}, as {@link #parse(String,
   * Name)} does; the reader is not closed.
   *
   * @throws ZoneFileException when the text is malformed or its records break a zone rule
   * @throws IOException when the reader or a file the text includes cannot be read
   * @param text the zone in master format
   * @param origin the zone's origin
   * @return the zone
   */
  public static Zone parse(Reader text, Name origin) throws IOException {
    StringWriter all = new StringWriter();
    text.transferTo(all);
    return ZoneFileReader.read(textLabel(origin), all.toString(), origin);
  }

  /** What errors in zone text name as its file: no file has that name, and it says which zone. */
  private static Path textLabel(Name origin) {
    return Path.of("[" + origin + " text]");
  }

  /**
   * Loads every {@code ORIGIN.zone} file in a directory (not its subdirectories), in order of file
   * name, as {@link #loadAll} does: {@code example.com.zone} holds the zone {@code example.com.},
   * unless the file sets {@code $ORIGIN} before its first record.
   *
   * @throws ZoneFileException when a file is bad, or two files hold the same zone
   * @throws IOException when the directory or a file cannot be read
   * @param dir the directory
   * @return the zones
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
    return loadAll(files);
  }

  /**
   * Writes the zone in master format: {@code $ORIGIN}, then every record, SOA first. What it writes
   * loads again as the same zone: a record whose text form would not read back is written in RFC
   * 3597's generic form ({@code \# length hex}).
   *
   * @param zone the zone
   * @param out where to write
   * @throws IOException when {@code out} fails
   */
  public static void write(Zone zone, Appendable out) throws IOException {
    Name origin = zone.origin();
    out.append("$ORIGIN ").append(origin.toString()).append('\n');
    for (Record r : zone.records()) {
      Name owner = r.getName();
      // "@" because an empty owner field would mean "the previous owner".
      String relative = owner.equals(origin) ? "@" : owner.relativize(origin).toString();
      String text = r.toString();
      // Record.toString starts with the absolute owner; only the owner field is rewritten.
      out.append(relative);
      if (readsBack(r)) {
        out.append(text, owner.toString().length(), text.length()).append('\n');
      } else {
        byte[] data = r.rdataToWireCanonical();
        out.append('\t').append(Long.toString(r.getTTL())).append('\t').append(DClass.string(r.getDClass()))
            .append('\t').append(Type.string(r.getType())).append("\t\\# ").append(Integer.toString(data.length));
        if (data.length > 0) {
          out.append(' ').append(HexFormat.of().formatHex(data));
        }
        out.append('\n');
      }
    }
  }

  /**
   * Whether the record's text form reads back as the same data. Data that arrived as wire bytes
   * (a transfer, an UPDATE, a store) can be data dnsjava writes as text it cannot read again: a DS
   * whose digest is not its digest type's length, an empty TXT. Those are written in RFC 3597's
   * generic form, so an exported zone always imports again.
   */
  private static boolean readsBack(Record r) {
    try {
      Record back =
          Record.fromString(r.getName(), r.getType(), r.getDClass(), r.getTTL(), r.rdataToString(), Name.root);
      return Arrays.equals(back.rdataToWireCanonical(), r.rdataToWireCanonical());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The zone in master format, as {@link #write} makes it.
   *
   * @param zone the zone
   * @return the text
   */
  public static String toMasterFormat(Zone zone) {
    StringBuilder out = new StringBuilder();
    try {
      write(zone, out);
    } catch (IOException e) {
      throw new UncheckedIOException("a StringBuilder does not fail", e);
    }
    return out.toString();
  }

  /** The origin a file's name gives: the name without the suffix, as an absolute name. */
  static Name originOfName(Path file) {
    String name = file.getFileName().toString();
    String text = name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name;
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw new ZoneFileException(file, 0, "file name does not name a zone: " + e.getMessage(), e);
    }
  }
}
