package dev.dnsd.server;

import dev.dnsd.sqlite.SqliteRecordStore;
import dev.dnsd.store.StoreException;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar dnsd.jar check-config FILE [flags]}: checks a config file, with any flags over
 * it, as serve would read it, and every file it names (zone files, keys, secrets, peers files,
 * keystores, the store), without serving and without writing anything. Exit 0 when serve would
 * start, 1 with the first problem (file, line and key) when not.
 */
@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description = "Check a config file (and the flags given beside it) and every file it names, as "
        + "serve would read them, without serving. Exit 0 when valid, 1 with the first "
        + "problem.")
final class CheckConfigCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", arity = "0..1", description = "the config file (or give --config FILE)")
  @Nullable Path file;

  @Mixin ServeFlags flags;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (file != null && flags.config != null) {
      throw new UsageException("check-config takes FILE or --config FILE, not both");
    }
    if (file != null) {
      flags.config = file;
    }
    if (flags.config == null) {
      throw new UsageException("check-config needs a config file: check-config FILE");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Serving.Prepared prepared = Serving.prepare(Serving.load(flags), null);
      Settings s = prepared.settings();
      out.println("dnsd: " + flags.config + " is valid");
      if (s.zoneFiles != null) {
        out.println("  " + prepared.zones().size() + " zone(s) in " + s.zoneFiles.value());
      }
      out.println("  store: " + store(s));
      if (prepared.xfr() != null) {
        out.println("  zone transfers: " + s.tsigKeys.size() + " TSIG key(s), " + s.allowTransfer.size()
            + " transfer and " + s.allowUpdate.size() + " update rule(s), " + s.notify.size() + " NOTIFY target(s), "
            + s.secondaryZones.size() + " secondary zone(s)");
      }
      if (s.isSecondary()) {
        out.println("  sync: secondary " + s.name + " of " + HostPort.format(s.primary.value()));
      } else if (prepared.sync() != null) {
        out.println("  sync: primary on " + HostPort.format(s.syncListen.value()));
      }
      return 0;
    } catch (UsageException | IOException | InvalidZoneException | StoreException e) {
      err.println("dnsd: " + e.getMessage());
      return 1;
    }
  }

  private static String store(Settings s) {
    if (StoreSettings.inMemory(s)) {
      return "memory";
    }
    Path db = StoreSettings.dbFile(s);
    if (!Files.exists(db)) {
      Path dir = db.toAbsolutePath().getParent();
      if (dir == null || !Files.isDirectory(dir)) {
        throw new StoreException("database " + db.toAbsolutePath() + " cannot be created: no directory " + dir);
      }
      return db + " (does not exist yet; serve creates it)";
    }
    ZoneTable zones = SqliteRecordStore.readZones(db);
    return db + " (" + zones.size() + " zone(s), version " + zones.version() + ")";
  }
}
