package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.ServerStatistics.Metric;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Prometheus text format: one HELP and TYPE per family, counters in _total, labels escaped. */
class PrometheusTextTest {
  @Test
  void familiesNamesValuesAndEscapes() {
    Map<String, String> odd = new LinkedHashMap<>();
    odd.put("secondary", "ns\"2\\x\ny");
    odd.put("zone", "example.com.");
    String text = PrometheusText.render(List.of(
        Metric.counter("dnsd.queries", "Requests received, by transport", Map.of("transport", "udp"), 3),
        Metric.gauge("dnsd.secondary.lag.seconds", "How long\nbehind", odd, 0.25),
        Metric.counter("dnsd.queries", "Requests received, by transport", Map.of("transport", "tcp"), 1),
        Metric.gauge("dnsd.zones", "Zones in the store", Map.of(), 2),
        Metric.gauge("dnsd.secondary.applied.version", "Version", Map.of(), Double.NaN)));
    assertThat(text).isEqualTo("""
        # HELP dnsd_queries_total Requests received, by transport
        # TYPE dnsd_queries_total counter
        dnsd_queries_total{transport="udp"} 3
        dnsd_queries_total{transport="tcp"} 1
        # HELP dnsd_secondary_lag_seconds How long\\nbehind
        # TYPE dnsd_secondary_lag_seconds gauge
        dnsd_secondary_lag_seconds{secondary="ns\\"2\\\\x\\ny",zone="example.com."} 0.25
        # HELP dnsd_zones Zones in the store
        # TYPE dnsd_zones gauge
        dnsd_zones 2
        # HELP dnsd_secondary_applied_version Version
        # TYPE dnsd_secondary_applied_version gauge
        dnsd_secondary_applied_version NaN
        """);
  }
}
