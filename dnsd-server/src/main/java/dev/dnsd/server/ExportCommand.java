package dev.dnsd.server;

import dev.dnsd.sqlite.SqliteRecordStore;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.xbill.DNS.Name;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar dnsd.jar export ZONE [--db FILE]}: the zone in master format on stdout. Reads the
 * store's last commit without opening it, so it works while a server runs on the file.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = "Write a zone of a SQLite store in master format to stdout; also while a server "
        + "runs on the store.")
final class ExportCommand implements Callable<Integer> {
  @Parameters(paramLabel = "ZONE", description = "the zone's name") String zone;

  @Option(names = "--db", paramLabel = "FILE",
      description = "the SQLite store (default ./" + StoreSettings.DEFAULT_DB + ")")
  Path db = Path.of(StoreSettings.DEFAULT_DB);

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Name origin = Settings.zone(Source.flag("export"), zone);
    if (!Files.exists(db)) {
      err.println("dnsd: no zone " + origin + " in " + db + ": there is no such database");
      return 1;
    }
    Zone found = SqliteRecordStore.readZones(db).get(origin);
    if (found == null) {
      err.println("dnsd: no zone " + origin + " in " + db.toAbsolutePath());
      return 1;
    }
    ZoneFiles.write(found, out);
    out.flush();
    return 0;
  }
}
