package dev.dnsd.server;

import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.RecordStore;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code java -jar dnsd.jar import FILE... [--db FILE]}: loads zone files into the store, each
 * zone replacing the one of its origin, all in one change. A bad file, or two files of one zone,
 * change nothing.
 */
final class ImportCommand {
  static final String USAGE =
      """
      usage: java -jar dnsd.jar import FILE... [--db FILE]
        each FILE is a master-format zone; its origin is its $ORIGIN or its name without .zone;
        two files may not hold the same zone
      """;

  private ImportCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
    Flags flags = Flags.parse(args, StoreFlags.VALUE_FLAGS, new HashSet<>(Set.of("--help")));
    if (flags.has("--help")) {
      out.print(USAGE);
      return 0;
    }
    if (flags.positional().isEmpty()) {
      throw new UsageException("import needs at least one zone file");
    }
    ChangeSet.Builder changes = ChangeSet.builder();
    for (Zone zone : ZoneFiles.loadAll(flags.positional().stream().map(Path::of).toList())) {
      changes.replaceZone(zone.origin(), zone.records());
    }
    try (RecordStore store = StoreFlags.open(flags)) {
      Change change = store.commit(changes.build());
      out.printf(
          "dnsd: imported %d zone(s) into %s%s%n",
          flags.positional().size(),
          StoreFlags.describe(store),
          change.isEmpty() ? " (no change)" : ", version " + change.version());
      return 0;
    }
  }
}
