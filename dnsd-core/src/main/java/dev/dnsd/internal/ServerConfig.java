package dev.dnsd.internal;

import dev.dnsd.ServerExtension;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
 * @param udpBatch the most datagrams a UDP worker receives, and answers, per system call (1 to
 *     1024, recvmmsg's limit; default 32): on Linux with JDK 22+ and native access; 1 turns
 *     batching off, and every other system takes one datagram per call
 * @param tcpMaxConnections the most TCP connections open at once per address (default 256)
 * @param tcpIdleTimeout how long a TCP connection may go without a whole request or answer
 *     (default 10 s)
 * @param maxUdpPayload the UDP payload size advertised in EDNS and the most sent over UDP (512 to
 *     65535; 1232 by default, which avoids IP fragmentation on common paths)
 * @param answerCacheBytes the memory the cache of encoded answers may take (0 turns the cache
 *     off; else at least 64 KiB; 8 MiB by default)
 */
public record ServerConfig(
    List<InetSocketAddress> listen,
    List<ServerExtension> extensions,
    Map<Name, String> chaosTxt,
    byte @Nullable [] nsid,
    int udpThreads,
    int udpBatch,
    int tcpMaxConnections,
    Duration tcpIdleTimeout,
    int maxUdpPayload,
    long answerCacheBytes) {

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
    if (udpBatch < 1 || udpBatch > 1024) {
      throw new IllegalArgumentException("udpBatch must be 1..1024: " + udpBatch);
    }
    if (tcpMaxConnections < 1) {
      throw new IllegalArgumentException("tcpMaxConnections must be >= 1: " + tcpMaxConnections);
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
  }

  /** Refuses an address that cannot be bound: a name that was not resolved. */
  public static void checkListen(InetSocketAddress address) {
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("listen address is unresolved: " + address);
    }
  }

  /**
   * Loopback port 0, no extensions, the version under {@code version.dnsd.} and {@code
   * version.bind.}, no NSID, a UDP worker per processor taking batches of 32 datagrams, 256 TCP
   * connections idle for at most
   * 10 s, 1232-byte UDP answers and an 8 MiB answer cache.
   */
  public static ServerConfig defaults() {
    return new ServerConfig(
        List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
        List.of(),
        Map.of(CHAOS_NAMES.get(0), VERSION_TEXT, CHAOS_NAMES.get(1), VERSION_TEXT),
        null,
        Runtime.getRuntime().availableProcessors(),
        32,
        256,
        Duration.ofSeconds(10),
        1232,
        8L << 20);
  }

  @Override
  public byte @Nullable [] nsid() {
    return nsid == null ? null : nsid.clone();
  }

  public ServerConfig withListen(List<InetSocketAddress> addresses) {
    return new ServerConfig(addresses, extensions, chaosTxt, nsid, udpThreads, udpBatch,
        tcpMaxConnections, tcpIdleTimeout, maxUdpPayload, answerCacheBytes);
  }

  public ServerConfig withExtensions(List<ServerExtension> list) {
    return new ServerConfig(listen, list, chaosTxt, nsid, udpThreads, udpBatch,
        tcpMaxConnections, tcpIdleTimeout, maxUdpPayload, answerCacheBytes);
  }

  /** Answers a CH TXT name with the text, or (null) stops answering it. */
  public ServerConfig withChaosTxt(Name name, @Nullable String text) {
    Map<Name, String> copy = new HashMap<>(chaosTxt);
    if (text == null) {
      copy.remove(name);
    } else {
      copy.put(name, text);
    }
    return new ServerConfig(listen, extensions, copy, nsid, udpThreads, udpBatch,
        tcpMaxConnections, tcpIdleTimeout, maxUdpPayload, answerCacheBytes);
  }

  public ServerConfig withNsid(byte @Nullable [] id) {
    return new ServerConfig(listen, extensions, chaosTxt, id, udpThreads, udpBatch,
        tcpMaxConnections, tcpIdleTimeout, maxUdpPayload, answerCacheBytes);
  }

  public ServerConfig withUdpThreads(int threads) {
    return new ServerConfig(listen, extensions, chaosTxt, nsid, threads, udpBatch,
        tcpMaxConnections, tcpIdleTimeout, maxUdpPayload, answerCacheBytes);
  }

  /** Datagrams per system call on the batched UDP path; 1 turns it off. */
  public ServerConfig withUdpBatch(int datagrams) {
    return new ServerConfig(listen, extensions, chaosTxt, nsid, udpThreads, datagrams,
        tcpMaxConnections, tcpIdleTimeout, maxUdpPayload, answerCacheBytes);
  }

  public ServerConfig withTcpMaxConnections(int max) {
    return new ServerConfig(listen, extensions, chaosTxt, nsid, udpThreads, udpBatch,
        max, tcpIdleTimeout, maxUdpPayload, answerCacheBytes);
  }

  public ServerConfig withTcpIdleTimeout(Duration timeout) {
    return new ServerConfig(listen, extensions, chaosTxt, nsid, udpThreads, udpBatch,
        tcpMaxConnections, timeout, maxUdpPayload, answerCacheBytes);
  }

  public ServerConfig withMaxUdpPayload(int bytes) {
    return new ServerConfig(listen, extensions, chaosTxt, nsid, udpThreads, udpBatch,
        tcpMaxConnections, tcpIdleTimeout, bytes, answerCacheBytes);
  }

  /** The answer cache's memory budget; 0 turns it off. */
  public ServerConfig withAnswerCacheBytes(long bytes) {
    return new ServerConfig(listen, extensions, chaosTxt, nsid, udpThreads, udpBatch,
        tcpMaxConnections, tcpIdleTimeout, maxUdpPayload, bytes);
  }
}
