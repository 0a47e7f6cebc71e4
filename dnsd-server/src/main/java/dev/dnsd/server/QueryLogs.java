package dev.dnsd.server;

import dev.dnsd.QueryListener;
import dev.dnsd.ReceivedQuery;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The query logs the settings ask for: the text one ({@link TextQueryLog}), dnstap ({@link
 * DnstapLog}), both or none. With none there is no listener, so the server's transports get the
 * responder itself and the query path is exactly as without the feature.
 */
final class QueryLogs implements AutoCloseable {
  private final @Nullable TextQueryLog text;
  private final @Nullable DnstapLog dnstap;

  private QueryLogs(@Nullable TextQueryLog text, @Nullable DnstapLog dnstap) {
    this.text = text;
    this.dnstap = dnstap;
  }

  /**
   * Opens the dnstap file or socket, if the settings name one.
   *
   * @throws IOException when the dnstap file cannot be created
   */
  static QueryLogs open(Settings settings) throws IOException {
    TextQueryLog text = settings.queryLogText != null && settings.queryLogText.value() ? new TextQueryLog() : null;
    DnstapLog dnstap = null;
    if (settings.dnstapFile != null) {
      try {
        dnstap = DnstapLog.toFile(settings.dnstapFile.value());
      } catch (IOException e) {
        throw new IOException(settings.dnstapFile.source().at() + "cannot write the dnstap file "
            + settings.dnstapFile.value() + " (" + settings.dnstapFile.source().name() + "): " + e.getMessage(), e);
      }
    } else if (settings.dnstapSocket != null) {
      dnstap = DnstapLog.toSocket(settings.dnstapSocket.value());
    }
    return new QueryLogs(text, dnstap);
  }

  /** The listener for the server, or null when no query log is on. */
  @Nullable QueryListener listener() {
    TextQueryLog t = text;
    DnstapLog d = dnstap;
    if (t != null && d != null) {
      return (ReceivedQuery q) -> {
        d.received(q);
        t.received(q);
      };
    }
    return t != null ? t : d;
  }

  /** What the start-up lines say of them; empty when none is on. */
  String describe() {
    StringBuilder b = new StringBuilder();
    if (text != null) {
      b.append("text (logger ").append(TextQueryLog.LOGGER).append(')');
    }
    if (dnstap != null) {
      b.append(b.length() > 0 ? ", " : "").append("dnstap");
    }
    return b.toString();
  }

  @Override
  public void close() {
    if (dnstap != null) {
      dnstap.close();
    }
  }
}
