package dev.dnsd.server;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.xbill.DNS.Name;

/**
 * Reads the YAML config file ({@code --config FILE}) into {@link Settings}. YAML is parsed by
 * SnakeYAML Engine into nodes that keep their line; this class walks them, so that an unknown key,
 * a missing one, a value of the wrong shape or a bad value is an error naming the file, the line
 * and the key ({@code dnsd.yaml:12: zones[1].notify[0] needs HOST:PORT: ...}). Relative paths in
 * the file are relative to the file's directory. The keys are in README.md; each flag has one.
 */
final class ConfigFile {
  private static final Pattern IPV6_UNQUOTED = Pattern.compile("(^|[\\s,\\[-])\\[[0-9A-Fa-f:.]*\\]:\\d");

  private final Path file;
  private final Settings settings = new Settings();

  private ConfigFile(Path file) {
    this.file = file;
  }

  /**
   * Reads the file.
   *
   * @throws UsageException naming file, line and key for anything the file says wrong
   * @throws IOException when it cannot be read
   */
  static Settings read(Path file) throws IOException {
    LoadSettings yaml = LoadSettings.builder().setLabel(file.toString()).setAllowDuplicateKeys(false)
        .setMaxAliasesForCollections(50).build();
    Optional<Node> root;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = new Compose(yaml).composeReader(in);
    } catch (NoSuchFileException e) {
      throw new IOException("config file " + file + " does not exist", e);
    } catch (MarkedYamlEngineException e) {
      Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
      int line = mark == null ? 0 : mark.getLine() + 1;
      throw new UsageException(file + ":" + line + ": not valid YAML: " + e.getProblem() + ipv6Hint(file, line));
    } catch (YamlEngineException e) {
      throw new UsageException(file + ": not valid YAML: " + e.getMessage());
    }
    ConfigFile reader = new ConfigFile(file);
    if (root.isPresent()) {
      reader.top(root.get());
    }
    return reader.settings;
  }

  /** YAML reads [::1]:53 as the start of a list, the likeliest reason a listen line does not parse. */
  private static String ipv6Hint(Path file, int line) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    boolean unquoted = line >= 1 && line <= lines.size()
        && IPV6_UNQUOTED.matcher(lines.get(line - 1)).find();
    return unquoted ? " (an IPv6 address goes in quotes: \"[::1]:53\")" : "";
  }

  private Source source(Node node, String key) {
    int line = node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    return new Source(file, line, key);
  }

  /** A mapping's entries by key, in order; unknown and repeated keys are errors. */
  private Map<String, Node> mapping(Node node, String key, Set<String> known) {
    if (!(node instanceof MappingNode map)) {
      throw source(node, key).invalid((key.isEmpty() ? "the file" : key) + " needs keys and values, "
          + "one per line as 'key: value', not " + shape(node));
    }
    Map<String, Node> entries = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      String name = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?";
      String path = key.isEmpty() ? name : key + "." + name;
      if (!known.contains(name)) {
        throw source(t.getKeyNode(), path).invalid("unknown key '" + path + "'; "
            + (key.isEmpty() ? "the file" : key) + " takes " + String.join(", ", known));
      }
      if (entries.put(name, t.getValueNode()) != null) {
        throw source(t.getKeyNode(), path).invalid(path + " is given twice");
      }
    }
    return entries;
  }

  private static Set<String> keys(String... names) {
    return new LinkedHashSet<>(List.of(names));
  }

  /** A list's items; a single value stands for a list of one. */
  private static List<Node> items(Node node) {
    if (node instanceof SequenceNode seq) {
      return seq.getValue();
    }
    if (node instanceof ScalarNode s && isNull(s)) {
      return List.of();
    }
    return List.of(node);
  }

  private String text(Node node, String key) {
    if (node instanceof ScalarNode s && !isNull(s)) {
      return s.getValue();
    }
    String hint = node instanceof SequenceNode ? " (an IPv6 address goes in quotes: \"[::1]:53\")" : "";
    throw source(node, key).invalid(key + " needs a value, not " + shape(node) + hint);
  }

  private static boolean isNull(ScalarNode s) {
    String v = s.getValue();
    return s.isPlain() && (v.isEmpty() || v.equals("~") || v.equals("null"));
  }

  private static String shape(Node node) {
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (node instanceof MappingNode) {
      return "keys and values";
    }
    return node instanceof ScalarNode s && isNull(s) ? "nothing" : "a single value";
  }

  private String required(Map<String, Node> entries, Node parent, String key, String name) {
    Node node = entries.get(name);
    if (node == null) {
      throw source(parent, key).invalid(key + " needs " + name);
    }
    return text(node, key + "." + name);
  }

  private @Nullable String optional(Map<String, Node> entries, String key, String name) {
    Node node = entries.get(name);
    return node == null ? null : text(node, key + "." + name);
  }

  private At<Path> path(Node node, String key) {
    Source at = source(node, key);
    return new At<>(at.resolve(text(node, key)), at);
  }

  private @Nullable At<Path> optionalPath(Map<String, Node> entries, String key, String name) {
    Node node = entries.get(name);
    return node == null ? null : path(node, key + "." + name);
  }

  private At<InetSocketAddress> address(Node node, String key) {
    Source at = source(node, key);
    return new At<>(HostPort.parse(at, text(node, key)), at);
  }

  private void top(Node root) {
    Map<String, Node> top = mapping(root, "",
        keys("listen", "threads", "store", "zone-files", "tsig-keys", "zones", "catalog", "catalog-consumers", "sync",
            "rate-limit", "cookies", "tcp", "metrics", "query-log"));
    top.forEach((key, node) -> {
      switch (key) {
        case "listen" -> {
          List<Node> list = items(node);
          for (int i = 0; i < list.size(); i++) {
            settings.listen.add(address(list.get(i), "listen[" + i + "]"));
          }
        }
        case "threads" -> {
          Source at = source(node, key);
          String value = text(node, key);
          try {
            settings.threads = new At<>(ServeFlags.positive(key, value), at);
          } catch (UsageException e) {
            throw at.invalid(e.getMessage());
          }
        }
        case "store" -> store(node);
        case "zone-files" -> settings.zoneFiles = path(node, key);
        case "tsig-keys" -> tsigKeys(node);
        case "zones" -> zones(node);
        case "catalog" -> {
          Source at = source(node, key);
          settings.catalog = new At<>(Settings.zone(at, text(node, key)), at);
        }
        case "catalog-consumers" -> catalogConsumers(node);
        case "sync" -> sync(node);
        case "rate-limit" -> rateLimit(node);
        case "cookies" -> cookies(node);
        case "tcp" -> tcp(node);
        case "metrics" -> {
          Map<String, Node> m = mapping(node, "metrics", keys("listen"));
          Node listen = m.get("listen");
          if (listen == null) {
            throw source(node, "metrics").invalid("metrics needs listen (HOST:PORT)");
          }
          settings.metricsListen = address(listen, "metrics.listen");
        }
        case "query-log" -> queryLog(node);
        default -> throw new IllegalStateException(key);
      }
    });
  }

  private @Nullable At<Integer> number(Map<String, Node> entries, String key, String name, int min, int max) {
    Node node = entries.get(name);
    if (node == null) {
      return null;
    }
    Source at = source(node, key + "." + name);
    try {
      return new At<>(ServeFlags.between(key + "." + name, text(node, key + "." + name), min, max), at);
    } catch (UsageException e) {
      throw at.invalid(e.getMessage());
    }
  }

  private void rateLimit(Node node) {
    Map<String, Node> r = mapping(node, "rate-limit", keys("responses-per-second", "errors-per-second", "slip", "window"));
    settings.rateLimit = number(r, "rate-limit", "responses-per-second", 1, 1_000_000);
    if (settings.rateLimit == null) {
      throw source(node, "rate-limit").invalid("rate-limit needs responses-per-second");
    }
    settings.rateLimitErrors = number(r, "rate-limit", "errors-per-second", 1, 1_000_000);
    settings.rateLimitSlip = number(r, "rate-limit", "slip", 0, 10);
    settings.rateLimitWindow = number(r, "rate-limit", "window", 1, 3600);
  }

  private void cookies(Node node) {
    Map<String, Node> c = mapping(node, "cookies", keys("answer", "secret-file"));
    Node answer = c.get("answer");
    if (answer != null) {
      Source at = source(answer, "cookies.answer");
      String value = text(answer, "cookies.answer");
      if (!value.equals("true") && !value.equals("false")) {
        throw at.invalid("cookies.answer needs true or false: " + value);
      }
      settings.cookies = new At<>(value.equals("true"), at);
    }
    settings.cookieSecretFile = optionalPath(c, "cookies", "secret-file");
  }

  private void tcp(Node node) {
    Map<String, Node> t = mapping(node, "tcp", keys("max-connections", "max-per-source", "idle-timeout"));
    settings.tcpMaxConnections = number(t, "tcp", "max-connections", 1, 1_000_000);
    settings.tcpMaxPerSource = number(t, "tcp", "max-per-source", 1, 1_000_000);
    settings.tcpIdleTimeout = number(t, "tcp", "idle-timeout", 1, 3600);
  }

  private void queryLog(Node node) {
    Map<String, Node> q = mapping(node, "query-log", keys("text", "dnstap-file", "dnstap-socket"));
    Node text = q.get("text");
    if (text != null) {
      Source at = source(text, "query-log.text");
      String value = text(text, "query-log.text");
      if (!value.equals("true") && !value.equals("false")) {
        throw at.invalid("query-log.text needs true or false: " + value);
      }
      settings.queryLogText = new At<>(value.equals("true"), at);
    }
    settings.dnstapFile = optionalPath(q, "query-log", "dnstap-file");
    settings.dnstapSocket = optionalPath(q, "query-log", "dnstap-socket");
    if (settings.dnstapFile != null && settings.dnstapSocket != null) {
      throw settings.dnstapSocket.source().invalid("query-log: give dnstap-file or dnstap-socket, not both");
    }
  }

  private void store(Node node) {
    Map<String, Node> store = mapping(node, "store", keys("db", "memory"));
    settings.db = optionalPath(store, "store", "db");
    Node memory = store.get("memory");
    if (memory != null) {
      Source at = source(memory, "store.memory");
      String value = text(memory, "store.memory");
      if (!value.equals("true") && !value.equals("false")) {
        throw at.invalid("store.memory needs true or false: " + value);
      }
      if (value.equals("true")) {
        settings.memory = new At<>(true, at);
      }
    }
  }

  private void tsigKeys(Node node) {
    List<Node> list = items(node);
    for (int i = 0; i < list.size(); i++) {
      String key = "tsig-keys[" + i + "]";
      Node item = list.get(i);
      Map<String, Node> k = mapping(item, key, keys("name", "algorithm", "secret-file"));
      String name = required(k, item, key, "name");
      String algorithm = required(k, item, key, "algorithm");
      required(k, item, key, "secret-file");
      At<Path> secret = path(k.get("secret-file"), key + ".secret-file");
      settings.tsigKeys.add(new Settings.TsigKey(name, algorithm, secret.value(), source(item, key)));
    }
  }

  private void zones(Node node) {
    List<Node> list = items(node);
    Set<Name> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String key = "zones[" + i + "]";
      Node item = list.get(i);
      Map<String, Node> z = mapping(item, key,
          keys("zone", "allow-transfer", "allow-update", "notify", "secondary", "catalog-group", "catalog-coo",
              "dnssec"));
      Source zoneAt = source(z.getOrDefault("zone", item), key + ".zone");
      Name zone = Settings.zone(zoneAt, required(z, item, key, "zone"));
      if (!seen.add(zone)) {
        throw zoneAt.invalid(key + ".zone: " + zone + " has an entry already; give each zone one");
      }
      Node transfer = z.get("allow-transfer");
      if (transfer != null) {
        List<Node> acls = items(transfer);
        for (int j = 0; j < acls.size(); j++) {
          String aclKey = key + ".allow-transfer[" + j + "]";
          Node acl = acls.get(j);
          Map<String, Node> a = mapping(acl, aclKey, keys("key", "prefix"));
          String tsig = optional(a, aclKey, "key");
          String prefix = optional(a, aclKey, "prefix");
          if ((tsig == null) == (prefix == null)) {
            throw source(acl, aclKey).invalid(aclKey + " needs either key (a TSIG key name) or prefix (an address prefix)");
          }
          settings.allowTransfer.add(new Settings.TransferAcl(zone, tsig, prefix, source(acl, aclKey)));
        }
      }
      Node update = z.get("allow-update");
      if (update != null) {
        List<Node> acls = items(update);
        for (int j = 0; j < acls.size(); j++) {
          String aclKey = key + ".allow-update[" + j + "]";
          Node acl = acls.get(j);
          Map<String, Node> a = mapping(acl, aclKey, keys("key"));
          settings.allowUpdate.add(new Settings.UpdateAcl(zone, required(a, acl, aclKey, "key"), source(acl, aclKey)));
        }
      }
      Node notify = z.get("notify");
      if (notify != null) {
        List<Node> targets = items(notify);
        for (int j = 0; j < targets.size(); j++) {
          // HOST:PORT, or {address: HOST:PORT, key: NAME} for a key of its own
          String targetKey = key + ".notify[" + j + "]";
          Node target = targets.get(j);
          if (target instanceof MappingNode) {
            Map<String, Node> t = mapping(target, targetKey, keys("address", "key"));
            required(t, target, targetKey, "address");
            At<InetSocketAddress> address = address(t.get("address"), targetKey + ".address");
            settings.notify.add(new Settings.Notify(zone, address.value(), optional(t, targetKey, "key"),
                source(target, targetKey)));
          } else {
            At<InetSocketAddress> address = address(target, targetKey);
            settings.notify.add(new Settings.Notify(zone, address.value(), null, address.source()));
          }
        }
      }
      String group = optional(z, key, "catalog-group");
      if (group != null) {
        settings.catalogGroups.add(new Settings.CatalogGroup(zone, group, source(z.get("catalog-group"), key + ".catalog-group")));
      }
      String coo = optional(z, key, "catalog-coo");
      if (coo != null) {
        Source cooAt = source(z.get("catalog-coo"), key + ".catalog-coo");
        settings.catalogCoo.add(new Settings.CatalogCoo(zone, Settings.zone(cooAt, coo), cooAt));
      }
      String dnssec = optional(z, key, "dnssec");
      if (dnssec != null) {
        Source dnssecAt = source(z.get("dnssec"), key + ".dnssec");
        if (!dnssec.equalsIgnoreCase("false") && !dnssec.equalsIgnoreCase("no")) {
          settings.dnssec.add(Settings.Dnssec.parse(zone, dnssec, dnssecAt));
        }
      }
      Node secondary = z.get("secondary");
      if (secondary != null) {
        String secKey = key + ".secondary";
        Map<String, Node> sec = mapping(secondary, secKey, keys("primary", "key"));
        required(sec, secondary, secKey, "primary");
        At<InetSocketAddress> primary = address(sec.get("primary"), secKey + ".primary");
        settings.secondaryZones.add(new Settings.SecondaryZone(
            zone, primary.value(), optional(sec, secKey, "key"), source(secondary, secKey)));
      }
    }
  }

  private void catalogConsumers(Node node) {
    List<Node> list = items(node);
    for (int i = 0; i < list.size(); i++) {
      String key = "catalog-consumers[" + i + "]";
      Node item = list.get(i);
      Map<String, Node> c = mapping(item, key, keys("catalog", "primary", "key"));
      Source at = source(c.getOrDefault("catalog", item), key + ".catalog");
      Name catalog = Settings.zone(at, required(c, item, key, "catalog"));
      required(c, item, key, "primary");
      At<InetSocketAddress> primary = address(c.get("primary"), key + ".primary");
      settings.catalogConsumers.add(
          new Settings.CatalogConsumer(catalog, primary.value(), optional(c, key, "key"), source(item, key)));
    }
  }

  private void sync(Node node) {
    Map<String, Node> sync = mapping(node, "sync",
        keys("listen", "peers", "peers-file", "primary", "name", "secret-file", "tls"));
    Node listen = sync.get("listen");
    if (listen != null) {
      settings.syncListen = address(listen, "sync.listen");
    }
    Node peers = sync.get("peers");
    if (peers != null) {
      List<Node> list = items(peers);
      for (int i = 0; i < list.size(); i++) {
        String key = "sync.peers[" + i + "]";
        Node item = list.get(i);
        Map<String, Node> p = mapping(item, key, keys("name", "role", "secret-file"));
        String name = required(p, item, key, "name");
        String role = required(p, item, key, "role");
        required(p, item, key, "secret-file");
        Source roleAt = source(p.get("role"), key + ".role");
        At<Path> secret = path(p.get("secret-file"), key + ".secret-file");
        settings.peers.add(new Settings.Peer(name, Settings.roles(role, roleAt, key + ".role"), secret.value(), source(item, key)));
      }
    }
    Node peersFile = sync.get("peers-file");
    if (peersFile != null) {
      List<Node> list = items(peersFile);
      for (int i = 0; i < list.size(); i++) {
        settings.peersFiles.add(path(list.get(i), "sync.peers-file"));
      }
    }
    Node primary = sync.get("primary");
    if (primary != null) {
      settings.primary = address(primary, "sync.primary");
    }
    Node name = sync.get("name");
    if (name != null) {
      settings.name = new At<>(text(name, "sync.name"), source(name, "sync.name"));
    }
    settings.secretFile = optionalPath(sync, "sync", "secret-file");
    Node tls = sync.get("tls");
    if (tls != null) {
      Map<String, Node> t = mapping(tls, "sync.tls", keys("keystore", "truststore", "password-file"));
      settings.tlsKeystore = optionalPath(t, "sync.tls", "keystore");
      settings.tlsTruststore = optionalPath(t, "sync.tls", "truststore");
      settings.tlsPasswordFile = optionalPath(t, "sync.tls", "password-file");
    }
  }
}
