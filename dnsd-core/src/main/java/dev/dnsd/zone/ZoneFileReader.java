package dev.dnsd.zone;

import dev.dnsd.zone.MasterPosition.Position;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Reads one zone file through dnsjava's {@link Master} into a zone, naming file and line in errors. */
final class ZoneFileReader {
  private static final Logger log = LoggerFactory.getLogger(ZoneFileReader.class);
  // dnsjava's Tokenizer prefixes its messages with "filename:line: ".
  private static final Pattern DNSJAVA_PREFIX = Pattern.compile("^.*?:(\\d+): (.*)$", Pattern.DOTALL);

  private final Path file;
  private final Master master;
  private final Zone.Editor editor;
  private @Nullable Position soaAt;

  private ZoneFileReader(Path file, Master master, Name origin) {
    this.file = file;
    this.master = master;
    this.editor = Zone.empty(origin).edit();
  }

  static Zone read(Path file, Name origin) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString());
    }
    try (Master master = new Master(file.toString(), origin)) {
      ZoneFileReader reader = new ZoneFileReader(file, master, origin);
      try {
        for (Record r; (r = reader.next()) != null; ) {
          reader.add(r);
        }
      } catch (RuntimeException | IOException e) {
        MasterPosition.closeIncluded(master);
        throw e;
      }
      return reader.build();
    }
  }

  private @Nullable Record next() throws IOException {
    try {
      return master.nextRecord();
    } catch (FileNotFoundException e) {
      // The top-level file is open already, so this is an $INCLUDE naming a missing file.
      Position at = MasterPosition.of(master, file);
      throw new ZoneFileException(
          at.file(), at.line(), "cannot open $INCLUDE file: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      Position at = MasterPosition.of(master, file);
      String problem = String.valueOf(e.getMessage());
      int line = at.line();
      Matcher m = DNSJAVA_PREFIX.matcher(problem);
      if (m.matches()) {
        problem = m.group(2);
        if (line == 0) {
          line = Integer.parseInt(m.group(1));
        }
      }
      throw new ZoneFileException(at.file(), line, problem, e);
    }
  }

  private void add(Record r) {
    int type = r.getType();
    RRset existing = editor.rrset(r.getName(), type);
    if (type == Type.SOA && soaAt == null) {
      soaAt = recordPosition();
    } else if (type == Type.SOA) {
      throw error("a second SOA record; the zone's SOA is at " + soaAt.file() + ":" + soaAt.line());
    } else if ((type == Type.CNAME || type == Type.DNAME)
        && existing != null
        && !existing.first().equals(r)) {
      throw error(
          "a second " + Type.string(type) + " at " + r.getName() + "; an owner has at most one");
    }
    if (existing != null && type != Type.RRSIG && existing.ttl() != r.getTTL()) {
      Position at = recordPosition();
      log.warn(
          "{}:{}: TTL {} differs from the {} earlier {} {} record(s); the RRset takes {} (RFC 2181 §5.2)",
          at.file(), at.line(), r.getTTL(), existing.ttl(), r.getName(), Type.string(type), r.getTTL());
    }
    try {
      editor.add(r);
    } catch (InvalidZoneException e) {
      throw error(e.getMessage());
    }
  }

  private Zone build() {
    try {
      return editor.build();
    } catch (InvalidZoneException e) {
      throw new ZoneFileException(file, 0, e.getMessage(), e);
    }
  }

  private ZoneFileException error(String problem) {
    Position at = recordPosition();
    return new ZoneFileException(at.file(), at.line(), problem);
  }

  /** Where the record just read starts: Master reports where it ends. */
  private Position recordPosition() {
    Position end = MasterPosition.of(master, file);
    return end.line() == 0 ? end : new Position(end.file(), startOfRecord(end.file(), end.line()));
  }

  /**
   * The line where the record ending at {@code endLine} starts: the last line up to it that does
   * not begin inside parentheses (RFC 1035 §5.1 lets a record continue over lines within them).
   */
  static int startOfRecord(Path file, int endLine) {
    List<String> lines;
    try {
      // Bytes as Latin-1 so that no content is malformed; line breaks as dnsjava counts them.
      lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return endLine;
    }
    int depth = 0;
    int start = 1;
    for (int i = 0; i < lines.size() && i < endLine; i++) {
      if (depth == 0) {
        start = i + 1;
      }
      depth = depthAfter(lines.get(i), depth);
    }
    return start;
  }

  private static int depthAfter(String line, int depth) {
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == ';') {
        break;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        depth = Math.max(0, depth - 1);
      }
    }
    return depth;
  }
}
