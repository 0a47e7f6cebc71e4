package dev.dnsd.testing;

import dev.dnsd.DnsServer;
import dev.dnsd.ReceivedQuery;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;

/**
 * A dnsd server for tests: loopback, a free port, zones written as master-file text, a resolver
 * pointed at it, and a record of the queries it received, in order.
 *
 * <pre>{@code
 * class ResolverTest {
 *   @StartStop DnsTestServer dns = DnsTestServer.withZone("example.com.", "www A 192.0.2.1");
 *
 *   @Test
 *   void resolves() throws Exception {
 *     assertThat(dns.answers("www.example.com", Type.A)).containsExactly("192.0.2.1");
 *     assertThat(dns.takeQuery().name()).isEqualTo(Name.fromString("www.example.com."));
 *   }
 * }
 * }</pre>
 *
 * <p>Zone text is read as {@link dev.dnsd.zone.ZoneFiles#parse(String, Name)} reads it, with two
 * conveniences: records without a TTL take 3600 until the text sets {@code $TTL}, and a zone
 * whose text has no SOA or no NS at its apex gets {@code ORIGIN 3600 SOA ns1.ORIGIN
 * hostmaster.ORIGIN 1 3600 600 1209600 300} and {@code ORIGIN 3600 NS ns1.ORIGIN}.
 *
 * <p>Each {@link #start()} runs a new server with the configured zones and an empty record of
 * queries, so one instance serves test after test; {@link #close()} is idempotent. Thread-safe.
 */
public final class DnsTestServer implements AutoCloseable {
  /** How long {@link #takeQuery()} waits: a test that hangs tells less than one that fails. */
  public static final Duration TAKE_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration RESOLVER_TIMEOUT = Duration.ofSeconds(5);

  private final List<ZoneSource> zones;
  private final Consumer<DnsServer.Builder> configure;
  private final LinkedBlockingQueue<ReceivedQuery> received = new LinkedBlockingQueue<>();
  private volatile @Nullable DnsServer server;

  private DnsTestServer(Builder b) {
    this.zones = List.copyOf(b.zones);
    this.configure = b.configure;
  }

  /**
   * A new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A server (not started) with one zone; see {@link Builder#zone(String, String)}.
   *
   * @param origin the zone's origin
   * @param text the zone's text
   * @return the server
   */
  public static DnsTestServer withZone(String origin, String text) {
    return builder().zone(origin, text).build();
  }

