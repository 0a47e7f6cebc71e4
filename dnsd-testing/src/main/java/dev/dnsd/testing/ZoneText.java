package dev.dnsd.testing;

import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneFileException;
import dev.dnsd.zone.ZoneFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Zone text as tests write it: TTLs may be left out, and an SOA and NS are made up when the text
 * has none. The text is read by {@link ZoneFiles#parse(String, Name)}, whose errors keep the
 * text's own line numbers here.
 */
final class ZoneText {
  /** The TTL of records that give none, until the text sets {@code $TTL}. */
  static final long DEFAULT_TTL = 3600;

  /** One line before the text: error lines are moved back by it. */
  private static final String PREFIX = "$TTL " + DEFAULT_TTL + "\n";

  private ZoneText() {}

  /**
   * @param resource the class path resource the text came from, named in errors; null for text
   *     given in code
   */
  static Zone parse(String text, Name origin, @Nullable String resource) {
    String full = PREFIX + text + (text.endsWith("\n") || text.isEmpty() ? "" : "\n") + defaults(text, origin);
    try {
      return ZoneFiles.parse(full, origin);
    } catch (ZoneFileException e) {
      // ZoneFiles names the text so; an included file's errors keep their file and line.
      if (!e.file().equals(Path.of("[" + origin + " text]"))) {
        throw e;
      }
      int line = e.line() > 1 ? e.line() - 1 : 0;
      if (line > lines(text)) {
        line = 0; // in the records made up here: the problem is with the zone as a whole
      }
      throw new ZoneFileException(resource != null ? Path.of(resource) : e.file(), line, e.problem(), e);
    }
  }

  /**
   * The SOA and NS the text lacks at the apex, absolute and with a TTL, so that nothing the text
   * sets changes them. Text that does not parse gets none: its error is for the real reader to
   * report, with its line.
   */
  private static String defaults(String text, Name origin) {
    boolean soa = false;
    boolean ns = false;
    byte[] bytes = (PREFIX + text + "\n").getBytes(StandardCharsets.UTF_8);
    try (Master master = new Master(new ByteArrayInputStream(bytes), origin)) {
      for (Record r; (r = master.nextRecord()) != null; ) {
        if (r.getName().equals(origin)) {
          soa |= r.getType() == Type.SOA;
          ns |= r.getType() == Type.NS;
        }
      }
    } catch (IOException | RuntimeException e) {
      return "";
    }
    String o = origin.toString();
    String server = origin.equals(Name.root) ? "ns1." : "ns1." + o;
    String admin = origin.equals(Name.root) ? "hostmaster." : "hostmaster." + o;
    return (soa ? "" : o + " 3600 IN SOA " + server + " " + admin + " 1 3600 600 1209600 300\n")
        + (ns ? "" : o + " 3600 IN NS " + server + "\n");
  }

  private static int lines(String text) {
    return (int) text.lines().count();
  }
}
