package dev.dnsd;

import dev.dnsd.store.CommitStatistics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * What a {@link DnsServer} has done since it started: an immutable snapshot of its counters, taken
 * by {@link DnsServer#statistics()}. Counting is always on and costs the query path no lock and no
 * allocation (each worker thread counts into counters of its own, which a snapshot adds up).
 *
 * <pre>{@code
 * ServerStatistics s = server.statistics();
 * long udp = s.queries().udp();
 * long aaaa = s.queries().types().get("AAAA");
 * long nxdomain = s.queries().rcodes().get("NXDOMAIN");
 * double hitRatio = (double) s.fastPath().cacheHits() / Math.max(1, s.fastPath().cacheHits() + s.fastPath().cacheMisses());
 * for (ServerStatistics.Secondary ns : s.secondaries()) {
 *   log.info("{} is {} versions behind", ns.name(), ns.lagVersions());
 * }
 * for (ServerStatistics.Metric m : s.metrics()) {     // the same, as named metrics
 *   System.out.println(m.name() + m.tags() + " " + m.value());
 * }
 * }</pre>
 *
 * <p>Counters only grow while the server runs. The maps of {@link Queries} always hold the same
 * keys, zero or not, in the same order, with {@value #OTHER} for the rest. {@link #metrics()} is
 * the one list of names, tags and descriptions that dnsd's Prometheus endpoint, its Micrometer
 * binder and {@code control stats} all show. Extensions add their part (secondaries, transfers,
 * counters of their own) through {@link ServerExtension#statistics(Builder)}.
 *
 * @param time when the snapshot was taken
 * @param version the store's version (its last commit)
 * @param zones how many zones the store holds
 * @param queries requests received, by transport, opcode, type and rcode
 * @param fastPath how the responder's cheap path went: answer cache hits and misses, REFUSED
 * @param rateLimiting answers response rate limiting held back ({@link RateLimit})
 * @param tcp DNS over TCP connections, summed over the listen addresses
 * @param commits commits to the store and the time they took
 * @param transfers NOTIFY and zone transfers in and out, as the zone transfer extension counts them
 * @param secondaries the secondaries the extensions serve: dnsd's own replication and standard ones
 * @param extensionMetrics further counters and gauges the extensions keep, in {@link #metrics()} too
 */
public record ServerStatistics(
    Instant time,
    long version,
    int zones,
    Queries queries,
    FastPath fastPath,
    RateLimiting rateLimiting,
    Tcp tcp,
    CommitStatistics commits,
    Transfers transfers,
    List<Secondary> secondaries,
    List<Metric> extensionMetrics) {

  /** The key that counts whatever has no key of its own in the maps of {@link Queries}. */
  public static final String OTHER = "OTHER";

  /**
   * Copies the lists.
   *
   * @param time when the snapshot was taken
   * @param version the store's version
   * @param zones how many zones the store holds
   * @param queries requests received
   * @param fastPath the cheap path's outcomes
   * @param rateLimiting answers rate limiting held back
   * @param tcp DNS over TCP connections
   * @param commits commits to the store
   * @param transfers NOTIFY and zone transfers
   * @param secondaries the secondaries
   * @param extensionMetrics the extensions' own metrics
   */
  public ServerStatistics {
    secondaries = List.copyOf(secondaries);
    extensionMetrics = List.copyOf(extensionMetrics);
  }

  /**
   * Requests received: every DNS message that is not a response, whatever became of it.
   *
   * @param udp requests over UDP
   * @param tcp requests over TCP
   * @param opcodes by opcode ({@code QUERY}, {@code NOTIFY}, {@code UPDATE}, ...)
   * @param types by question type ({@code A}, {@code AAAA}, {@code AXFR}, ...), requests with a
   *     question only
   * @param rcodes the answers the responder sent, by rcode ({@code NOERROR}, {@code NXDOMAIN},
   *     {@code BADVERS}, ...); requests an extension answered or that were dropped are not here
   * @param takenByExtensions requests an extension took (transfers, NOTIFY, UPDATE, signed queries)
   */
  public record Queries(
      long udp, long tcp, Map<String, Long> opcodes, Map<String, Long> types, Map<String, Long> rcodes,
      long takenByExtensions) {
    /**
     * Copies the maps, keeping their order.
     *
     * @param udp requests over UDP
     * @param tcp requests over TCP
     * @param opcodes by opcode
     * @param types by question type
     * @param rcodes answers by rcode
     * @param takenByExtensions requests an extension took
     */
    public Queries {
      opcodes = ordered(opcodes);
      types = ordered(types);
      rcodes = ordered(rcodes);
    }

    /**
     * Requests over both transports.
     *
     * @return the sum
     */
    public long total() {
      return udp + tcp;
    }
  }

  /**
   * How the responder's cheap path went: it reads a query's header and question from the wire,
   * answers from the cache of encoded answers, or refuses a name that is in no zone, before any
   * full parse.
   *
   * @param cacheHits queries answered from the answer cache
   * @param cacheMisses queries looked up in the cache and not found there, then answered in full
   * @param refused queries for a name in no zone here, answered REFUSED from the query's bytes
   */
  public record FastPath(long cacheHits, long cacheMisses, long refused) {}

  /**
   * The answers response rate limiting held back ({@link DnsServer.Builder#rateLimit}).
   *
   * @param dropped answers not sent
   * @param slipped answers sent empty with TC instead, so that a real client retries over TCP
   * @param badCookie answers sent as BADCOOKIE with a fresh cookie instead (RFC 7873 §5.2.3)
   */
  public record RateLimiting(long dropped, long slipped, long badCookie) {}

  /**
   * DNS over TCP connections ({@link DnsServer.Builder#tcpMaxConnections}).
   *
   * @param open connections open now
   * @param accepted connections accepted
   * @param refused connections closed at once because every connection was busy at a limit
   * @param evicted idle connections closed to make room for a new one (RFC 7766 §6.2.3)
   */
  public record Tcp(int open, long accepted, long refused, long evicted) {}

  /**
   * NOTIFY and zone transfers, in (this server is the secondary) and out (its secondaries).
   *
   * @param notifyIn NOTIFYs accepted from primaries of the zones this server follows
   * @param notifyOut NOTIFY messages sent to secondaries, retries included
   * @param axfrOut AXFR answers sent
   * @param ixfrOut IXFR answers sent (an incremental one, or the whole zone when the log no
   *     longer reaches back)
   * @param axfrIn zones copied whole from a primary
   * @param ixfrIn zones brought up to date by IXFR from a primary
   */
  public record Transfers(long notifyIn, long notifyOut, long axfrOut, long ixfrOut, long axfrIn, long ixfrIn) {
    /** None. */
    public static final Transfers NONE = new Transfers(0, 0, 0, 0, 0, 0);

    /**
     * These and the others, added.
     *
     * @param other more transfers
     * @return the sums
     */
    public Transfers plus(Transfers other) {
      return new Transfers(notifyIn + other.notifyIn, notifyOut + other.notifyOut, axfrOut + other.axfrOut,
          ixfrOut + other.ixfrOut, axfrIn + other.axfrIn, ixfrIn + other.ixfrIn);
    }
  }

  /**
   * A secondary this server feeds: a peer of dnsd's replication (all zones), or a standard
   * secondary of one zone, which hears by NOTIFY and copies by AXFR or IXFR.
   *
   * @param name the peer's name, or for a standard secondary its NOTIFY address ({@code 192.0.2.2:53})
   * @param zone the zone, for a standard secondary; null for a replication peer, which has them all
   * @param connected a replication peer: connected and receiving changes; a standard secondary:
   *     it answered the last NOTIFY, or took a transfer since
   * @param appliedVersion the last version the secondary is known to have: the store version a
   *     replication peer acknowledged, the SOA serial a standard secondary transferred; -1 unknown
   * @param lagVersions how many versions (for a zone, serials) it is behind; 0 in sync, -1 unknown
   * @param lagMillis how long it has been behind: since the first commit it has not applied; 0 in
   *     sync, -1 unknown
   */
  public record Secondary(
      String name, @Nullable Name zone, boolean connected, long appliedVersion, long lagVersions, long lagMillis) {}

  /**
   * One counter or gauge, as a metrics system takes it: dnsd's Prometheus endpoint writes {@code
   * dnsd.queries} with tag {@code transport=udp} as {@code dnsd_queries_total{transport="udp"}}.
   *
   * @param name lower case words joined by dots, such as {@code dnsd.answer.cache.hits}
   * @param kind a counter (only grows) or a gauge (a value now)
   * @param description one line saying what it counts
   * @param tags what tells the series of one name apart ({@code transport}, {@code rcode}, ...);
   *     every metric of a name has the same tag keys
   * @param value the value
   */
  public record Metric(String name, Kind kind, String description, Map<String, String> tags, double value) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(\\.[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[a-z][a-z0-9_]*");

    /** What a metric's value is. */
    public enum Kind {
      /** A count that only grows while the server runs. */
      COUNTER,
      /** A value now, which may go up and down. */
      GAUGE
    }

    /**
     * Checks the name and tag keys and copies the tags, keeping their order.
     *
     * @param name the name
     * @param kind counter or gauge
     * @param description what it counts
     * @param tags its tags
     * @param value its value
     * @throws IllegalArgumentException when the name or a tag key is not of the form above
     */
    public Metric {
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("metric name must be lower case words joined by dots: " + name);
      }
      for (String key : tags.keySet()) {
        if (!TAG.matcher(key).matches()) {
          throw new IllegalArgumentException("tag key must be a lower case word: " + key);
        }
      }
      tags = ordered(tags);
    }

    /**
     * A counter.
     *
     * @param name its name
     * @param description what it counts
     * @param tags its tags
     * @param value its value
     * @return the metric
     */
    public static Metric counter(String name, String description, Map<String, String> tags, double value) {
      return new Metric(name, Kind.COUNTER, description, tags, value);
    }

    /**
     * A gauge.
     *
     * @param name its name
     * @param description what it measures
     * @param tags its tags
     * @param value its value
     * @return the metric
     */
    public static Metric gauge(String name, String description, Map<String, String> tags, double value) {
      return new Metric(name, Kind.GAUGE, description, tags, value);
    }
  }

  /**
   * Every counter of this snapshot as a named metric, in a fixed order: the server's own first,
   * then the secondaries', then the extensions' own.
   *
   * @return the metrics
   */
  public List<Metric> metrics() {
    List<Metric> m = new ArrayList<>();
    Map<String, String> none = Map.of();
    m.add(Metric.counter("dnsd.queries", "Requests received, by transport", Map.of("transport", "udp"), queries.udp()));
    m.add(Metric.counter("dnsd.queries", "Requests received, by transport", Map.of("transport", "tcp"), queries.tcp()));
    queries.opcodes().forEach((op, n) ->
        m.add(Metric.counter("dnsd.queries.opcode", "Requests received, by opcode", Map.of("opcode", op), n)));
    queries.types().forEach((type, n) ->
        m.add(Metric.counter("dnsd.queries.type", "Requests received, by question type", Map.of("qtype", type), n)));
    queries.rcodes().forEach((rcode, n) ->
        m.add(Metric.counter("dnsd.responses", "Answers the responder sent, by rcode", Map.of("rcode", rcode), n)));
    m.add(Metric.counter("dnsd.queries.extension", "Requests an extension took (transfers, NOTIFY, UPDATE, signed queries)",
        none, queries.takenByExtensions()));
    m.add(Metric.counter("dnsd.answer.cache.hits", "Queries answered from the answer cache", none, fastPath.cacheHits()));
    m.add(Metric.counter("dnsd.answer.cache.misses", "Queries not found in the answer cache, answered in full", none,
        fastPath.cacheMisses()));
    m.add(Metric.counter("dnsd.refused.fast", "Queries for names in no zone, answered REFUSED from the query's bytes",
        none, fastPath.refused()));
    String limited = "Answers response rate limiting held back, by what it sent instead";
    m.add(Metric.counter("dnsd.rate.limited", limited, Map.of("action", "dropped"), rateLimiting.dropped()));
    m.add(Metric.counter("dnsd.rate.limited", limited, Map.of("action", "slipped"), rateLimiting.slipped()));
    m.add(Metric.counter("dnsd.rate.limited", limited, Map.of("action", "badcookie"), rateLimiting.badCookie()));
    m.add(Metric.gauge("dnsd.tcp.connections.open", "DNS over TCP connections open", none, tcp.open()));
    m.add(Metric.counter("dnsd.tcp.connections.accepted", "DNS over TCP connections accepted", none, tcp.accepted()));
    m.add(Metric.counter("dnsd.tcp.connections.refused", "DNS over TCP connections refused at a connection limit", none,
        tcp.refused()));
    m.add(Metric.counter("dnsd.tcp.connections.evicted", "Idle DNS over TCP connections closed to make room", none,
        tcp.evicted()));
    m.add(Metric.gauge("dnsd.store.version", "The store's version: its last commit", none, version));
    m.add(Metric.gauge("dnsd.zones", "Zones in the store", none, zones));
    m.add(Metric.counter("dnsd.commits", "Commits to the store that returned", none, commits.commits()));
    m.add(Metric.counter("dnsd.commits.failed", "Commits to the store that failed", none, commits.failed()));
    m.add(Metric.counter("dnsd.commit.seconds", "Time the commits that returned took, added up", none,
        commits.totalTime().toNanos() / 1e9));
    m.add(Metric.gauge("dnsd.commit.seconds.max", "The longest a commit took", none, commits.maxTime().toNanos() / 1e9));
    String notify = "NOTIFY messages accepted (in) and sent (out)";
    m.add(Metric.counter("dnsd.notify", notify, Map.of("direction", "in"), transfers.notifyIn()));
    m.add(Metric.counter("dnsd.notify", notify, Map.of("direction", "out"), transfers.notifyOut()));
    String xfr = "Zone transfers from primaries (in) and to secondaries (out)";
    m.add(Metric.counter("dnsd.transfers", xfr, tags("direction", "in", "type", "AXFR"), transfers.axfrIn()));
    m.add(Metric.counter("dnsd.transfers", xfr, tags("direction", "in", "type", "IXFR"), transfers.ixfrIn()));
    m.add(Metric.counter("dnsd.transfers", xfr, tags("direction", "out", "type", "AXFR"), transfers.axfrOut()));
    m.add(Metric.counter("dnsd.transfers", xfr, tags("direction", "out", "type", "IXFR"), transfers.ixfrOut()));
    for (Secondary s : secondaries) {
      Map<String, String> who = tags("secondary", s.name(), "zone", s.zone() == null ? "" : s.zone().toString());
      m.add(Metric.gauge("dnsd.secondary.connected", "1 when the secondary is connected (standard ones: answering)",
          who, s.connected() ? 1 : 0));
      m.add(Metric.gauge("dnsd.secondary.applied.version", "The last version (zone serial) the secondary has", who,
          s.appliedVersion()));
      m.add(Metric.gauge("dnsd.secondary.lag.versions", "Versions (zone serials) the secondary is behind", who,
          s.lagVersions()));
      m.add(Metric.gauge("dnsd.secondary.lag.seconds", "How long the secondary has been behind", who,
          s.lagMillis() < 0 ? -1 : s.lagMillis() / 1000.0));
    }
    m.addAll(extensionMetrics);
    return List.copyOf(m);
  }

  private static Map<String, String> tags(String k1, String v1, String k2, String v2) {
    Map<String, String> t = new LinkedHashMap<>();
    t.put(k1, v1);
    t.put(k2, v2);
    return t;
  }

  private static <V> Map<String, V> ordered(Map<String, V> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  /**
   * Collects a snapshot: the server fills in its own counters, then hands it to each extension's
   * {@link ServerExtension#statistics(Builder)}, which adds its part. Not thread-safe; one per
   * snapshot.
   */
  public static final class Builder {
    private final List<Secondary> secondaries = new ArrayList<>();
    private final List<Metric> metrics = new ArrayList<>();
    private Transfers transfers = Transfers.NONE;

    Builder() {}

    /**
     * Adds a secondary this extension feeds.
     *
     * @param secondary the secondary's state now
     * @return this builder
     */
    public Builder secondary(Secondary secondary) {
      secondaries.add(secondary);
      return this;
    }

    /**
     * Adds this extension's NOTIFY and transfer counts to those of the others.
     *
     * @param counted what the extension counted
     * @return this builder
     */
    public Builder transfers(Transfers counted) {
      transfers = transfers.plus(counted);
      return this;
    }

    /**
     * Adds a counter or gauge of the extension's own, for what the parts above do not cover.
     *
     * @param metric the metric, named {@code dnsd.SOMETHING} for a part of dnsd
     * @return this builder
     */
    public Builder metric(Metric metric) {
      metrics.add(metric);
      return this;
    }

    ServerStatistics build(Instant time, long version, int zones, Queries queries, FastPath fastPath,
        RateLimiting rateLimiting, Tcp tcp, CommitStatistics commits) {
      return new ServerStatistics(time, version, zones, queries, fastPath, rateLimiting, tcp, commits, transfers,
          secondaries, metrics);
    }
  }
}
