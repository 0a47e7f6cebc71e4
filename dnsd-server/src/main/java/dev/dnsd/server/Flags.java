package dev.dnsd.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A small parser for {@code --name value} and {@code --switch} flags: each value flag may repeat
 * (read with {@link #all} or {@link #one}), unknown flags are a usage error, as are values that
 * are missing or malformed.
 */
final class Flags {
  private final Map<String, List<String>> values = new LinkedHashMap<>();
  private final List<String> positional = new ArrayList<>();

  private Flags() {}

  static Flags parse(List<String> args, Set<String> valueFlags, Set<String> switches) {
    Flags flags = new Flags();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String inline = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        inline = arg.substring(eq + 1);
      }
      if (valueFlags.contains(name)) {
        String value = inline;
        if (value == null) {
          if (i + 1 >= args.size()) {
            throw new UsageException(name + " needs a value");
          }
          value = args.get(++i);
        }
        flags.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } else if (switches.contains(name) && inline == null) {
        flags.values.computeIfAbsent(name, k -> new ArrayList<>()).add("");
      } else if (arg.startsWith("-")) {
        throw new UsageException("unknown flag " + arg);
      } else {
        flags.positional.add(arg);
      }
    }
    return flags;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  @Nullable String one(String name) {
    List<String> list = all(name);
    if (list.size() > 1) {
      throw new UsageException(name + " may be given once");
    }
    return list.isEmpty() ? null : list.get(0);
  }

  List<String> positional() {
    return positional;
  }

  int positiveInt(String name, int fallback) {
    String value = one(name);
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException(name + " needs a positive whole number: " + value);
    }
  }

  /** The address as {@link #hostPort} reads it: 127.0.0.1:53, [::1]:53. */
  static String format(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /** HOST:PORT, with IPv6 hosts in brackets: 127.0.0.1:53, [::1]:53. */
  static InetSocketAddress hostPort(String flag, String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0) {
      throw new UsageException(flag + " needs HOST:PORT: " + value);
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new UsageException(flag + " needs an IPv6 host in brackets, e.g. [::1]:53: " + value);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new UsageException(flag + " has a bad port: " + value);
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new UsageException(flag + " has an unknown host: " + value);
    }
  }
}
