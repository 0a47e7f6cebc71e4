package dev.dnsd.server;

import dev.dnsd.store.RecordStore;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** {@code java -jar dnsd.jar export ZONE [--db FILE]}: the zone in master format on stdout. */
final class ExportCommand {
  static final String USAGE = "usage: java -jar dnsd.jar export ZONE [--db FILE]\n";

  private ExportCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
    Flags flags = Flags.parse(args, StoreFlags.VALUE_FLAGS, new HashSet<>(Set.of("--help")));
    if (flags.has("--help")) {
      out.print(USAGE);
      return 0;
    }
    if (flags.positional().size() != 1) {
      throw new UsageException("export takes one zone name");
    }
    Name origin;
    try {
      String text = flags.positional().get(0);
      origin = Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw new UsageException("not a zone name: " + e.getMessage());
    }
    try (RecordStore store = StoreFlags.open(flags)) {
      Zone zone = store.zones().get(origin);
      if (zone == null) {
        err.println("dnsd: no zone " + origin + " in " + StoreFlags.describe(store));
        return 1;
      }
      ZoneFiles.write(zone, out);
      out.flush();
      return 0;
    }
  }
}
