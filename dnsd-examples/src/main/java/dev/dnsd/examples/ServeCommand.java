package dev.dnsd.examples;

import dev.dnsd.DnsServer;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.store.RecordStore;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
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
        --zones DIR          load every ORIGIN.zone file (RFC 1035 master format) in DIR;
                             the origin is the file name unless the file sets $ORIGIN
        --memory             keep zones in memory only
        --threads N          UDP worker threads (default: the number of processors)
        --help               this text

      With no zones given, a demo zone demo.test. is served.
      """
          .formatted(DEFAULT_LISTEN);

  private ServeCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) {
    Flags flags =
        Flags.parse(args, Set.of("--listen", "--zones", "--threads"), Set.of("--memory", "--help"));
    if (flags.has("--help")) {
      out.print(USAGE);
      return 0;
    }
    if (!flags.positional().isEmpty()) {
      throw new UsageException("unexpected argument " + flags.positional().get(0));
    }
    DnsServer server = build(flags, out, err);
    if (server == null) {
      return 1;
    }
    try {
      server.start();
    } catch (IOException e) {
      err.println("dnsd: cannot listen: " + e.getMessage());
      return 1;
    }
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
      out.println("dnsd listening on " + hostPort(address) + " (UDP and TCP)");
    }
    InetSocketAddress first = server.address();
    String zone = server.zones().zones().isEmpty() ? "demo.test." : server.zones().zones().get(0).origin().toString();
    out.printf(
        "try: dig @%s -p %d %s SOA%n", first.getAddress().getHostAddress(), first.getPort(), zone);
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * The configured server, or null after an error was printed. In a method of its own so that
   * neither the builder nor the loaded zones stay reachable from {@link #run} while the server
   * runs: the store holds the zones after start, and a zone of a million names would otherwise
   * take its memory twice.
   */
  private static @Nullable DnsServer build(Flags flags, PrintStream out, PrintStream err) {
    DnsServer.Builder builder = DnsServer.builder();
    List<String> listen = flags.all("--listen").isEmpty() ? List.of(DEFAULT_LISTEN) : flags.all("--listen");
    for (String address : listen) {
      builder.listen(Flags.hostPort("--listen", address));
    }
    builder.udpThreads(flags.positiveInt("--threads", Runtime.getRuntime().availableProcessors()));
    RecordStore store = new InMemoryRecordStore();
    builder.store(store);
    String zonesDir = flags.one("--zones");
    List<Zone> zones;
    try {
      zones = zonesDir == null ? List.of() : ZoneFiles.loadDirectory(Path.of(zonesDir));
    } catch (InvalidZoneException | IOException e) {
      err.println("dnsd: " + e.getMessage());
      return null;
    }
    if (zones.isEmpty() && store.zones().isEmpty()) {
      zones = List.of(DemoZone.zone());
      out.println("dnsd: no zones given; serving the demo zone " + DemoZone.ORIGIN);
    }
    return builder.zones(zones).build();
  }

  private static String hostPort(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
