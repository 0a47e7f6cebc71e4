package dev.dnsd.server;

import dev.dnsd.dnssec.DnssecAlgorithm;
import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.sync.Role;
import java.util.Locale;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Everything the runnable server is told to do: the one model that the flags ({@link ServeFlags})
 * and the config file ({@link ConfigFile}) fill, and that the serve code reads. Each value keeps
 * its {@link Source}, so an error found late (a key an ACL names but nobody defined) still names
 * the flag or the file, line and key it came from.
 *
 * <p>A new kind of setting (rate limiting, statistics, a query log, per-zone DNSSEC) gets a field
 * here, a flag in {@link ServeFlags}, a key in {@link ConfigFile}, a line in {@link
 * #overriddenBy}, and says in {@link #restartNeeded} whether a reload can apply it.
 */
final class Settings {
  final List<At<InetSocketAddress>> listen = new ArrayList<>();
  @Nullable At<Integer> threads;
  @Nullable At<Path> db;
  @Nullable At<Boolean> memory;
  @Nullable At<Path> zoneFiles;
  final List<TsigKey> tsigKeys = new ArrayList<>();
  final List<TransferAcl> allowTransfer = new ArrayList<>();
  final List<UpdateAcl> allowUpdate = new ArrayList<>();
  final List<Notify> notify = new ArrayList<>();
  final List<SecondaryZone> secondaryZones = new ArrayList<>();
  @Nullable At<Name> catalog;
  final List<CatalogGroup> catalogGroups = new ArrayList<>();
  final List<CatalogCoo> catalogCoo = new ArrayList<>();
  final List<CatalogConsumer> catalogConsumers = new ArrayList<>();
  final List<Dnssec> dnssec = new ArrayList<>();
  @Nullable At<InetSocketAddress> syncListen;
  final List<Peer> peers = new ArrayList<>();
  final List<At<Path>> peersFiles = new ArrayList<>();
  @Nullable At<InetSocketAddress> primary;
  @Nullable At<String> name;
  @Nullable At<Path> secretFile;
  @Nullable At<Path> tlsKeystore;
  @Nullable At<Path> tlsTruststore;
  @Nullable At<Path> tlsPasswordFile;
  @Nullable At<Integer> rateLimit;
  @Nullable At<Integer> rateLimitErrors;
  @Nullable At<Integer> rateLimitSlip;
  @Nullable At<Integer> rateLimitWindow;
  @Nullable At<Boolean> cookies;
  @Nullable At<Path> cookieSecretFile;
  @Nullable At<Integer> tcpMaxConnections;
  @Nullable At<Integer> tcpMaxPerSource;
  @Nullable At<Integer> tcpIdleTimeout;
  @Nullable At<InetSocketAddress> metricsListen;
  @Nullable At<Boolean> queryLogText;
  @Nullable At<Path> dnstapFile;
  @Nullable At<Path> dnstapSocket;

  /** A TSIG key whose base64 secret is in a file. */
  record TsigKey(String name, String algorithm, Path secretFile, Source source) {
    @Override
    public String toString() {
      return name + ":" + algorithm + ":" + secretFile;
    }
  }

  /** AXFR/IXFR of a zone allowed to a TSIG key or to an address prefix. */
  record TransferAcl(Name zone, @Nullable String key, @Nullable String prefix, Source source) {
    @Override
    public String toString() {
      return zone + ":" + (key != null ? "key=" + key : prefix);
    }
  }

  /** RFC 2136 UPDATE of a zone allowed to a TSIG key. */
  record UpdateAcl(Name zone, String key, Source source) {
    @Override
    public String toString() {
      return zone + ":key=" + key;
    }
  }

  /** A secondary to NOTIFY after each change of a zone, and the key to sign with (null: the default). */
  record Notify(Name zone, InetSocketAddress target, @Nullable String key, Source source) {
    @Override
    public String toString() {
      return zone + ":" + HostPort.format(target) + (key != null ? ":key=" + key : "");
    }
  }

  /** The group property of a member zone of the produced catalog. */
  record CatalogGroup(Name zone, String group, Source source) {
    @Override
    public String toString() {
      return zone + ":" + group;
    }
  }

  /** The coo property of a member zone of the produced catalog: the catalog it moves to. */
  record CatalogCoo(Name zone, Name newCatalog, Source source) {
    @Override
    public String toString() {
      return zone + ":" + newCatalog;
    }
  }

  /** A catalog zone copied from a primary, whose member zones are followed from it too. */
  record CatalogConsumer(Name catalog, InetSocketAddress primary, @Nullable String key, Source source) {
    @Override
    public String toString() {
      return catalog + ":" + HostPort.format(primary) + (key != null ? ":key=" + key : "");
    }
  }

  /**
   * A zone the store signs, with a generated CSK: the default policy with these choices. The
   * store keeps the keys; dropping the setting later does not unsign the zone.
   */
  record Dnssec(Name zone, DnssecAlgorithm algorithm, DnssecPolicy.Denial denial, Source source) {
    DnssecPolicy policy() {
      return DnssecPolicy.builder().algorithm(algorithm).denial(denial).build();
    }

    /**
     * From what follows the zone: {@code [ALGORITHM][:nsec|:nsec3]}, empty for the defaults
     * (ECDSAP256SHA256, NSEC).
     */
    static Dnssec parse(Name zone, String choices, Source at) {
      DnssecAlgorithm algorithm = DnssecAlgorithm.ECDSAP256SHA256;
      DnssecPolicy.Denial denial = DnssecPolicy.Denial.NSEC;
      for (String part : choices.split(":")) {
        String p = part.trim().toLowerCase(Locale.ROOT);
        if (p.isEmpty() || p.equals("true") || p.equals("yes") || p.equals("default")) {
          continue;
        }
        if (p.equals("nsec") || p.equals("nsec3")) {
          denial = p.equals("nsec3") ? DnssecPolicy.Denial.NSEC3 : DnssecPolicy.Denial.NSEC;
          continue;
        }
        try {
          algorithm = DnssecAlgorithm.parse(p);
        } catch (IllegalArgumentException e) {
          throw at.invalid(at.name() + " for " + zone + ": " + e.getMessage() + "; or nsec, nsec3");
        }
      }
      return new Dnssec(zone, algorithm, denial, at);
    }

    @Override
    public String toString() {
      return zone + ":" + algorithm + ":" + denial;
    }
  }

  /** A zone copied from a standard primary, optionally over TSIG. */
  record SecondaryZone(Name zone, InetSocketAddress primary, @Nullable String key, Source source) {
    @Override
    public String toString() {
      return zone + ":" + HostPort.format(primary) + (key != null ? ":key=" + key : "");
    }
  }

  /** A sync peer of a primary. */
  record Peer(String name, Set<Role> roles, Path secretFile, Source source) {
    @Override
    public String toString() {
      return name + ":" + roles + ":" + secretFile;
    }
  }

  /** Whether this server is a secondary of a dnsd primary, whose store belongs to replication. */
  boolean isSecondary() {
    return primary != null;
  }

  /**
   * These settings with the given ones on top, as flags override the config file: a flag replaces
   * what the file says for the same thing. A value replaces a value; {@code --listen} replaces the
   * file's addresses; {@code --tsig-key NAME} and {@code --peer NAME} replace the file's key or peer
   * of that name and keep the others; {@code --allow-transfer}, {@code --allow-update}, {@code
   * --notify}, {@code --secondary-zone}, {@code --catalog-group}, {@code --catalog-coo} and {@code
   * --dnssec} replace what the file says of the zones they name, {@code --catalog-consumer} of the
   * catalog it names; {@code --dnstap-file} and {@code --dnstap-socket} replace the file's dnstap
   * output.
   */
  Settings overriddenBy(Settings top) {
    Settings s = new Settings();
    s.listen.addAll(top.listen.isEmpty() ? listen : top.listen);
    s.threads = either(top.threads, threads);
    if (top.db != null || top.memory != null) {
      s.db = top.db;
      s.memory = top.memory;
    } else {
      s.db = db;
      s.memory = memory;
    }
    s.zoneFiles = either(top.zoneFiles, zoneFiles);
    s.tsigKeys.addAll(replaceBy(tsigKeys, top.tsigKeys, TsigKey::name));
    s.allowTransfer.addAll(replaceBy(allowTransfer, top.allowTransfer, TransferAcl::zone));
    s.allowUpdate.addAll(replaceBy(allowUpdate, top.allowUpdate, UpdateAcl::zone));
    s.notify.addAll(replaceBy(notify, top.notify, Notify::zone));
    s.secondaryZones.addAll(replaceBy(secondaryZones, top.secondaryZones, SecondaryZone::zone));
    s.catalog = either(top.catalog, catalog);
    s.catalogGroups.addAll(replaceBy(catalogGroups, top.catalogGroups, CatalogGroup::zone));
    s.catalogCoo.addAll(replaceBy(catalogCoo, top.catalogCoo, CatalogCoo::zone));
    s.catalogConsumers.addAll(replaceBy(catalogConsumers, top.catalogConsumers, CatalogConsumer::catalog));
    s.dnssec.addAll(replaceBy(dnssec, top.dnssec, Dnssec::zone));
    s.syncListen = either(top.syncListen, syncListen);
    s.peers.addAll(replaceBy(peers, top.peers, Peer::name));
    s.peersFiles.addAll(top.peersFiles.isEmpty() ? peersFiles : top.peersFiles);
    s.primary = either(top.primary, primary);
    s.name = either(top.name, name);
    s.secretFile = either(top.secretFile, secretFile);
    s.tlsKeystore = either(top.tlsKeystore, tlsKeystore);
    s.tlsTruststore = either(top.tlsTruststore, tlsTruststore);
    s.tlsPasswordFile = either(top.tlsPasswordFile, tlsPasswordFile);
    s.rateLimit = either(top.rateLimit, rateLimit);
    s.rateLimitErrors = either(top.rateLimitErrors, rateLimitErrors);
    s.rateLimitSlip = either(top.rateLimitSlip, rateLimitSlip);
    s.rateLimitWindow = either(top.rateLimitWindow, rateLimitWindow);
    s.cookies = either(top.cookies, cookies);
    s.cookieSecretFile = either(top.cookieSecretFile, cookieSecretFile);
    s.tcpMaxConnections = either(top.tcpMaxConnections, tcpMaxConnections);
    s.tcpMaxPerSource = either(top.tcpMaxPerSource, tcpMaxPerSource);
    s.tcpIdleTimeout = either(top.tcpIdleTimeout, tcpIdleTimeout);
    s.metricsListen = either(top.metricsListen, metricsListen);
    s.queryLogText = either(top.queryLogText, queryLogText);
    if (top.dnstapFile != null || top.dnstapSocket != null) {
      s.dnstapFile = top.dnstapFile;
      s.dnstapSocket = top.dnstapSocket;
    } else {
      s.dnstapFile = dnstapFile;
      s.dnstapSocket = dnstapSocket;
    }
    return s;
  }

  /**
   * The settings a running server cannot change without a restart, named as in the config file,
   * where these and the running ones differ. A reload applies only the zone files; keys, ACLs,
   * NOTIFY targets, secondary zones, sync and the listeners are built into the running server.
   */
  List<String> restartNeeded(Settings running) {
    Map<String, Function<Settings, Object>> parts = new LinkedHashMap<>();
    parts.put("listen", s -> s.listen);
    parts.put("threads", s -> String.valueOf(s.threads));
    parts.put("store", s -> s.db + " " + s.memory);
    parts.put("tsig-keys", s -> s.tsigKeys);
    parts.put("allow-transfer", s -> s.allowTransfer);
    parts.put("allow-update", s -> s.allowUpdate);
    parts.put("notify", s -> s.notify);
    parts.put("secondary", s -> s.secondaryZones);
    parts.put("catalog", s -> List.of(String.valueOf(s.catalog), s.catalogGroups, s.catalogCoo));
    parts.put("catalog-consumers", s -> s.catalogConsumers);
    parts.put("dnssec", s -> s.dnssec);
    parts.put("sync", s -> List.of(String.valueOf(s.syncListen), s.peers, s.peersFiles, String.valueOf(s.primary),
        String.valueOf(s.name), String.valueOf(s.secretFile), String.valueOf(s.tlsKeystore),
        String.valueOf(s.tlsTruststore), String.valueOf(s.tlsPasswordFile)));
    parts.put("rate-limit", s -> List.of(String.valueOf(s.rateLimit), String.valueOf(s.rateLimitErrors),
        String.valueOf(s.rateLimitSlip), String.valueOf(s.rateLimitWindow)));
    parts.put("cookies", s -> List.of(String.valueOf(s.cookies), String.valueOf(s.cookieSecretFile)));
    parts.put("tcp", s -> List.of(String.valueOf(s.tcpMaxConnections), String.valueOf(s.tcpMaxPerSource),
        String.valueOf(s.tcpIdleTimeout)));
    parts.put("metrics", s -> String.valueOf(s.metricsListen));
    parts.put("query-log", s -> List.of(String.valueOf(s.queryLogText), String.valueOf(s.dnstapFile),
        String.valueOf(s.dnstapSocket)));
    List<String> changed = new ArrayList<>();
    parts.forEach((key, part) -> {
      if (!part.apply(this).toString().equals(part.apply(running).toString())) {
        changed.add(key);
      }
    });
    return changed;
  }

  private static <T> @Nullable T either(@Nullable T top, @Nullable T below) {
    return top != null ? top : below;
  }

  /** The items of {@code below} whose key no item of {@code top} has, then all of {@code top}. */
  private static <T, K> List<T> replaceBy(List<T> below, List<T> top, Function<T, K> key) {
    Set<K> replaced = top.stream().map(key).collect(Collectors.toSet());
    List<T> out = new ArrayList<>();
    for (T item : below) {
      if (!replaced.contains(key.apply(item))) {
        out.add(item);
      }
    }
    out.addAll(top);
    return out;
  }

  /** A zone's name as a setting gives it, with or without the final dot. */
  static Name zone(Source source, String text) {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw source.invalid(source.name() + " has a bad zone name '" + text + "': " + e.getMessage());
    }
  }

  /** secondary, control, or both joined by '+'. */
  static Set<Role> roles(String text, Source source, String where) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : text.split("\\+", -1)) {
      switch (part) {
        case "secondary" -> roles.add(Role.SECONDARY);
        case "control" -> roles.add(Role.CONTROL);
        default -> throw source.invalid(
            "unknown role '" + part + "' in " + where + "; use secondary, control or secondary+control");
      }
    }
    return roles;
  }
}
