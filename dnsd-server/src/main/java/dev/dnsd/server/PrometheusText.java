package dev.dnsd.server;

import dev.dnsd.ServerStatistics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's metrics in the Prometheus text exposition format (version 0.0.4), as the metrics
 * endpoint serves them and {@code control stats} prints them. Names follow Micrometer's Prometheus
 * convention, so that an embedder's registry and dnsd.jar's endpoint agree: dots become
 * underscores and counters end in {@code _total} ({@code dnsd.queries} is {@code
 * dnsd_queries_total}).
 *
 * <pre>{@code
 * String text = PrometheusText.render(server.statistics().metrics());
 * }</pre>
 */
final class PrometheusText {
  /** The Content-Type of the format. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private PrometheusText() {}

  static String render(List<ServerStatistics.Metric> metrics) {
    // A family's samples go together under one HELP and TYPE, wherever they are in the list.
    Map<String, List<ServerStatistics.Metric>> families = new LinkedHashMap<>();
    for (ServerStatistics.Metric m : metrics) {
      families.computeIfAbsent(name(m), k -> new ArrayList<>()).add(m);
    }
    StringBuilder out = new StringBuilder(metrics.size() * 64);
    families.forEach((name, samples) -> {
      ServerStatistics.Metric first = samples.get(0);
      out.append("# HELP ").append(name).append(' ').append(escapeHelp(first.description())).append('\n');
      out.append("# TYPE ").append(name).append(' ')
          .append(first.kind() == ServerStatistics.Metric.Kind.COUNTER ? "counter" : "gauge").append('\n');
      for (ServerStatistics.Metric m : samples) {
        out.append(name);
        if (!m.tags().isEmpty()) {
          out.append('{');
          boolean comma = false;
          for (Map.Entry<String, String> t : m.tags().entrySet()) {
            if (comma) {
              out.append(',');
            }
            comma = true;
            out.append(t.getKey()).append("=\"").append(escapeLabel(t.getValue())).append('"');
          }
          out.append('}');
        }
        out.append(' ').append(value(m.value())).append('\n');
      }
    });
    return out.toString();
  }

  static String name(ServerStatistics.Metric m) {
    String base = m.name().replace('.', '_');
    return m.kind() == ServerStatistics.Metric.Kind.COUNTER ? base + "_total" : base;
  }

  private static String value(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private static String escapeHelp(String text) {
    return text.replace("\\", "\\\\").replace("\n", "\\n");
  }

  private static String escapeLabel(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
