package dev.dnsd.server;

import dev.dnsd.DnsServer;
import dev.dnsd.QueryListener;
import dev.dnsd.RateLimit;
import dev.dnsd.ServerExtension;
import dev.dnsd.dnssec.DnssecStatus;
import dev.dnsd.store.RecordStore;
import dev.dnsd.sync.ReloadHandler;
import dev.dnsd.sync.SyncPrimary;
import dev.dnsd.xfr.ZoneTransfers;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneFiles;
import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * Runs the server from its settings until the process is stopped: the serve command's body, and
 * the checks that {@code check-config} and a reload share with it.
 */
final class Serving {
  private Serving() {}

  /**
   * The settings of the config file (if given) with the flags over them.
   *
   * @throws UsageException for a bad flag, or naming file, line and key for a bad config file
   * @throws IOException when the config file cannot be read
   */
  static Settings load(ServeFlags flags) throws IOException {
    Settings fromFlags = flags.settings();
    return flags.config == null ? fromFlags : ConfigFile.read(flags.config).overriddenBy(fromFlags);
  }

  /** What the settings build before anything listens: checked, with every file they name read. */
  record Prepared(
      Settings settings, List<Zone> zones, @Nullable ZoneTransfers xfr, @Nullable ServerExtension sync) {}

  /**
   * Checks the settings as a whole and reads the files they name: zone files, key, secret, peers
   * and keystore files. Opens no store and binds nothing, so a running server's files can be
   * checked beside it.
   *
   * @param reload what a control client's reload does on a primary; null refuses it
   * @throws UsageException for settings that do not fit together or a file that says something wrong
   * @throws IOException for a file that cannot be read or is open to others
   * @throws dev.dnsd.zone.InvalidZoneException naming file and line of a bad zone file
   */
  static Prepared prepare(Settings settings, @Nullable ReloadHandler reload) throws IOException {
    if (settings.isSecondary()) {
      List<Source> zoneChanging = new ArrayList<>();
      if (settings.zoneFiles != null) {
        zoneChanging.add(settings.zoneFiles.source());
      }
      settings.allowUpdate.forEach(a -> zoneChanging.add(a.source()));
      settings.secondaryZones.forEach(z -> zoneChanging.add(z.source()));
      settings.catalogConsumers.forEach(c -> zoneChanging.add(c.source()));
      settings.dnssec.forEach(d -> zoneChanging.add(d.source()));
      if (!zoneChanging.isEmpty()) {
        Source at = zoneChanging.get(0);
        throw at.invalid(at.name() + " changes zones, but a secondary's zones are its primary's (--primary)");
      }
    }
    StoreSettings.inMemory(settings);
    List<Zone> zones = zoneFiles(settings);
    ZoneTransfers xfr = XfrSettings.build(settings);
    ServerExtension sync = SyncSettings.build(settings, reload);
    return new Prepared(settings, zones, xfr, sync);
  }

  /** Every zone in the settings' zone-file directory, none without one. */
  static List<Zone> zoneFiles(Settings settings) throws IOException {
    At<Path> dir = settings.zoneFiles;
    if (dir == null) {
      return List.of();
    }
    if (!Files.isDirectory(dir.value())) {
      String what = Files.exists(dir.value()) ? "is not a directory" : "does not exist";
      throw dir.source().invalid("the zone file directory " + dir.value().toAbsolutePath() + " (" + dir.source().name()
          + ") " + what);
    }
    return ZoneFiles.loadDirectory(dir.value());
  }

