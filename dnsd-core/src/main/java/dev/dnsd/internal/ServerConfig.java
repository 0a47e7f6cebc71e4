package dev.dnsd.internal;

import dev.dnsd.RateLimit;
import dev.dnsd.ServerExtension;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * Every setting of a server, checked, with its default: what {@link dev.dnsd.DnsServer.Builder}
 * fills and what the responder and transports read. The one place a setting's rule and default
 * live; each {@code with} method returns a checked copy.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.defaults().withMaxUdpPayload(1400).withNsid(id);
 * Responder responder = new Responder(store::zones, config);
 * }</pre>
 *
 * @param listen the addresses for UDP and TCP (port 0 picks a free port); default 127.0.0.1:0
 * @param extensions offered what the responder does not answer itself, in order
 * @param chaosTxt the class CH TXT names answered, with their text; a name not here is refused.
 *     Only {@link #CHAOS_NAMES} may be answered; by default the two version names
 * @param nsid the name server identifier returned to clients asking for it (RFC 5001), or null
 * @param udpThreads UDP worker threads, one socket each (1 to 1024; default the processors)
 * @param tcpMaxConnections the most TCP connections open at once per address (default 1024)
 * @param tcpMaxConnectionsPerSource the most TCP connections open at once per address from one
 *     /32 (IPv4) or /64 (IPv6) network (default 64)
 * @param tcpIdleTimeout how long a TCP connection may go without a whole request or answer
 *     (default 10 s)
 * @param maxUdpPayload the UDP payload size advertised in EDNS and the most sent over UDP (512 to
 *     65535; 1232 by default, which avoids IP fragmentation on common paths)
 * @param answerCacheBytes the memory the cache of encoded answers may take (0 turns the cache
 *     off; else at least 64 KiB; 8 MiB by default)
 * @param rateLimit response rate limiting, or null for none (the default)
 * @param cookies whether queries with a DNS cookie (RFC 7873) get a server cookie (by default)
 * @param cookieSecret the 16-byte secret of server cookies (RFC 9018), shared by servers that
 *     accept each other's cookies; null for a random one replaced daily (the default)
 * @param clock the time, for the timestamps in server cookies and the seconds of rate limiting; a
 *     test seam (default the system clock)
 */
public record ServerConfig(
    List<InetSocketAddress> listen,
    List<ServerExtension> extensions,
    Map<Name, String> chaosTxt,
    byte @Nullable [] nsid,
    int udpThreads,
    int tcpMaxConnections,
    int tcpMaxConnectionsPerSource,
    Duration tcpIdleTimeout,
    int maxUdpPayload,
    long answerCacheBytes,
    @Nullable RateLimit rateLimit,
    boolean cookies,
    byte @Nullable [] cookieSecret,
    Clock clock) {

  /** This library's version. */
  public static final String VERSION = "0.1.0";

  public static final long MIN_ANSWER_CACHE_BYTES = 64L << 10;

  /** The CH-class TXT names a server may answer (RFC 4892 and the names BIND made common). */
  public static final List<Name> CHAOS_NAMES =
      List.of(
          Name.fromConstantString("version.dnsd."),
          Name.fromConstantString("version.bind."),
          Name.fromConstantString("hostname.bind."),
          Name.fromConstantString("id.server."));

  private static final String VERSION_TEXT = "dnsd " + VERSION;

  public ServerConfig {
    listen = List.copyOf(listen);
    if (listen.isEmpty()) {
      throw new IllegalArgumentException("a server needs at least one listen address");
    }
    listen.forEach(ServerConfig::checkListen);
    extensions = List.copyOf(extensions);
    chaosTxt = Map.copyOf(chaosTxt);
    for (Name name : chaosTxt.keySet()) {
      if (!CHAOS_NAMES.contains(name)) {
        throw new IllegalArgumentException("chaos name must be one of " + CHAOS_NAMES + ": " + name);
      }
    }
    if (nsid != null && nsid.length > 65535) {
      throw new IllegalArgumentException("nsid longer than an EDNS option can carry: " + nsid.length);
    }
    nsid = nsid == null ? null : nsid.clone();
    if (udpThreads < 1 || udpThreads > 1024) {
      throw new IllegalArgumentException("udpThreads must be 1..1024: " + udpThreads);
    }
    if (tcpMaxConnections < 1) {
      throw new IllegalArgumentException("tcpMaxConnections must be >= 1: " + tcpMaxConnections);
    }
    if (tcpMaxConnectionsPerSource < 1) {
      throw new IllegalArgumentException("tcpMaxConnectionsPerSource must be >= 1: " + tcpMaxConnectionsPerSource);
    }
    if (tcpIdleTimeout.isNegative() || tcpIdleTimeout.isZero()) {
      throw new IllegalArgumentException("tcpIdleTimeout must be positive: " + tcpIdleTimeout);
    }
    if (maxUdpPayload < 512 || maxUdpPayload > 65535) {
      throw new IllegalArgumentException("maxUdpPayload must be 512..65535: " + maxUdpPayload);
    }
    if (answerCacheBytes != 0 && answerCacheBytes < MIN_ANSWER_CACHE_BYTES) {
      throw new IllegalArgumentException(
          "answerCacheBytes must be 0 (off) or at least " + MIN_ANSWER_CACHE_BYTES + ": " + answerCacheBytes);
    }
    if (cookieSecret != null) {
      ServerCookies.checkSecret(cookieSecret);
      cookieSecret = cookieSecret.clone();
    }
  }

  /** Refuses an address that cannot be bound: a name that was not resolved. */
  public static void checkListen(InetSocketAddress address) {
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("listen address is unresolved: " + address);
    }
  }

  /**
   * Loopback port 0, no extensions, the version under {@code version.dnsd.} and {@code
   * version.bind.}, no NSID, a UDP worker per processor, 1024 TCP connections (64 from one
   * network) idle for at most 10 s, 1232-byte UDP answers and an 8 MiB answer cache.
   */
  public static ServerConfig defaults() {
    return new ServerConfig(
        List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
        List.of(),
        Map.of(CHAOS_NAMES.get(0), VERSION_TEXT, CHAOS_NAMES.get(1), VERSION_TEXT),
        null,
        Runtime.getRuntime().availableProcessors(),
        1024,
        64,
        Duration.ofSeconds(10),
        1232,
        8L << 20,
        null,
        true,
        null,
        Clock.systemUTC());
  }

  @Override
  public byte @Nullable [] nsid() {
    return nsid == null ? null : nsid.clone();
  }

  @Override
  public byte @Nullable [] cookieSecret() {
    return cookieSecret == null ? null : cookieSecret.clone();
  }

  public ServerConfig withListen(List<InetSocketAddress> addresses) {
    return new ServerConfig(addresses, extensions, chaosTxt, nsid, udpThreads, tcpMaxConnections,
        tcpMaxConnectionsPerSource, tcpIdleTimeout, maxUdpPayload, answerCacheBytes, rateLimit, cookies, cookieSecret, clock);
  }

  public ServerConfig withExtensions(List<ServerExtension> list) {
    return new ServerConfig(listen, list, chaosTxt, nsid, udpThreads, tcpMaxConnections,
        tcpMaxConnectionsPerSource, tcpIdleTimeout, maxUdpPayload, answerCacheBytes, rateLimit, cookies, cookieSecret, clock);
  }

  /** Answers a CH TXT name with the text, or (null) stops answering it. */
  public ServerConfig withChaosTxt(Name name, @Nullable String text) {
    Map<Name, String> copy = new HashMap<>(chaosTxt);
    if (text == null) {
      copy.remove(name);
    } else {
      copy.put(name, text);
    }
    return new ServerConfig(listen, extensions, copy, nsid, udpThreads, tcpMaxConnections,
        tcpMaxConnectionsPerSource, tcpIdleTimeout, maxUdpPayload, answerCacheBytes, rateLimit, cookies, cookieSecret, clock);
  }

  public ServerConfig withNsid(byte @Nullable [] id) {
    return new ServerConfig(listen, extensions, chaosTxt, id, udpThreads, tcpMaxConnections,
        tcpMaxConnectionsPerSource, tcpIdleTimeout, maxUdpPayload, answerCacheBytes, rateLimit, cookies, cookieSecret, clock);
  }

  public ServerConfig withUdpThreads(int threads) {
    return new ServerConfig(listen, extensions, chaosTxt, nsid, threads, tcpMaxConnections,
        tcpMaxConnectionsPerSource, tcpIdleTimeout, maxUdpPayload, answerCacheBytes, rateLimit, cookies, cookieSecret, clock);
  }

  public ServerConfig withTcpMaxConnections(int max) {
    return new ServerConfig(listen, extensions, chaosTxt, nsid, udpThreads, max,
        tcpMaxConnectionsPerSource, tcpIdleTimeout, maxUdpPayload, answerCacheBytes, rateLimit, cookies, cookieSecret, clock);
  }

  public ServerConfig withTcpMaxConnectionsPerSource(int max) {
    return new ServerConfig(listen, extensions, chaosTxt, nsid, udpThreads, tcpMaxConnections,
        max, tcpIdleTimeout, maxUdpPayload, answerCacheBytes, rateLimit, cookies, cookieSecret, clock);
  }

  public ServerConfig withTcpIdleTimeout(Duration timeout) {
    return new ServerConfig(listen, extensions, chaosTxt, nsid, udpThreads, tcpMaxConnections,
        tcpMaxConnectionsPerSource, timeout, maxUdpPayload, answerCacheBytes, rateLimit, cookies, cookieSecret, clock);
  }

  public ServerConfig withMaxUdpPayload(int bytes) {
    return new ServerConfig(listen, extensions, chaosTxt, nsid, udpThreads, tcpMaxConnections,
        tcpMaxConnectionsPerSource, tcpIdleTimeout, bytes, answerCacheBytes, rateLimit, cookies, cookieSecret, clock);
  }

  public ServerConfig withRateLimit(@Nullable RateLimit limit) {
    return new ServerConfig(listen, extensions, chaosTxt, nsid, udpThreads, tcpMaxConnections,
        tcpMaxConnectionsPerSource, tcpIdleTimeout, maxUdpPayload, answerCacheBytes, limit, cookies, cookieSecret, clock);
  }

  public ServerConfig withCookies(boolean answer) {
    return new ServerConfig(listen, extensions, chaosTxt, nsid, udpThreads, tcpMaxConnections,
        tcpMaxConnectionsPerSource, tcpIdleTimeout, maxUdpPayload, answerCacheBytes, rateLimit, answer, cookieSecret, clock);
  }

  public ServerConfig withCookieSecret(byte @Nullable [] secret) {
    return new ServerConfig(listen, extensions, chaosTxt, nsid, udpThreads, tcpMaxConnections,
        tcpMaxConnectionsPerSource, tcpIdleTimeout, maxUdpPayload, answerCacheBytes, rateLimit, cookies, secret, clock);
  }

  public ServerConfig withClock(Clock value) {
    return new ServerConfig(listen, extensions, chaosTxt, nsid, udpThreads, tcpMaxConnections,
        tcpMaxConnectionsPerSource, tcpIdleTimeout, maxUdpPayload, answerCacheBytes, rateLimit, cookies,
        cookieSecret, value);
  }

  /** The answer cache's memory budget; 0 turns it off. */
  public ServerConfig withAnswerCacheBytes(long bytes) {
    return new ServerConfig(listen, extensions, chaosTxt, nsid, udpThreads, tcpMaxConnections,
        tcpMaxConnectionsPerSource, tcpIdleTimeout, maxUdpPayload, bytes, rateLimit, cookies, cookieSecret, clock);
  }
}
