package dev.dnsd.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** HOST:PORT as flags and the config file write an address: 127.0.0.1:53, [::1]:53. */
final class HostPort {
  private HostPort() {}

  /** The address as {@link #parse} reads it. */
  static String format(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /**
   * Reads HOST:PORT, IPv6 hosts in brackets.
   *
   * @throws UsageException starting with the setting's source and name
   */
  static InetSocketAddress parse(Source source, String value) {
    String flag = source.name();
    int colon = value.lastIndexOf(':');
    if (colon <= 0) {
      throw source.invalid(flag + " needs HOST:PORT: " + value);
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw source.invalid(flag + " needs an IPv6 host in brackets, e.g. [::1]:53: " + value);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw source.invalid(flag + " has a bad port: " + value);
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw source.invalid(flag + " has an unknown host: " + value);
    }
  }
}
