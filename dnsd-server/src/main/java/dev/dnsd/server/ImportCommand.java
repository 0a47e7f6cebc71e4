package dev.dnsd.server;

import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.RecordStore;
import dev.dnsd.store.StoreException;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar dnsd.jar import FILE... [--db FILE]}: loads zone files into the store, each
 * zone replacing the one of its origin, all in one change. A bad file, or two files of one zone,
 * change nothing. A store a server runs on is refused: that server's zones change through it.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = "Load zone files into a SQLite store, each replacing the zone of its origin, all "
        + "in one change; not while a server runs on the store (use control replace-zone, "
        + "or edit its zone files and reload).")
final class ImportCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", arity = "1..*",
      description = "a master-format zone; its origin is its $ORIGIN or its name without .zone;"
          + " two files may not hold the same zone")
  List<Path> files;

  @Option(names = "--db", paramLabel = "FILE",
      description = "the SQLite store (default ./" + StoreSettings.DEFAULT_DB + "; created when missing)")
  Path db = Path.of(StoreSettings.DEFAULT_DB);

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    ChangeSet.Builder changes = ChangeSet.builder();
    for (Zone zone : ZoneFiles.loadAll(files)) {
      changes.replaceZone(zone);
    }
    Settings settings = new Settings();
    settings.db = new At<>(db, Source.flag("--db"));
    RecordStore opened;
    try {
      opened = StoreSettings.open(settings);
    } catch (StoreException e) {
      if (String.valueOf(e.getMessage()).contains("in use by another dnsd process")) {
        // Two writers would each serve their own idea of the zones; the running one stays in charge.
        throw new StoreException(e.getMessage() + "\nto change the zones of a running server, use"
            + " 'java -jar dnsd.jar control ... replace-zone ZONE FILE', or edit its zone files and"
            + " reload it (SIGHUP or control reload)", e);
      }
      throw e;
    }
    try (RecordStore store = opened) {
      Change change = store.commit(changes.build());
      spec.commandLine().getOut().printf(
          "dnsd: imported %d zone(s) into %s%s%n",
          files.size(),
          StoreSettings.describe(store),
          change.isEmpty() ? " (no change)" : ", version " + change.version());
      return 0;
    }
  }
}
