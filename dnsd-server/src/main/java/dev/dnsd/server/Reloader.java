package dev.dnsd.server;

import dev.dnsd.DnsServer;
import dev.dnsd.ServerExtension;
import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.sync.ReloadHandler;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Reload without restart (SIGHUP, {@code control reload}): reads the config file and the zone
 * files again, as the serve command read them at start, and replaces each zone whose file now says
 * something else, all in one commit, so that a zone never vanishes and no query sees half a reload.
 * A zone whose file is as it was is left alone, also when UPDATE or a control client changed it
 * since. Anything wrong (a bad config file, a bad zone file, a missing key file) leaves everything
 * as it was, and the reason is logged and returned to the control client.
 *
 * <p>Only the zone files are applied. The other settings (listen addresses, threads, store, TSIG
 * keys, ACLs, NOTIFY targets, secondary zones, sync) are built into the running server: a reload
 * checks them, and names those that differ from the running ones as needing a restart. A zone whose
 * file was removed stays in the store ({@code control delete-zone} deletes it).
 */
final class Reloader implements ReloadHandler {
  private static final Logger log = LoggerFactory.getLogger("dnsd.reload");

  private final ServeFlags flags;
  private final Settings running;
  private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "dnsd-reload");
    t.setDaemon(true);
    return t;
  });
  // The content of each zone file as last loaded: a zone is replaced only when its file changed.
  private Map<Name, String> loaded = new HashMap<>();
  private @Nullable DnsServer server;
  private @Nullable ServerExtension sync;

  Reloader(ServeFlags flags, Settings running) {
    this.flags = flags;
    this.running = running;
  }

  /** The zones the server starts with from the zone files. */
  synchronized void loaded(List<Zone> zones) {
    loaded = digests(zones);
  }

  synchronized void started(DnsServer server, @Nullable ServerExtension sync) {
    this.server = server;
    this.sync = sync;
  }

  synchronized @Nullable ServerExtension sync() {
    return sync;
  }

  /** For SIGHUP: reloads on a thread of its own, one reload after another, and logs the outcome. */
  void reloadInBackground() {
    try {
      background.execute(() -> {
        try {
          reload();
        } catch (Exception e) {
          // reload() logged why.
        }
      });
    } catch (RejectedExecutionException e) {
      // Shutting down.
    }
  }

  @Override
  public synchronized String reload() throws ReloadFailedException {
    DnsServer s = server;
    if (s == null) {
      throw failed("the server is still starting");
    }
    String what = flags.config == null ? "zone files" : "config " + flags.config + " and zone files";
    Serving.Prepared fresh;
    try {
      fresh = Serving.prepare(Serving.load(flags), null);
    } catch (UsageException | IOException | InvalidZoneException e) {
      throw failed(e.getMessage());
    }
    ChangeSet.Builder changes = ChangeSet.builder();
    List<Name> replaced = new ArrayList<>();
    Map<Name, String> now = digests(fresh.zones());
    for (Zone zone : fresh.zones()) {
      if (!now.get(zone.origin()).equals(loaded.get(zone.origin()))) {
        changes.replaceZone(zone);
        replaced.add(zone.origin());
      }
    }
    long version = s.store().version();
    if (!replaced.isEmpty()) {
      try {
        Change change = s.commit(changes.build());
        version = change.version();
      } catch (RuntimeException e) {
        throw failed("the store refused the new zones: " + e.getMessage());
      }
    }
    loaded = now;
    StringBuilder summary = new StringBuilder("reloaded " + what + ": ");
    summary.append(replaced.size()).append(" zone(s) replaced");
    if (!replaced.isEmpty()) {
      summary.append(" (").append(String.join(", ", replaced.stream().map(Name::toString).toList())).append(')');
    }
    summary.append(", ").append(fresh.zones().size() - replaced.size()).append(" unchanged, version ").append(version);
    List<String> restart = fresh.settings().restartNeeded(running);
    if (!restart.isEmpty()) {
      summary.append("; changed but applied only at restart: ").append(String.join(", ", restart));
    }
    log.info("{}", summary);
    return summary.toString();
  }

  private ReloadFailedException failed(String why) {
    String message = "reload failed, nothing changed: " + why;
    log.warn("{}", message);
    return new ReloadFailedException(message);
  }

  /** Why a reload changed nothing; the message is what the log and the control client get. */
  static final class ReloadFailedException extends Exception {
    ReloadFailedException(String message) {
      super(message);
    }
  }

  private static Map<Name, String> digests(List<Zone> zones) {
    Map<Name, String> out = new HashMap<>();
    for (Zone zone : zones) {
      out.put(zone.origin(), digest(zone));
    }
    return out;
  }

  /** The zone's records as one SHA-256, so that what was loaded is remembered without its memory. */
  private static String digest(Zone zone) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    for (Record r : zone.records()) {
      sha.update(r.toWireCanonical());
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  void close() {
    background.shutdownNow();
  }
}