  /**
   * Starts a new server on a free loopback port with the configured zones; the record of queries
   * starts empty.
   *
   * @throws IllegalStateException when it is running
   * @throws dev.dnsd.zone.ZoneFileException when a zone's text is bad: the line is the text's own
   * @throws IOException when the server cannot bind its port
   * @return this server
   */
  public synchronized DnsTestServer start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("the test server is running: " + server);
    }
    DnsServer.Builder builder =
        DnsServer.builder().listen("127.0.0.1", 0).udpThreads(1).queryListener(received::add);
    for (ZoneSource source : zones) {
      builder.zone(source.zone());
    }
    configure.accept(builder);
    received.clear();
    server = builder.build().start();
    return this;
  }

  /**
   * Whether it is running.
   *
   * @return whether it runs
   */
  public boolean isRunning() {
    return server != null;
  }

  /**
   * The running server: to commit changes, or read its store.
   *
   * @return the server
   */
  public DnsServer server() {
    DnsServer s = server;
    if (s == null) {
      throw new IllegalStateException("the test server is not running: start it, or use @StartStop");
    }
    return s;
  }

  /**
   * The address it answers on, UDP and TCP.
   *
   * @return the address
   */
  public InetSocketAddress address() {
    return server().address();
  }

  /**
   * The port it answers on, UDP and TCP.
   *
   * @return the port
   */
  public int port() {
    return server().port();
  }

  /**
   * A new dnsjava resolver that asks this server, over UDP unless told {@code setTCP(true)}.
   *
   * @return the resolver
   */
  public SimpleResolver resolver() {
    SimpleResolver resolver = new SimpleResolver(address());
    resolver.setTimeout(RESOLVER_TIMEOUT);
    return resolver;
  }

  /**
   * Asks this server for the name's records of a type (class IN, over UDP).
   *
   * @param name absolute, with or without the final dot
   * @param type a {@code org.xbill.DNS.Type} value
   * @return the answer
   * @throws IOException when no answer comes
   */
  public Message query(String name, int type) throws IOException {
    return resolver().send(Message.newQuery(Record.newRecord(absolute(name), type, DClass.IN)));
  }

  /**
   * The data of the answer's records of the type asked for, as master-file text ({@code
   * "192.0.2.1"}, {@code "10 mail.example.com."}); empty for NXDOMAIN or no data.
   *
   * @param name absolute, with or without the final dot
   * @param type a {@code org.xbill.DNS.Type} value
   * @return the data, in the answer's order
   * @throws IOException when no answer comes
   */
  public List<String> answers(String name, int type) throws IOException {
    List<String> out = new ArrayList<>();
    for (Record r : query(name, type).getSection(Section.ANSWER)) {
      if (r.getType() == type) {
        out.add(r.rdataToString());
      }
    }
    return out;
  }

  /**
   * The oldest query not yet taken, waiting for one up to {@link #TAKE_TIMEOUT}, as
   * MockWebServer's {@code takeRequest()}: a test asserts what the code under test asked.
   *
   * @throws AssertionError when none came in time
   * @return the query
   * @throws InterruptedException when interrupted while waiting
   */
  public ReceivedQuery takeQuery() throws InterruptedException {
    ReceivedQuery q = takeQuery(TAKE_TIMEOUT);
    if (q == null) {
      throw new AssertionError("no query reached the test server within " + TAKE_TIMEOUT.toSeconds() + " s");
    }
    return q;
  }

  /**
   * The oldest query not yet taken, or null when none comes within the timeout.
   *
   * @param timeout how long to wait
   * @return the query, or null
   * @throws InterruptedException when interrupted while waiting
   */
  public @Nullable ReceivedQuery takeQuery(Duration timeout) throws InterruptedException {
    return received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * How many queries were received and not yet taken.
   *
   * @return the count
   */
  public int queryCount() {
    return received.size();
  }

  /** Stops the server, if it runs. Idempotent. */
  @Override
  public synchronized void close() {
    DnsServer s = server;
    server = null;
    if (s != null) {
      s.close();
    }
  }

  @Override
  public String toString() {
    DnsServer s = server;
    return "DnsTestServer" + (s == null ? " (not running)" : " " + s);
  }

  private static Name absolute(String name) {
    try {
      return Name.fromString(name, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("bad name " + name + ": " + e.getMessage(), e);
    }
  }

  /** A zone's origin and where its text comes from, read at each start. */
  private record ZoneSource(Name origin, @Nullable String resource, TextSupplier text) {
    Zone zone() throws IOException {
      return ZoneText.parse(text.get(), origin, resource);
    }
  }

  @FunctionalInterface
  private interface TextSupplier {
    String get() throws IOException;
  }

  /** Configures a {@link DnsTestServer}; zones repeat. */
  public static final class Builder {
    private final List<ZoneSource> zones = new ArrayList<>();
    private Consumer<DnsServer.Builder> configure = b -> {};
    private boolean configured;

    private Builder() {}

    /**
     * A zone from master-file text: names relative to the origin, {@code $ORIGIN} and {@code $TTL}
     * as in a zone file; a default SOA and NS when it has none.
     *
     * @param origin absolute, with or without the final dot
     * @param text the zone's text
     * @return this builder
     */
    public Builder zone(String origin, String text) {
      Name o = absolute(origin);
      zones.add(new ZoneSource(o, null, () -> text));
      return this;
    }

    /**
     * A zone from a file on the class path ({@code "zones/example.com.zone"}, no leading slash),
     * as {@link #zone(String, String)} reads text.
     *
     * @param origin the zone's origin
     * @param resource the resource's path
     * @return this builder
     */
    public Builder zoneResource(String origin, String resource) {
      Name o = absolute(origin);
      ClassLoader loader = classLoader();
      if (loader.getResource(resource) == null) {
        throw new IllegalArgumentException("no class path resource " + resource);
      }
      zones.add(new ZoneSource(o, resource, () -> read(loader, resource)));
      return this;
    }

    /**
     * A zone from a file on the class path whose name gives its origin: {@code
     * zones/example.com.zone} holds {@code example.com.}.
     *
     * @param resource the resource's path
     * @return this builder
     */
    public Builder zoneResource(String resource) {
      String file = resource.substring(resource.lastIndexOf('/') + 1);
      if (!file.endsWith(".zone")) {
        throw new IllegalArgumentException(
            "cannot tell the origin of " + resource + ": name it ORIGIN.zone or give the origin");
      }
      return zoneResource(file.substring(0, file.length() - ".zone".length()), resource);
    }

    /**
     * Anything else a server may have ({@code answerCacheBytes}, an extension), applied to the
     * builder of each new server at {@link #start()}: make extensions inside it, as a server
     * starts each once.
     *
     * @param settings what to set on each server's builder
     * @return this builder
     */
    public Builder configure(Consumer<DnsServer.Builder> settings) {
      if (configured) {
        throw new IllegalStateException("configure was already set");
      }
      configured = true;
      configure = settings;
      return this;
    }

    /**
     * The server, not yet started.
     *
     * @return the server
     */
    public DnsTestServer build() {
      return new DnsTestServer(this);
    }

    private static ClassLoader classLoader() {
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      return context != null ? context : DnsTestServer.class.getClassLoader();
    }

    private static String read(ClassLoader loader, String resource) throws IOException {
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          throw new UncheckedIOException(new IOException("no class path resource " + resource));
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
  }
}
