package dev.dnsd.server;

import dev.dnsd.DnsServer;
import dev.dnsd.ServerExtension;
import dev.dnsd.store.RecordStore;
import dev.dnsd.sync.SyncPrimary;
import dev.dnsd.xfr.ZoneTransfers;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/** {@code java -jar dnsd.jar [serve]}: runs the server until the process is stopped. */
final class ServeCommand {
  static final String DEFAULT_LISTEN = "127.0.0.1:10053";

  static final String USAGE =
      """
      usage: java -jar dnsd.jar [serve] [flags]

        --listen HOST:PORT   address for UDP and TCP, repeatable (default %s;
                             IPv6 as [::1]:10053; port 0 picks a free port)
        --zones DIR          import every ORIGIN.zone file (RFC 1035 master format) in DIR
                             into the store, each replacing the zone of its origin; the
                             origin is the file name unless the file sets $ORIGIN
      %s  --threads N          UDP worker threads (default: the number of processors)
      %s%s  --help               this text

      An empty store is seeded with the demo zone demo.test., unless the server is a secondary.
      Sync secret files and TLS password files must be readable by their owner only (chmod 600);
      a trailing newline is not part of the secret; sync secrets have at least 16 bytes.
      Other commands: export ZONE, import FILE... (both take --db FILE); control (see control --help).
      """
          .formatted(DEFAULT_LISTEN, StoreFlags.USAGE, XfrFlags.USAGE, SyncFlags.USAGE);

  private ServeCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) {
    Flags flags = Flags.parse(args, valueFlags(), switches());
    if (flags.has("--help")) {
      out.print(USAGE);
      return 0;
    }
    if (!flags.positional().isEmpty()) {
      throw new UsageException("unexpected argument " + flags.positional().get(0));
    }
    boolean secondary = SyncFlags.isSecondary(flags);
    if (secondary) {
      for (String flag : List.of("--zones", "--allow-update", "--secondary-zone", "--catalog-consumer")) {
        if (flags.has(flag)) {
          throw new UsageException(flag + " changes zones, but a secondary's zones are its primary's (--primary)");
        }
      }
    }
    Started started = start(flags, secondary, out, err);
    if (started == null) {
      return 1;
    }
    DnsServer server = started.server();
    ServerExtension sync = started.sync();
    RecordStore store = server.store();
    out.println("dnsd: store " + StoreFlags.describe(store) + ", " + store.zones().size() + " zone(s), version " + store.version());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "dnsd-shutdown"));
    for (InetSocketAddress address : server.udpAddresses()) {
      out.println("dnsd listening on " + Flags.format(address) + " (UDP and TCP)");
    }
    if (sync instanceof SyncPrimary primary) {
      String tls = flags.has("--sync-tls-keystore") ? ", TLS" : "";
      out.println("dnsd sync listening on " + Flags.format(primary.boundAddress()) + " (TCP" + tls + ")");
    } else if (sync != null) {
      out.println(
          "dnsd: secondary " + flags.one("--name") + " of primary " + flags.one("--primary")
              + "; its zones replace the store's");
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

  private record Started(DnsServer server, @Nullable ServerExtension sync) {}

  /**
   * Builds and starts the server, or prints what is wrong and returns null. In a method of its
   * own so that the zones loaded from files are unreachable once the store holds them: a zone of a
   * million names would otherwise take its memory twice while the server runs.
   */
  private static @Nullable Started start(Flags flags, boolean secondary, PrintStream out, PrintStream err) {
    DnsServer.Builder builder = DnsServer.builder();
    List<String> listen = flags.all("--listen").isEmpty() ? List.of(DEFAULT_LISTEN) : flags.all("--listen");
    for (String address : listen) {
      builder.listen(Flags.hostPort("--listen", address));
    }
    builder.udpThreads(flags.positiveInt("--threads", Runtime.getRuntime().availableProcessors()));
    String zonesDir = flags.one("--zones");
    List<Zone> zones;
    try {
      zones = zonesDir == null ? List.of() : ZoneFiles.loadDirectory(Path.of(zonesDir));
    } catch (InvalidZoneException | IOException e) {
      err.println("dnsd: " + e.getMessage());
      return null;
    }
    ZoneTransfers xfr;
    try {
      xfr = XfrFlags.build(flags);
    } catch (IOException e) {
      err.println("dnsd: " + e);
      return null;
    }
    if (xfr != null) {
      builder.extension(xfr);
    }
    ServerExtension sync;
    try {
      sync = SyncFlags.build(flags);
    } catch (IOException e) {
      err.println("dnsd: " + e.getMessage());
      return null;
    }
    if (sync != null) {
      builder.extension(sync);
    }
    RecordStore store = StoreFlags.open(flags);
    builder.store(store);
    if (zones.isEmpty() && store.zones().isEmpty() && flags.all("--secondary-zone").isEmpty()
        && flags.all("--catalog-consumer").isEmpty() && !secondary) {
      zones = List.of(DemoZone.zone());
      out.println("dnsd: the store is empty; seeding the demo zone " + DemoZone.ORIGIN);
    }
    builder.zones(zones);

    DnsServer server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      err.println("dnsd: cannot listen: " + e.getMessage());
      return null;
    }
    return new Started(server, sync);
  }

  private static Set<String> valueFlags() {
    Set<String> names = new HashSet<>(Set.of("--listen", "--zones", "--threads"));
    names.addAll(StoreFlags.VALUE_FLAGS);
    names.addAll(XfrFlags.VALUE_FLAGS);
    names.addAll(SyncFlags.VALUE_FLAGS);
    return names;
  }

  private static Set<String> switches() {
    Set<String> names = new HashSet<>(Set.of("--help"));
    names.addAll(StoreFlags.SWITCHES);
    return names;
  }
}
