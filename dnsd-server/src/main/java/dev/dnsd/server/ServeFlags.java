package dev.dnsd.server;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The flags of {@code serve} (and {@code check-config}), as picocli reads them, and the {@link
 * Settings} they say. Values are kept as written and read into settings by {@link #settings()}, where
 * each is checked with the same rule a config file's value gets.
 */
final class ServeFlags {
  static final String DEFAULT_LISTEN = "127.0.0.1:10053";

  @Option(names = "--config", paramLabel = "FILE",
      description = "read settings from this YAML file (see README); flags given beside it override it")
  @Nullable Path config;

  @ArgGroup(validate = false, heading = "%nServing:%n", order = 1)
  Serving serving = new Serving();

  @ArgGroup(validate = false, heading = "%nStore:%n", order = 2)
  Store store = new Store();

  @ArgGroup(validate = false, heading = "%nZone transfers, NOTIFY and dynamic update:%n", order = 3)
  Xfr xfr = new Xfr();

  @ArgGroup(validate = false, heading = "%nReplication (dnsd's own sync protocol):%n", order = 4)
  Sync sync = new Sync();

  @ArgGroup(validate = false, heading = "%nDNSSEC:%n", order = 5)
  Dnssec dnssec = new Dnssec();

  static final class Dnssec {
    @Option(names = "--dnssec", paramLabel = "ZONE[:ALGORITHM][:nsec3]", order = 1,
        description = "sign ZONE as it changes, with a CSK the store generates and keeps; ALGORITHM "
            + "is ECDSAP256SHA256 (the default), ED25519 or RSASHA256; nsec3 for NSEC3 (RFC 9276) "
            + "instead of NSEC (repeatable). 'dnssec ds ZONE' prints the DS for the parent")
    List<String> zones = new ArrayList<>();
  }

  @ArgGroup(validate = false, heading = "%nOn the open internet:%n", order = 6)
  Guard guard = new Guard();

  @ArgGroup(validate = false, heading = "%nStatistics and query log:%n", order = 6)
  Operator operator = new Operator();

  static final class Operator {
    @Option(names = "--metrics-listen", paramLabel = "HOST:PORT", order = 1,
        description = "serve the statistics over HTTP: /metrics in the Prometheus text format, "
            + "/health; off by default (port 0 picks a free port)")
    @Nullable String metricsListen;

    @Option(names = "--query-log", order = 2,
        description = "log one line per query at INFO through the logger dev.dnsd.querylog; off by default")
    boolean queryLog;

    @Option(names = "--dnstap-file", paramLabel = "FILE", order = 3,
        description = "write every query and answer to FILE as dnstap (Frame Streams), which "
            + "dnstap-read and the tools of BIND, Knot and Unbound read; off by default; FILE is "
            + "replaced at start")
    @Nullable String dnstapFile;

    @Option(names = "--dnstap-socket", paramLabel = "PATH", order = 4,
        description = "send dnstap to the Unix socket a collector listens on (bidirectional Frame "
            + "Streams, as 'fstrm_capture -t protobuf:dnstap.Dnstap -u PATH' reads), connecting again "
            + "when it goes away; off by default")
    @Nullable String dnstapSocket;
  }

  static final class Guard {
    @Option(names = "--rate-limit", paramLabel = "N", order = 1,
        description = "response rate limiting: at most N identical answers a second to one client "
            + "network over UDP (/24, /56); off by default")
    @Nullable String rateLimit;

    @Option(names = "--rate-limit-errors", paramLabel = "N", order = 2,
        description = "error answers (REFUSED, FORMERR, ...) a second to one client network (default --rate-limit)")
    @Nullable String rateLimitErrors;

    @Option(names = "--rate-limit-slip", paramLabel = "N", order = 3,
        description = "every N-th limited answer goes out empty with TC, so real clients retry over TCP; "
            + "0 drops them all (default 2)")
    @Nullable String rateLimitSlip;

    @Option(names = "--rate-limit-window", paramLabel = "SECONDS", order = 4,
        description = "how far into debt a flooding client's account goes: it is answered again that "
            + "long after the flood stops (default 15)")
    @Nullable String rateLimitWindow;

    @Option(names = "--no-cookies", order = 5,
        description = "do not answer DNS cookies (RFC 7873); answered by default")
    boolean noCookies;

    @Option(names = "--cookie-secret-file", paramLabel = "FILE", order = 6,
        description = "the 16-byte server cookie secret as 32 hex digits, shared by the servers of an "
            + "anycast set (RFC 9018); readable by its owner only; default a random one, replaced daily")
    @Nullable String cookieSecretFile;

    @Option(names = "--tcp-max-connections", paramLabel = "N", order = 7,
        description = "TCP connections at once per listen address; when full the longest idle one "
            + "makes room (default 1024)")
    @Nullable String tcpMaxConnections;

    @Option(names = "--tcp-max-per-source", paramLabel = "N", order = 8,
        description = "TCP connections at once from one /32 or /64 (default 64)")
    @Nullable String tcpMaxPerSource;

    @Option(names = "--tcp-idle-timeout", paramLabel = "SECONDS", order = 9,
        description = "close a TCP connection that sends no whole query, or does not read its "
            + "answers, for this long (default 10)")
    @Nullable String tcpIdleTimeout;
  }

  static final class Serving {
    @Option(names = "--listen", paramLabel = "HOST:PORT", order = 1,
        description = "address for UDP and TCP, repeatable (default " + DEFAULT_LISTEN + "; IPv6 as [::1]:10053; port 0 picks a free port)")
    List<String> listen = new ArrayList<>();

    @Option(names = "--zones", paramLabel = "DIR", order = 2,
        description = "import every ORIGIN.zone file (RFC 1035 master format) in DIR into the store, "
            + "each replacing the zone of its origin; the origin is the file name unless the "
            + "file sets $ORIGIN; a reload (SIGHUP, control reload) reads them again")
    @Nullable String zones;

    @Option(names = "--threads", paramLabel = "N", order = 3,
        description = "UDP worker threads (default: the number of processors)")
    @Nullable String threads;
  }

  static final class Store {
    @Option(names = "--db", paramLabel = "FILE", order = 1,
        description = "the SQLite store (default ./" + StoreSettings.DEFAULT_DB + "; created when missing)")
    @Nullable String db;

    @Option(names = "--memory", order = 2, description = "keep zones in memory only, nothing on disk")
    boolean memory;
  }

  static final class Xfr {
    @Option(names = "--tsig-key", paramLabel = "NAME:ALGORITHM:SECRET_FILE", order = 1,
        description = "a TSIG key; the file holds its base64 secret and must be readable by its owner "
            + "only; ALGORITHM is hmac-sha256, hmac-sha512, hmac-sha1, ... (repeatable)")
    List<String> tsigKeys = new ArrayList<>();

    @Option(names = "--allow-transfer", paramLabel = "ZONE:key=NAME | ZONE:PREFIX", order = 2,
        description = "allow AXFR/IXFR of ZONE to a key or an address prefix (repeatable)")
    List<String> allowTransfer = new ArrayList<>();

    @Option(names = "--allow-update", paramLabel = "ZONE:key=NAME", order = 3,
        description = "allow RFC 2136 UPDATE of ZONE signed with the key (repeatable)")
    List<String> allowUpdate = new ArrayList<>();

    @Option(names = "--notify", paramLabel = "ZONE:HOST:PORT[:key=NAME]", order = 4,
        description = "send NOTIFY for ZONE to a secondary after each change, signed with the key "
            + "(default: the first key --allow-transfer names for ZONE) (repeatable)")
    List<String> notify = new ArrayList<>();

    @Option(names = "--secondary-zone", paramLabel = "ZONE:HOST:PORT[:key=NAME]", order = 5,
        description = "copy ZONE from a primary by IXFR/AXFR, optionally with TSIG (repeatable)")
    List<String> secondaryZones = new ArrayList<>();

    @Option(names = "--catalog", paramLabel = "ZONE", order = 6,
        description = "produce the catalog zone ZONE (RFC 9432) listing every zone this server is "
            + "primary for; members without rules of their own follow ZONE's --allow-transfer and --notify")
    @Nullable String catalog;

    @Option(names = "--catalog-group", paramLabel = "ZONE:GROUP", order = 7,
        description = "the group property of member ZONE in the catalog (repeatable)")
    List<String> catalogGroups = new ArrayList<>();

    @Option(names = "--catalog-coo", paramLabel = "ZONE:CATALOG", order = 8,
        description = "member ZONE moves to CATALOG: its coo property (repeatable)")
    List<String> catalogCoo = new ArrayList<>();

    @Option(names = "--catalog-consumer", paramLabel = "CATALOG:HOST:PORT[:key=NAME]", order = 9,
        description = "copy the catalog zone CATALOG from a primary and follow every member zone it "
            + "lists as a secondary zone of that primary (repeatable)")
    List<String> catalogConsumers = new ArrayList<>();
  }

  static final class Sync {
    @Option(names = "--sync-listen", paramLabel = "HOST:PORT", order = 1,
        description = "be a primary: accept sync peers (secondaries, control clients) on this TCP "
            + "address (port 0 picks a free port)")
    @Nullable String listen;

    @Option(names = "--peer", paramLabel = "NAME:ROLE:SECRET_FILE", order = 2,
        description = "a sync peer; ROLE is secondary, control or secondary+control; the file holds the "
            + "shared secret (repeatable)")
    List<String> peers = new ArrayList<>();

    @Option(names = "--peers", paramLabel = "FILE", order = 3,
        description = "sync peers from a file, one per line: NAME ROLE SECRET_FILE (# starts a comment; "
            + "relative paths are from FILE's directory)")
    List<String> peersFiles = new ArrayList<>();

    @Option(names = "--primary", paramLabel = "HOST:PORT", order = 4,
        description = "be a secondary of the primary with this sync address; its zones replace the "
            + "store's (no --zones, no demo zone)")
    @Nullable String primary;

    @Option(names = "--name", paramLabel = "NAME", order = 5,
        description = "this secondary's peer name, as the primary knows it")
    @Nullable String name;

    @Option(names = "--secret-file", paramLabel = "FILE", order = 6, description = "this secondary's shared secret")
    @Nullable String secretFile;

    @Option(names = "--sync-tls-keystore", paramLabel = "FILE", order = 7,
        description = "primary: serve sync over TLS with the key in this PKCS#12 file")
    @Nullable String tlsKeystore;

    @Option(names = "--sync-tls-truststore", paramLabel = "FILE", order = 8,
        description = "secondary: connect over TLS, trusting the certificates in this PKCS#12 file")
    @Nullable String tlsTruststore;

    @Option(names = "--sync-tls-password-file", paramLabel = "FILE", order = 9,
        description = "the password of the keystore or trust store")
    @Nullable String tlsPasswordFile;
  }

  /**
   * The settings the flags say, checked as far as they can be alone.
   *
   * @throws UsageException naming the flag whose value is malformed
   */
  Settings settings() {
    Settings s = new Settings();
    for (String v : serving.listen) {
      s.listen.add(new At<>(HostPort.parse(Source.flag("--listen"), v), Source.flag("--listen")));
    }
    if (serving.threads != null) {
      s.threads = new At<>(positive("--threads", serving.threads), Source.flag("--threads"));
    }
    if (serving.zones != null) {
      s.zoneFiles = new At<>(Path.of(serving.zones), Source.flag("--zones"));
    }
    if (store.db != null) {
      s.db = new At<>(Path.of(store.db), Source.flag("--db"));
    }
    if (store.memory) {
      s.memory = new At<>(true, Source.flag("--memory"));
    }
    for (String v : xfr.tsigKeys) {
      Source at = Source.flag("--tsig-key");
      String[] parts = v.split(":", 3);
      if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
        throw at.invalid("--tsig-key needs NAME:ALGORITHM:SECRET_FILE: " + v);
      }
      s.tsigKeys.add(new Settings.TsigKey(parts[0], parts[1], Path.of(parts[2]), at));
    }
    for (String v : xfr.allowTransfer) {
      Source at = Source.flag("--allow-transfer");
      String[] zr = zoneAndRest(at, v);
      Settings.TransferAcl acl = zr[1].startsWith("key=")
          ? new Settings.TransferAcl(Settings.zone(at, zr[0]), zr[1].substring(4), null, at)
          : new Settings.TransferAcl(Settings.zone(at, zr[0]), null, zr[1], at);
      s.allowTransfer.add(acl);
    }
    for (String v : xfr.allowUpdate) {
      Source at = Source.flag("--allow-update");
      String[] zr = zoneAndRest(at, v);
      if (!zr[1].startsWith("key=")) {
        throw at.invalid("--allow-update needs ZONE:key=NAME: " + v);
      }
      s.allowUpdate.add(new Settings.UpdateAcl(Settings.zone(at, zr[0]), zr[1].substring(4), at));
    }
    for (String v : xfr.notify) {
      Remote r = remote(Source.flag("--notify"), v);
      s.notify.add(new Settings.Notify(r.zone(), r.address(), r.key(), r.at()));
    }
    for (String v : xfr.secondaryZones) {
      Remote r = remote(Source.flag("--secondary-zone"), v);
      s.secondaryZones.add(new Settings.SecondaryZone(r.zone(), r.address(), r.key(), r.at()));
    }
    if (xfr.catalog != null) {
      Source at = Source.flag("--catalog");
      s.catalog = new At<>(Settings.zone(at, xfr.catalog), at);
    }
    for (String v : xfr.catalogGroups) {
      Source at = Source.flag("--catalog-group");
      String[] zr = zoneAndRest(at, v);
      s.catalogGroups.add(new Settings.CatalogGroup(Settings.zone(at, zr[0]), zr[1], at));
    }
    for (String v : xfr.catalogCoo) {
      Source at = Source.flag("--catalog-coo");
      String[] zr = zoneAndRest(at, v);
      s.catalogCoo.add(new Settings.CatalogCoo(Settings.zone(at, zr[0]), Settings.zone(at, zr[1]), at));
    }
    for (String v : xfr.catalogConsumers) {
      Remote r = remote(Source.flag("--catalog-consumer"), v);
      s.catalogConsumers.add(new Settings.CatalogConsumer(r.zone(), r.address(), r.key(), r.at()));
    }
    for (String v : dnssec.zones) {
      Source at = Source.flag("--dnssec");
      int colon = v.indexOf(':');
      Name zone = Settings.zone(at, colon < 0 ? v : v.substring(0, colon));
      s.dnssec.add(Settings.Dnssec.parse(zone, colon < 0 ? "" : v.substring(colon + 1), at));
    }
    s.syncListen = address("--sync-listen", sync.listen);
    for (String v : sync.peers) {
      Source at = Source.flag("--peer");
      String[] parts = v.split(":", 3);
      if (parts.length != 3 || parts[0].isEmpty() || parts[2].isEmpty()) {
        throw at.invalid("--peer needs NAME:ROLE:SECRET_FILE: " + v);
      }
      s.peers.add(new Settings.Peer(parts[0], Settings.roles(parts[1], at, "--peer " + v), Path.of(parts[2]), at));
    }
    for (String v : sync.peersFiles) {
      s.peersFiles.add(new At<>(Path.of(v), Source.flag("--peers")));
    }
    s.primary = address("--primary", sync.primary);
    s.name = sync.name == null ? null : new At<>(sync.name, Source.flag("--name"));
    s.secretFile = path("--secret-file", sync.secretFile);
    s.tlsKeystore = path("--sync-tls-keystore", sync.tlsKeystore);
    s.tlsTruststore = path("--sync-tls-truststore", sync.tlsTruststore);
    s.tlsPasswordFile = path("--sync-tls-password-file", sync.tlsPasswordFile);
    s.rateLimit = positive("--rate-limit", guard.rateLimit, 1_000_000);
    s.rateLimitErrors = positive("--rate-limit-errors", guard.rateLimitErrors, 1_000_000);
    s.rateLimitWindow = positive("--rate-limit-window", guard.rateLimitWindow, 3600);
    if (guard.rateLimitSlip != null) {
      s.rateLimitSlip = new At<>(between("--rate-limit-slip", guard.rateLimitSlip, 0, 10), Source.flag("--rate-limit-slip"));
    }
    if (guard.noCookies) {
      s.cookies = new At<>(false, Source.flag("--no-cookies"));
    }
    s.cookieSecretFile = path("--cookie-secret-file", guard.cookieSecretFile);
    s.tcpMaxConnections = positive("--tcp-max-connections", guard.tcpMaxConnections, 1_000_000);
    s.tcpMaxPerSource = positive("--tcp-max-per-source", guard.tcpMaxPerSource, 1_000_000);
    s.tcpIdleTimeout = positive("--tcp-idle-timeout", guard.tcpIdleTimeout, 3600);
    s.metricsListen = address("--metrics-listen", operator.metricsListen);
    if (operator.queryLog) {
      s.queryLogText = new At<>(true, Source.flag("--query-log"));
    }
    s.dnstapFile = path("--dnstap-file", operator.dnstapFile);
    s.dnstapSocket = path("--dnstap-socket", operator.dnstapSocket);
    if (s.dnstapFile != null && s.dnstapSocket != null) {
      throw new UsageException("--dnstap-file and --dnstap-socket: give one of them");
    }
    return s;
  }

  private static @Nullable At<Integer> positive(String flag, @Nullable String value, int max) {
    return value == null ? null : new At<>(between(flag, value, 1, max), Source.flag(flag));
  }

  /** A whole number from {@code min} to {@code max}, or a usage error naming the flag or key. */
  static int between(String flag, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new UsageException(flag + " needs a whole number from " + min + " to " + max + ": " + value);
  }

  private static @Nullable At<InetSocketAddress> address(String flag, @Nullable String value) {
    return value == null ? null : new At<>(HostPort.parse(Source.flag(flag), value), Source.flag(flag));
  }

  private static @Nullable At<Path> path(String flag, @Nullable String value) {
    return value == null ? null : new At<>(Path.of(value), Source.flag(flag));
  }

  static int positive(String flag, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new UsageException(flag + " needs a positive whole number: " + value);
  }

  /** ZONE:HOST:PORT[:key=NAME], as --notify, --secondary-zone and --catalog-consumer take it. */
  private record Remote(Name zone, InetSocketAddress address, @Nullable String key, Source at) {}

  private static Remote remote(Source at, String value) {
    String[] zr = zoneAndRest(at, value);
    String address = zr[1];
    String key = null;
    int k = address.lastIndexOf(":key=");
    if (k >= 0) {
      key = address.substring(k + 5);
      address = address.substring(0, k);
    }
    return new Remote(Settings.zone(at, zr[0]), HostPort.parse(at, address), key, at);
  }

  private static String[] zoneAndRest(Source at, String value) {
    int colon = value.indexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw at.invalid(at.name() + " needs ZONE:...: " + value);
    }
    return new String[] {value.substring(0, colon), value.substring(colon + 1)};
  }
}
