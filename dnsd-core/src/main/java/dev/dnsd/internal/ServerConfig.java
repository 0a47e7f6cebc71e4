package dev.dnsd.internal;

import dev.dnsd.QueryListener;
import dev.dnsd.RateLimit;
import dev.dnsd.ServerExtension;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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
 * <p>A new setting is a component here, its check in the constructor, its default in {@link
 * #defaults()}, a field of {@link Draft} and a {@code with} method.
 *
 * @param listen the addresses for UDP and TCP (port 0 picks a free port); default 127.0.0.1:0
 * @param extensions offered what the responder does not answer itself, in order
 * @param chaosTxt the class CH TXT names answered, with their text; a name not here is refused.
 *     Only {@link #CHAOS_NAMES} may be answered; by default the two version names
 * @param nsid the name server identifier returned to clients asking for it (RFC 5001), or null
 * @param udpThreads UDP worker threads, one socket each (1 to 1024; default the processors)
 * @param udpBatch the most datagrams a UDP worker receives, and answers, per system call (1 to
 *     1024, recvmmsg's limit; default 32): on Linux with JDK 22+ and native access; 1 turns
 *     batching off, and every other system takes one datagram per call
 * @param tcpMaxConnections the most TCP connections open at once per address (default 1024)
 * @param tcpMaxConnectionsPerSource the most TCP connections open at once per address from one
 *     /32 (IPv4) or /64 (IPv6) network (default 64)
 * @param tcpIdleTimeout how long a TCP connection may go without a whole request, or with an
 *     answer its client does not read (default 10 s)
 * @param maxUdpPayload the UDP payload size advertised in EDNS and the most sent over UDP (512 to
 *     65535; 1232 by default, which avoids IP fragmentation on common paths)
 * @param answerCacheBytes the memory the cache of encoded answers may take (0 turns the cache
 *     off; else at least 64 KiB; 8 MiB by default)
 * @param queryListener told of each query received, or null (the default) for none
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
    int udpBatch,
    int tcpMaxConnections,
    int tcpMaxConnectionsPerSource,
    Duration tcpIdleTimeout,
    int maxUdpPayload,
    long answerCacheBytes,
    @Nullable QueryListener queryListener,
    @Nullable RateLimit rateLimit,
    boolean cookies,
    byte @Nullable [] cookieSecret,
    Clock clock) {

  /** This library's version. */
  public static final String VERSION = "0.1.0";

  /** The smallest answer cache: below it, a few large answers would fill it. */
  public static final long MIN_ANSWER_CACHE_BYTES = 64L << 10;

  /** The CH-class TXT names a server may answer (RFC 4892 and the names BIND made common). */
  public static final List<Name> CHAOS_NAMES =
      List.of(
          Name.fromConstantString("version.dnsd."),
          Name.fromConstantString("version.bind."),
          Name.fromConstantString("hostname.bind."),
          Name.fromConstantString("id.server."));

  private static final String VERSION_TEXT = "dnsd " + VERSION;

  /**
   * Checks every setting and copies the collections and arrays.
   *
   * @param listen the listen addresses
   * @param extensions the extensions
   * @param chaosTxt the CH TXT names and their text
   * @param nsid the NSID, or null
   * @param udpThreads UDP worker threads
   * @param udpBatch datagrams per system call on the batched UDP path
   * @param tcpMaxConnections the most TCP connections per address
   * @param tcpMaxConnectionsPerSource the most TCP connections per address from one network
   * @param tcpIdleTimeout the TCP idle timeout
   * @param maxUdpPayload the largest UDP payload
   * @param answerCacheBytes the answer cache's budget
   * @param queryListener the query listener, or null
   * @param rateLimit response rate limiting, or null
   * @param cookies whether DNS cookies are answered
   * @param cookieSecret the server cookie secret, or null
   * @param clock the clock
   * @throws IllegalArgumentException naming the setting that is out of range
   */
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
    if (udpBatch < 1 || udpBatch > 1024) {
      throw new IllegalArgumentException("udpBatch must be 1..1024: " + udpBatch);
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

  /**
   * An address as HOST:PORT, an IPv6 host in brackets: 127.0.0.1:53, [0:0:0:0:0:0:0:1]:53.
   *
   * @param address a resolved address
   * @return the text
   */
  public static String hostPort(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /**
   * Refuses an address that cannot be bound: a name that was not resolved.
   *
   * @param address the address
   * @throws IllegalArgumentException when it is unresolved
   */
  public static void checkListen(InetSocketAddress address) {
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("listen address is unresolved: " + address);
    }
  }

  /**
   * Loopback port 0, no extensions, the version under {@code version.dnsd.} and {@code
   * version.bind.}, no NSID, a UDP worker per processor taking batches of 32 datagrams, 1024 TCP connections (64 from one
   * network) idle for at most 10 s, 1232-byte UDP answers, an 8 MiB answer cache, no query
   * listener, no rate limiting, cookies answered with a random secret, the system clock.
   *
   * @return the defaults
   */
  public static ServerConfig defaults() {
    return new ServerConfig(
        List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
        List.of(),
        Map.of(CHAOS_NAMES.get(0), VERSION_TEXT, CHAOS_NAMES.get(1), VERSION_TEXT),
        null,
        Runtime.getRuntime().availableProcessors(),
        32,
        1024,
        64,
        Duration.ofSeconds(10),
        1232,
        8L << 20,
        null,
        null,
        true,
        null,
        Clock.systemUTC());
  }

  /**
   * The NSID, a copy.
   *
   * @return the NSID bytes, or null when off
   */
  @Override
  public byte @Nullable [] nsid() {
    return nsid == null ? null : nsid.clone();
  }

  /**
   * The server cookie secret, a copy.
   *
   * @return the secret, or null for a random one
   */
  @Override
  public byte @Nullable [] cookieSecret() {
    return cookieSecret == null ? null : cookieSecret.clone();
  }

  /** The settings as plain fields: the one way a copy with one of them changed is made. */
  private static final class Draft {
    List<InetSocketAddress> listen;
    List<ServerExtension> extensions;
    Map<Name, String> chaosTxt;
    byte @Nullable [] nsid;
    int udpThreads;
    int udpBatch;
    int tcpMaxConnections;
    int tcpMaxConnectionsPerSource;
    Duration tcpIdleTimeout;
    int maxUdpPayload;
    long answerCacheBytes;
    @Nullable QueryListener queryListener;
    @Nullable RateLimit rateLimit;
    boolean cookies;
    byte @Nullable [] cookieSecret;
    Clock clock;

    Draft(ServerConfig c) {
      listen = c.listen;
      extensions = c.extensions;
      chaosTxt = c.chaosTxt;
      nsid = c.nsid;
      udpThreads = c.udpThreads;
      udpBatch = c.udpBatch;
      tcpMaxConnections = c.tcpMaxConnections;
      tcpMaxConnectionsPerSource = c.tcpMaxConnectionsPerSource;
      tcpIdleTimeout = c.tcpIdleTimeout;
      maxUdpPayload = c.maxUdpPayload;
      answerCacheBytes = c.answerCacheBytes;
      queryListener = c.queryListener;
      rateLimit = c.rateLimit;
      cookies = c.cookies;
      cookieSecret = c.cookieSecret;
      clock = c.clock;
    }

    ServerConfig build() {
      return new ServerConfig(listen, extensions, chaosTxt, nsid, udpThreads, udpBatch, tcpMaxConnections,
          tcpMaxConnectionsPerSource, tcpIdleTimeout, maxUdpPayload, answerCacheBytes, queryListener,
          rateLimit, cookies, cookieSecret, clock);
    }
  }

  private ServerConfig with(Consumer<Draft> change) {
    Draft draft = new Draft(this);
    change.accept(draft);
    return draft.build();
  }

  /**
   * A copy with these listen addresses.
   *
   * @param addresses at least one, all resolved
   * @return the copy
   */
  public ServerConfig withListen(List<InetSocketAddress> addresses) {
    return with(d -> d.listen = addresses);
  }

  /**
   * A copy with these extensions.
   *
   * @param list the extensions, in order
   * @return the copy
   */
  public ServerConfig withExtensions(List<ServerExtension> list) {
    return with(d -> d.extensions = list);
  }

  /**
   * Answers a CH TXT name with the text, or (null) stops answering it.
   *
   * @param name one of {@link #CHAOS_NAMES}
   * @param text the TXT answer, or null for none
   * @return the copy
   */
  public ServerConfig withChaosTxt(Name name, @Nullable String text) {
    Map<Name, String> copy = new HashMap<>(chaosTxt);
    if (text == null) {
      copy.remove(name);
    } else {
      copy.put(name, text);
    }
    return with(d -> d.chaosTxt = copy);
  }

  /**
   * A copy with this NSID.
   *
   * @param id the NSID bytes, or null for none
   * @return the copy
   */
  public ServerConfig withNsid(byte @Nullable [] id) {
    return with(d -> d.nsid = id);
  }

  /**
   * A copy with this many UDP workers.
   *
   * @param threads 1 to 1024
   * @return the copy
   */
  public ServerConfig withUdpThreads(int threads) {
    return with(d -> d.udpThreads = threads);
  }

  /**
   * A copy with this many datagrams per system call on the batched UDP path.
   *
   * @param datagrams 1 to 1024; 1 turns batching off
   * @return the copy
   */
  public ServerConfig withUdpBatch(int datagrams) {
    return with(d -> d.udpBatch = datagrams);
  }

  /**
   * A copy with this TCP connection limit per address.
   *
   * @param max at least 1
   * @return the copy
   */
  public ServerConfig withTcpMaxConnections(int max) {
    return with(d -> d.tcpMaxConnections = max);
  }

  /**
   * A copy with this TCP connection limit per address and source network.
   *
   * @param max at least 1
   * @return the copy
   */
  public ServerConfig withTcpMaxConnectionsPerSource(int max) {
    return with(d -> d.tcpMaxConnectionsPerSource = max);
  }

  /**
   * A copy with this TCP idle timeout.
   *
   * @param timeout positive
   * @return the copy
   */
  public ServerConfig withTcpIdleTimeout(Duration timeout) {
    return with(d -> d.tcpIdleTimeout = timeout);
  }

  /**
   * A copy with this largest UDP payload.
   *
   * @param bytes 512 to 65535
   * @return the copy
   */
  public ServerConfig withMaxUdpPayload(int bytes) {
    return with(d -> d.maxUdpPayload = bytes);
  }

  /**
   * A copy with this query listener.
   *
   * @param listener told of each query, or null for none
   * @return the copy
   */
  public ServerConfig withQueryListener(@Nullable QueryListener listener) {
    return with(d -> d.queryListener = listener);
  }

  /**
   * A copy with this answer cache budget.
   *
   * @param bytes 0 (off) or at least {@link #MIN_ANSWER_CACHE_BYTES}
   * @return the copy
   */
  public ServerConfig withAnswerCacheBytes(long bytes) {
    return with(d -> d.answerCacheBytes = bytes);
  }

  /**
   * A copy with this response rate limiting.
   *
   * @param limit the limits, or null for none
   * @return the copy
   */
  public ServerConfig withRateLimit(@Nullable RateLimit limit) {
    return with(d -> d.rateLimit = limit);
  }

  /**
   * A copy that answers DNS cookies, or not.
   *
   * @param answer whether to
   * @return the copy
   */
  public ServerConfig withCookies(boolean answer) {
    return with(d -> d.cookies = answer);
  }

  /**
   * A copy with this server cookie secret.
   *
   * @param secret 16 bytes, or null for a random one replaced daily
   * @return the copy
   */
  public ServerConfig withCookieSecret(byte @Nullable [] secret) {
    return with(d -> d.cookieSecret = secret);
  }

  /**
   * A copy with this clock.
   *
   * @param value the clock
   * @return the copy
   */
  public ServerConfig withClock(Clock value) {
    return with(d -> d.clock = value);
  }
}
