package dev.dnsd.micrometer;

import dev.dnsd.DnsServer;
import dev.dnsd.ServerStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A {@link DnsServer}'s statistics as Micrometer meters: every metric of {@link
 * ServerStatistics#metrics()} with its name, tags and description, counters as function counters
 * and the rest as gauges, read from the server when the registry reads them, so no thread polls.
 * With Micrometer's Prometheus registry the names are those of dnsd.jar's own {@code /metrics}
 * endpoint ({@code dnsd.queries} becomes {@code dnsd_queries_total}).
 *
 * <pre>{@code
 * DnsServer server = DnsServer.builder().zone(zone).build().start();
 * MeterRegistry registry = new SimpleMeterRegistry();
 * new DnsdMetrics(server).bindTo(registry);
 * double udp = registry.get("dnsd.queries").tag("transport", "udp").functionCounter().count();
 *
 * // Spring Boot binds every MeterBinder bean to its registry, so in a configuration class:
 * // @Bean MeterBinder dnsdMetrics(DnsServer server) { return new DnsdMetrics(server); }
 * }</pre>
 *
 * <p>A registry reads its meters one by one; they all read one snapshot of the server, taken
 * again when the last is more than a second old, so a scrape costs one snapshot and its values
 * agree with each other. The meters are those of the snapshot at {@link #bindTo}: the secondaries
 * the extensions know then (a replication peer, a configured NOTIFY target) have theirs; one that
 * leaves reads as NaN. The meters hold the server weakly, as Micrometer's function meters do:
 * once it is unreachable they read NaN too. Thread-safe.
 */
public final class DnsdMetrics implements MeterBinder {
  private static final Duration MAX_AGE = Duration.ofSeconds(1);

  private final DnsServer server;
  private final Iterable<Tag> tags;
  private final Snapshots snapshots;

  /**
   * Meters for this server.
   *
   * @param server the server, started or not
   */
  public DnsdMetrics(DnsServer server) {
    this(server, Tags.empty());
  }

  /**
   * Meters for this server, with tags of their own on every meter: to tell two servers of one
   * application apart.
   *
   * @param server the server, started or not
   * @param tags added to every meter
   */
  public DnsdMetrics(DnsServer server, Iterable<Tag> tags) {
    this(server, tags, server::statistics, System::nanoTime, MAX_AGE);
  }

  DnsdMetrics(DnsServer server, Iterable<Tag> tags, Supplier<ServerStatistics> source, LongSupplier nanos,
      Duration maxAge) {
    this.server = server;
    this.tags = tags;
    this.snapshots = new Snapshots(source, nanos, maxAge.toNanos());
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Snapshots s = snapshots;
    for (ServerStatistics.Metric m : s.values().metrics) {
      Key key = new Key(m.name(), m.tags());
      Tags all = Tags.of(tags);
      for (Map.Entry<String, String> t : m.tags().entrySet()) {
        all = all.and(t.getKey(), t.getValue());
      }
      // The function holds the snapshots, the meter holds the server weakly: a server that is
      // gone leaves NaN behind, as Micrometer's own binders do.
      if (m.kind() == ServerStatistics.Metric.Kind.COUNTER) {
        FunctionCounter.builder(m.name(), server, ignored -> s.value(key))
            .description(m.description()).tags(all).register(registry);
      } else {
        Gauge.builder(m.name(), server, ignored -> s.value(key))
            .description(m.description()).tags(all).register(registry);
      }
    }
  }

  private record Key(String name, Map<String, String> tags) {}

  /** The metrics of one snapshot, by name and tags. */
  private static final class Values {
    final List<ServerStatistics.Metric> metrics;
    final Map<Key, Double> byKey = new HashMap<>();
    final long takenAt;

    Values(List<ServerStatistics.Metric> metrics, long takenAt) {
      this.metrics = metrics;
      this.takenAt = takenAt;
      for (ServerStatistics.Metric m : metrics) {
        byKey.put(new Key(m.name(), m.tags()), m.value());
      }
    }
  }

  /** The latest snapshot, taken again when it is older than the most age allowed. */
  private static final class Snapshots {
    private final Supplier<ServerStatistics> source;
    private final LongSupplier nanos;
    private final long maxAgeNanos;
    private volatile Values latest;

    Snapshots(Supplier<ServerStatistics> source, LongSupplier nanos, long maxAgeNanos) {
      this.source = source;
      this.nanos = nanos;
      this.maxAgeNanos = maxAgeNanos;
      this.latest = take();
    }

    private Values take() {
      return new Values(source.get().metrics(), nanos.getAsLong());
    }

    Values values() {
      Values v = latest;
      if (nanos.getAsLong() - v.takenAt > maxAgeNanos) {
        synchronized (this) {
          v = latest;
          if (nanos.getAsLong() - v.takenAt > maxAgeNanos) {
            v = take();
            latest = v;
          }
        }
      }
      return v;
    }

    double value(Key key) {
      Double d = values().byKey.get(key);
      return d == null ? Double.NaN : d;
    }
  }
}