  static int run(ServeFlags flags, PrintWriter out, PrintWriter err) throws IOException {
    Settings settings = load(flags);
    Reloader reloader = new Reloader(flags, settings);
    QueryLogs queryLogs = QueryLogs.open(settings);
    DnsServer server;
    try {
      server = start(settings, reloader, queryLogs, out);
    } catch (IOException | RuntimeException e) {
      queryLogs.close();
      throw e;
    }
    MetricsEndpoint metrics = null;
    if (settings.metricsListen != null) {
      try {
        metrics = MetricsEndpoint.start(settings.metricsListen.value(), server);
      } catch (IOException e) {
        server.close();
        queryLogs.close();
        throw e;
      }
    }
    MetricsEndpoint endpoint = metrics;
    RecordStore store = server.store();
    out.println("dnsd: store " + StoreSettings.describe(store) + ", " + store.zones().size() + " zone(s), version " + store.version());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (endpoint != null) {
                    endpoint.close();
                  }
                  reloader.close();
                  server.close();
                  queryLogs.close();
                  stopped.countDown();
                },
                "dnsd-shutdown"));
    // Before the first line that says the server is up: a SIGHUP that follows that line must
    // reload, and the JVM's own handler would shut the server down instead.
    String noHangup = Signals.onHangup(reloader::reloadInBackground);
    if (noHangup != null) {
      out.println("dnsd: " + noHangup + "; reload with 'control reload' instead");
    }
    for (InetSocketAddress address : server.udpAddresses()) {
      out.println("dnsd listening on " + HostPort.format(address) + " (UDP and TCP)");
    }
    if (endpoint != null) {
      out.println("dnsd metrics on http://" + HostPort.format(endpoint.address()) + "/metrics and /health");
    }
    String logs = queryLogs.describe();
    if (!logs.isEmpty()) {
      out.println("dnsd query log: " + logs);
    }
    ServerExtension sync = reloader.sync();
    if (sync instanceof SyncPrimary primary) {
      String tls = settings.tlsKeystore != null ? ", TLS" : "";
      out.println("dnsd sync listening on " + HostPort.format(primary.boundAddress()) + " (TCP" + tls + ")");
    } else if (sync != null) {
      out.println(
          "dnsd: secondary " + settings.name + " of primary " + HostPort.format(settings.primary.value())
              + "; its zones replace the store's");
    }
    for (Settings.Dnssec d : settings.dnssec) {
      DnssecStatus status = server.store().dnssec(d.zone());
      if (status != null) {
        out.println("dnsd: signing " + d.zone() + " (" + status.policy().algorithm() + ", "
            + status.policy().denial() + "); the parent's DS: " + status.ds());
      }
    }
    InetSocketAddress first = server.address();
    if (!server.zones().zones().isEmpty()) {
      String zone = server.zones().zones().get(0).origin().toString();
      out.printf("try: dig @%s -p %d %s SOA%n", first.getAddress().getHostAddress(), first.getPort(), zone);
    }
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** Rate limiting, cookies and TCP limits, as the settings say; the library's defaults otherwise. */
  private static void guard(Settings settings, DnsServer.Builder builder) throws IOException {
    if (settings.rateLimit != null) {
      RateLimit.Builder r = RateLimit.builder().responsesPerSecond(settings.rateLimit.value());
      if (settings.rateLimitErrors != null) {
        r.errorsPerSecond(settings.rateLimitErrors.value());
      }
      if (settings.rateLimitSlip != null) {
        r.slip(settings.rateLimitSlip.value());
      }
      if (settings.rateLimitWindow != null) {
        r.window(Duration.ofSeconds(settings.rateLimitWindow.value()));
      }
      builder.rateLimit(r.build());
    }
    if (settings.cookies != null) {
      builder.cookies(settings.cookies.value());
    }
    if (settings.cookieSecretFile != null) {
      builder.cookieSecret(SecretFiles.cookieSecret(settings.cookieSecretFile.value()));
    }
    if (settings.tcpMaxConnections != null) {
      builder.tcpMaxConnections(settings.tcpMaxConnections.value());
    }
    if (settings.tcpMaxPerSource != null) {
      builder.tcpMaxConnectionsPerSource(settings.tcpMaxPerSource.value());
    }
    if (settings.tcpIdleTimeout != null) {
      builder.tcpIdleTimeout(Duration.ofSeconds(settings.tcpIdleTimeout.value()));
    }
  }

  /**
   * Builds and starts the server. In a method of its
   * own so that the zones loaded from files are unreachable once the store holds them: a zone of a
   * million names would otherwise take its memory twice while the server runs.
   */
  private static DnsServer start(Settings settings, Reloader reloader, QueryLogs queryLogs, PrintWriter out)
      throws IOException {
    Prepared prepared = prepare(settings, reloader);
    DnsServer.Builder builder = DnsServer.builder();
    if (settings.listen.isEmpty()) {
      builder.listen(HostPort.parse(Source.flag("--listen"), ServeFlags.DEFAULT_LISTEN));
    }
    for (At<InetSocketAddress> address : settings.listen) {
      builder.listen(address.value());
    }
    builder.udpThreads(settings.threads == null ? Runtime.getRuntime().availableProcessors() : settings.threads.value());
    guard(settings, builder);
    QueryListener queryListener = queryLogs.listener();
    if (queryListener != null) {
      builder.queryListener(queryListener);
    }
    if (prepared.xfr() != null) {
      builder.extension(prepared.xfr());
    }
    if (prepared.sync() != null) {
      builder.extension(prepared.sync());
    }
    RecordStore store = StoreSettings.open(settings);
    builder.store(store);
    List<Zone> zones = prepared.zones();
    if (zones.isEmpty() && store.zones().isEmpty() && settings.secondaryZones.isEmpty()
        && settings.catalogConsumers.isEmpty() && !settings.isSecondary()) {
      zones = List.of(DemoZone.zone());
      out.println("dnsd: the store is empty; seeding the demo zone " + DemoZone.ORIGIN);
    }
    reloader.loaded(prepared.zones());
    builder.zones(zones);
    for (Settings.Dnssec d : settings.dnssec) {
      builder.sign(d.zone(), d.policy());
    }

    DnsServer server = builder.build();
    try {
      server.start();
    } catch (BindException e) {
      out.flush();
      throw e; // it names the protocol and the address already
    } catch (IOException e) {
      out.flush();
      throw new IOException("cannot listen: " + e.getMessage(), e);
    }
    reloader.started(server, prepared.sync());
    return server;
  }
}
