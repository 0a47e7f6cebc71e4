package dev.dnsd;

import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.dnssec.DnssecStatus;
import dev.dnsd.internal.QueryCounters;
import dev.dnsd.internal.QueryReporter;
import dev.dnsd.internal.Responder;
import dev.dnsd.internal.ServerConfig;
import dev.dnsd.internal.SetOnce;
import dev.dnsd.internal.SigningUpkeep;
import dev.dnsd.internal.transport.QueryHandler;
import dev.dnsd.internal.transport.TcpListener;
import dev.dnsd.internal.transport.TcpTransport;
import dev.dnsd.internal.transport.UdpTransport;
import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.store.RecordStore;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * An authoritative DNS server over UDP and TCP, answering from a {@link RecordStore}.
 *
 * <pre>{@code
 * Zone zone = ZoneFiles.parse("""
 *     @   3600 SOA ns1 hostmaster 1 7200 3600 1209600 300
 *     @   3600 NS  ns1
 *     ns1 3600 A   192.0.2.1
 *     """, Name.fromString("example.com."));
 * try (DnsServer server = DnsServer.builder().zone(zone).build().start()) {
 *   int port = server.port();          // on 127.0.0.1, a free port by default
 *   server.commit(ChangeSet.builder()
 *       .add(Record.fromString(Name.fromString("www.example.com."), Type.A, DClass.IN, 300,
 *           "192.0.2.7", Name.root))
 *       .build());                     // answered by the next query
 * }
 * }</pre>
 *
 * <p>Thread-safe. Settings are fixed at {@link Builder#build()}; {@link #start()} returns once
 * every socket is bound; {@link #close()} is idempotent, finishes the TCP answers being written,
 * and closes the store.
 *
 * <p>DNSSEC: signing is part of the store's write path ({@link ChangeSet.Builder#sign}), so a
 * zone's policy and keys are the store's and last across restarts. {@link Builder#sign} commits a
 * policy at start; the running server does the zones' background work (re-signing before
 * signatures expire, key rollovers) as ordinary commits, timed by the store's clock.
 */
public final class DnsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DnsServer.class);

  /** This library's version, as {@code version.dnsd} answers it by default. */
  public static final String VERSION = ServerConfig.VERSION;

  private final ServerConfig config;
  private final RecordStore store;
  private final Map<Name, DnssecPolicy> signing;
  private final @Nullable ScheduledExecutorService givenScheduler;
  private @Nullable ScheduledExecutorService ownScheduler;
  private @Nullable SigningUpkeep upkeep;
  private final List<UdpTransport> udp = new ArrayList<>();
  /** Read by statistics() while start() may still add to it. */
  private final List<TcpTransport> tcp = new CopyOnWriteArrayList<>();
  private final List<ServerExtension> started = new ArrayList<>();
  /** The responder's counters; the server's from the start, so a snapshot before start is zeros. */
  private final QueryCounters counters = new QueryCounters();
  private volatile State state = State.NEW;
  private volatile Set<Name> expired = Set.of();
  private volatile @Nullable Responder responder;

  private enum State {
    NEW,
    RUNNING,
    CLOSED
  }

  /** The builder's zones until start imports them; then the store holds them, and only it. */
  private List<Zone> zonesToImport;

  private DnsServer(
      ServerConfig config, List<Zone> zones, RecordStore store, Map<Name, DnssecPolicy> signing,
      @Nullable ScheduledExecutorService scheduler) {
    this.config = config;
    this.zonesToImport = zones;
    this.store = store;
    this.signing = signing;
    this.givenScheduler = scheduler;
  }

  /**
   * A new builder, with every setting at its default.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Imports the builder's zones into the store (each replaced as one change when it differs),
   * signs the zones the builder names by their policies (when the store does not already), starts
   * the DNSSEC background work, binds every socket, then starts the extensions.
   *
   * @return this server, started
   * @throws IOException when an address cannot be bound; nothing is left running
   * @throws dev.dnsd.zone.InvalidZoneException when a zone to sign is not in the store
   */
  public synchronized DnsServer start() throws IOException {
    if (state != State.NEW) {
      throw new IllegalStateException("server was " + state.name().toLowerCase() + " already");
    }
    state = State.RUNNING;
    try {
      importZones();
      signZones();
      startUpkeep();
      Responder responder = new Responder(store::zones, () -> expired, config, counters);
      this.responder = responder;
      for (InetSocketAddress address : config.listen()) {
        bind(address, QueryReporter.around(responder, config.queryListener(), config.clock(), address));
      }
      for (ServerExtension extension : config.extensions()) {
        extension.start(this);
        started.add(extension);
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    // The embedding application reads the ports back; it decides what to tell its users.
    log.debug("dnsd listening on UDP {} and TCP {}", udpAddresses(), tcpAddresses());
    return this;
  }

  private void importZones() {
    List<Zone> zones = zonesToImport;
    // Kept, a large zone would take its memory twice, here and in the store.
    zonesToImport = List.of();
    if (zones.isEmpty()) {
      return;
    }
    ChangeSet.Builder changes = ChangeSet.builder().origin("start");
    for (Zone zone : zones) {
      changes.replaceZone(zone);
    }
    store.commit(changes.build());
  }

  private void signZones() {
    ChangeSet.Builder changes = ChangeSet.builder();
    boolean any = false;
    for (Map.Entry<Name, DnssecPolicy> e : signing.entrySet()) {
      DnssecStatus status = store.dnssec(e.getKey());
      if (status == null || !status.policy().equals(e.getValue())) {
        changes.sign(e.getKey(), e.getValue());
        any = true;
      }
    }
    if (any) {
      store.commit(changes.build());
    }
  }

  private void startUpkeep() {
    ScheduledExecutorService scheduler = givenScheduler;
    if (scheduler == null) {
      ScheduledThreadPoolExecutor own =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "dnsd-dnssec-upkeep");
                t.setDaemon(true);
                return t;
              });
      // At close the next look is dropped; a commit under way finishes.
      own.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      scheduler = own;
      ownScheduler = own;
    }
    SigningUpkeep u = new SigningUpkeep(store, scheduler);
    upkeep = u;
    u.start();
  }

  /**
   * UDP and TCP share a port; with port 0 the UDP port is chosen first and TCP must follow it.
   *
   * @throws BindException naming the protocol and the address that could not be bound
   */
  private void bind(InetSocketAddress address, QueryHandler handler) throws IOException {
    int attempts = address.getPort() == 0 ? 10 : 1;
    for (int attempt = 1; ; attempt++) {
      UdpTransport u;
      try {
        u = UdpTransport.start(address, config.udpThreads(), config.udpBatch(), handler);
      } catch (BindException e) {
        throw bindFailure("UDP", address, e);
      }
      InetSocketAddress same = new InetSocketAddress(address.getAddress(), u.address().getPort());
      if (handler instanceof QueryReporter reporter) {
        reporter.boundTo(same);
      }
      try {
        tcp.add(TcpTransport.start(same, handler, config.tcpMaxConnections(),
            config.tcpMaxConnectionsPerSource(), config.tcpIdleTimeout()));
        udp.add(u);
        return;
      } catch (BindException e) {
        u.close();
        if (attempt >= attempts) {
          throw bindFailure("TCP", same, e);
        }
      }
    }
  }

  /** The JDK's message says only "Address already in use"; a server may listen on many. */
  private static BindException bindFailure(String protocol, InetSocketAddress address, BindException e) {
    BindException named =
        new BindException("cannot listen on " + protocol + " " + ServerConfig.hostPort(address) + ": " + e.getMessage());
    named.initCause(e);
    return named;
  }

  /**
   * The store it answers from and commits to.
   *
   * @return the store
   */
  public RecordStore store() {
    return store;
  }

  /**
   * The largest UDP payload this server offers EDNS clients ({@link Builder#maxUdpPayload}): what
   * the OPT record of an extension's own answers advertises too.
   *
   * @return the payload size, in bytes
   */
  public int maxUdpPayload() {
    return config.maxUdpPayload();
  }

  /**
   * The zones being answered now.
   *
   * @return the store's current zone table
   */
  public ZoneTable zones() {
    return store.zones();
  }

  /**
   * Commits a change set to the store; the next query sees it. See {@link RecordStore#commit}.
   *
   * @param changes what to change
   * @return the committed change, with its version
   */
  public Change commit(ChangeSet changes) {
    return store.commit(changes);
  }

  /**
   * The bound UDP addresses, one per listen address, in the order given to the builder.
   *
   * @return the addresses, with the ports chosen for port 0
   */
  public List<InetSocketAddress> udpAddresses() {
    return udp.stream().map(UdpTransport::address).toList();
  }

  /**
   * The bound TCP addresses; each has the same port as the UDP address at the same index.
   *
   * @return the addresses, with the ports chosen for port 0
   */
  public List<InetSocketAddress> tcpAddresses() {
    return tcp.stream().map(TcpTransport::address).toList();
  }

  /**
   * The port of the first listen address (UDP and TCP alike).
   *
   * @return the port
   */
  public int port() {
    if (udp.isEmpty()) {
      throw new IllegalStateException("server is not running");
    }
    return udp.get(0).address().getPort();
  }

  /**
   * The first bound address.
   *
   * @return the address, with the port chosen for port 0
   */
  public InetSocketAddress address() {
    if (udp.isEmpty()) {
      throw new IllegalStateException("server is not running");
    }
    return udp.get(0).address();
  }

  /**
   * Marks a zone expired, or fresh again. An expired zone is answered SERVFAIL instead of from its
   * data (RFC 1035 §3.3.13): how a secondary zone whose primary stayed unreachable for the SOA
   * expire interval stops spreading stale data. Zone transfer extensions call this.
   *
   * @param origin the zone's origin
   * @param isExpired true to answer it SERVFAIL, false to answer it again
   */
  public synchronized void setExpired(Name origin, boolean isExpired) {
    Set<Name> next = new HashSet<>(expired);
    if (isExpired ? next.add(origin) : next.remove(origin)) {
      expired = Set.copyOf(next);
    }
  }

  /**
   * Whether the zone is marked expired ({@link #setExpired}).
   *
   * @param origin the zone's origin
   * @return whether queries for it are answered SERVFAIL
   */
  public boolean isExpired(Name origin) {
    return expired.contains(origin);
  }

  /**
   * The responder's answer to a query, not yet encoded: for an extension that answers a signed
   * query itself, checking and adding the TSIG (the responder offers it such queries first).
   *
   * @param query a QUERY with one question
   * @param tcp whether it came over TCP, which decides what ANY returns
   * @return the answer, not encoded
   * @throws IllegalStateException when the server is not running
   */
  public Message answer(Message query, boolean tcp) {
    Responder r = responder;
    if (r == null || state != State.RUNNING) {
      throw new IllegalStateException("server is not running");
    }
    return r.answer(query, tcp);
  }

  /**
   * A snapshot of the server's counters now: queries by transport, opcode, type and rcode, the
   * answer cache, rate limiting, TCP connections, commits, and what the extensions add
   * (secondaries, NOTIFY and transfers). All zero before {@link #start()}; after {@link #close()},
   * what they were at the end. See {@link ServerStatistics}.
   *
   * @return the snapshot
   */
  public ServerStatistics statistics() {
    Instant now = config.clock().instant();
    QueryCounters counters = this.counters;
    int open = 0;
    long accepted = 0;
    long refused = 0;
    long evicted = 0;
    for (TcpTransport t : tcp) {
      TcpListener.Counts c = t.counts();
      open += c.open();
      accepted += c.accepted();
      refused += c.refused();
      evicted += c.evicted();
    }
    ServerStatistics.Builder b = new ServerStatistics.Builder();
    for (ServerExtension extension : config.extensions()) {
      try {
        extension.statistics(b);
      } catch (RuntimeException e) {
        log.warn("extension {} failed to give its statistics", extension, e);
      }
    }
    ZoneTable table = store.zones();
    return b.build(now, table.version(), table.size(), counters.queries(), counters.fastPath(),
        counters.rateLimiting(), new ServerStatistics.Tcp(open, accepted, refused, evicted),
        store.commitStatistics());
  }

  /**
   * Whether it was started and is not closed.
   *
   * @return whether it is running
   */
  public boolean isRunning() {
    return state == State.RUNNING;
  }

  /** Stops extensions (in reverse order) and transports, then closes the store. Idempotent. */
  @Override
  public synchronized void close() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (RuntimeException e) {
        log.warn("closing extension {} failed", started.get(i), e);
      }
    }
    udp.forEach(UdpTransport::close);
    tcp.forEach(TcpTransport::close);
    SigningUpkeep u = upkeep;
    if (u != null) {
      u.close();
    }
    ScheduledExecutorService own = ownScheduler;
    if (own != null) {
      own.shutdown();
      try {
        // A commit of upkeep under way finishes before the store closes.
        own.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    store.close();
  }

  /** The state and the addresses: bound ones once started, else the ones it will listen on. */
  @Override
  public String toString() {
    State now = state;
    String where =
        now == State.RUNNING && !udp.isEmpty()
            ? "UDP " + format(udpAddresses()) + ", TCP " + format(tcpAddresses())
            : "listen " + format(config.listen());
    return "DnsServer[" + now.name().toLowerCase(Locale.ROOT) + ", " + where + "]";
  }

  private static String format(List<InetSocketAddress> addresses) {
    return addresses.stream().map(ServerConfig::hostPort).toList().toString();
  }

  /**
   * Configures a {@link DnsServer}. Each setting may be given once (listen addresses, zones,
   * extensions and CH names may repeat); arguments are checked when given.
   */
  public static final class Builder {
    private ServerConfig config = ServerConfig.defaults();
    private final SetOnce once = new SetOnce();
    private final List<InetSocketAddress> listen = new ArrayList<>();
    private final List<Zone> zones = new ArrayList<>();
    private final List<ServerExtension> extensions = new ArrayList<>();
    private final Map<Name, DnssecPolicy> signing = new LinkedHashMap<>();
    private @Nullable RecordStore store;
    private @Nullable ScheduledExecutorService signingScheduler;

    private Builder() {}

    /**
     * Adds a listen address for UDP and TCP; port 0 picks a free port. Default 127.0.0.1:0.
     *
     * @param address the address; not an unresolved name
     * @return this builder
     */
    public Builder listen(InetSocketAddress address) {
      ServerConfig.checkListen(address);
      listen.add(address);
      return this;
    }

    /**
     * Adds a listen address for UDP and TCP, as {@link #listen(InetSocketAddress)} does.
     *
     * @param host a host name or address literal, resolved now
     * @param port the port; 0 picks a free one
     * @return this builder
     */
    public Builder listen(String host, int port) {
      try {
        return listen(new InetSocketAddress(InetAddress.getByName(host), port));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot resolve listen host " + host, e);
      }
    }

    /**
     * The store to answer from and commit to; default a new {@link InMemoryRecordStore}.
     *
     * @param recordStore the store; the server closes it when it closes
     * @return this builder
     */
    public Builder store(RecordStore recordStore) {
      once.claim("store", recordStore);
      this.store = recordStore;
      return this;
    }

    /**
     * A zone to put into the store at start, replacing the store's zone of that origin.
     *
     * @param zone the zone
     * @return this builder
     */
    public Builder zone(Zone zone) {
      zones.add(zone);
      return this;
    }

    /**
     * Zones to put into the store at start, as {@link #zone(Zone)} does for each.
     *
     * @param list the zones
     * @return this builder
     */
    public Builder zones(List<Zone> list) {
      zones.addAll(list);
      return this;
    }

    /**
     * UDP worker threads (one socket each), 1 to 1024; default the number of processors.
     *
     * @param threads the number of threads
     * @return this builder
     */
    public Builder udpThreads(int threads) {
      config = config.withUdpThreads(threads);
      once.claim("udpThreads", threads);
      return this;
    }

    /**
     * The most datagrams a UDP worker receives, and answers, per system call (recvmmsg/sendmmsg),
     * 1 to 1024; default 32. Batching needs Linux (x86-64 or aarch64), JDK 22+ and native access
     * ({@code java --enable-native-access=ALL-UNNAMED}); elsewhere, and with 1, each datagram
     * takes a system call of its own. Which one a server uses is logged at debug.
     *
     * @param datagrams the most datagrams per system call
     * @return this builder
     */
    public Builder udpBatch(int datagrams) {
      config = config.withUdpBatch(datagrams);
      once.claim("udpBatch", datagrams);
      return this;
    }

    /**
     * The most TCP connections open at once per address. When full, the connection idle longest
     * is closed to make room; only when none is idle is a new one refused. Default 1024.
     *
     * @param max the most connections
     * @return this builder
     */
    public Builder tcpMaxConnections(int max) {
      config = config.withTcpMaxConnections(max);
      once.claim("tcpMaxConnections", max);
      return this;
    }

    /**
     * The most TCP connections open at once per address from one /32 (IPv4) or /64 (IPv6)
     * network, with the same rule when full. Default 64.
     *
     * @param max the most connections from one network
     * @return this builder
     */
    public Builder tcpMaxConnectionsPerSource(int max) {
      config = config.withTcpMaxConnectionsPerSource(max);
      once.claim("tcpMaxConnectionsPerSource", max);
      return this;
    }

    /**
     * How long a TCP connection may go without a whole request or answer; default 10 s.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder tcpIdleTimeout(Duration timeout) {
      config = config.withTcpIdleTimeout(timeout);
      once.claim("tcpIdleTimeout", timeout);
      return this;
    }

    /**
     * The largest UDP answer offered to EDNS clients (RFC 6891); 512..65535, default 1232.
     *
     * @param bytes the largest payload, in bytes
     * @return this builder
     */
    public Builder maxUdpPayload(int bytes) {
      config = config.withMaxUdpPayload(bytes);
      once.claim("maxUdpPayload", bytes);
      return this;
    }

    /**
     * The memory the cache of encoded answers may take, in bytes; 0 turns it off. The cache holds
     * answers until the zones change and is bounded, so names queried once (a flood of random
     * names) displace entries but never grow it. Default 8 MiB; else at least 64 KiB.
     *
     * @param bytes the budget in bytes, or 0
     * @return this builder
     */
    public Builder answerCacheBytes(long bytes) {
      config = config.withAnswerCacheBytes(bytes);
      once.claim("answerCacheBytes", bytes);
      return this;
    }

    /**
     * Limits the answers a client network gets over UDP ({@link RateLimit}); off by default.
     *
     * @param limit the rates
     * @return this builder
     */
    public Builder rateLimit(RateLimit limit) {
      config = config.withRateLimit(limit);
      once.claim("rateLimit", limit);
      return this;
    }

    /**
     * Whether a query that carries a DNS cookie (RFC 7873) gets a server cookie in its answer, so
     * that the client can prove on later queries that its address is not forged (and is then
     * exempt from {@link #rateLimit}). On by default.
     *
     * @param answer whether to answer with server cookies
     * @return this builder
     */
    public Builder cookies(boolean answer) {
      config = config.withCookies(answer);
      once.claim("cookies", answer);
      return this;
    }

    /**
     * The 16-byte secret server cookies are made with (RFC 9018), for servers that must accept
     * each other's cookies (an anycast set); by default a random secret, replaced every day with
     * the one before still accepted.
     *
     * @param secret 16 bytes
     * @return this builder
     */
    public Builder cookieSecret(byte[] secret) {
      config = config.withCookieSecret(secret);
      once.claimSecret("cookieSecret");
      return this;
    }

    /**
     * The time, for server cookie timestamps and the seconds of {@link #rateLimit}; a test seam.
     * Default the system clock.
     *
     * @param clock the clock
     * @return this builder
     */

    public Builder clock(Clock clock) {
      config = config.withClock(clock);
      once.claim("clock", clock);
      return this;
    }

    /**
     * The TXT answer to a CH-class query for this name ({@code version.dnsd.}, {@code
     * version.bind.}, {@code hostname.bind.} or {@code id.server.}); null turns the name off. By
     * default the version names answer {@code "dnsd VERSION"} and the identity names are off.
     *
     * @param name one of the four names, with or without the final dot
     * @param value the TXT answer, or null for none
     * @return this builder
     */
    public Builder chaosTxt(String name, @Nullable String value) {
      try {
        config = config.withChaosTxt(Name.fromString(name, Name.root), value);
      } catch (TextParseException e) {
        throw new IllegalArgumentException("bad chaos name " + name + ": " + e.getMessage(), e);
      }
      return this;
    }

    /**
     * Sets {@code hostname.bind.} and {@code id.server.} (RFC 4892) to this identity.
     *
     * @param serverIdentity what the names answer
     * @return this builder
     */
    public Builder identity(String serverIdentity) {
      chaosTxt("hostname.bind.", serverIdentity);
      return chaosTxt("id.server.", serverIdentity);
    }

    /**
     * The NSID (RFC 5001) returned to clients that ask; off by default.
     *
     * @param id the identifier, sent as its UTF-8 bytes
     * @return this builder
     */
    public Builder nsid(String id) {
      config = config.withNsid(id.getBytes(StandardCharsets.UTF_8));
      once.claim("nsid", id);
      return this;
    }

    /**
     * Signs a zone of the store by this policy, from start on: when the store does not sign it
     * yet (or by another policy), start commits {@link ChangeSet.Builder#sign}, with new keys.
     * The zone must be in the store by then (from {@link #zone} say). Once per zone.
     *
     * @param zone the zone's origin
     * @param policy the policy it is signed by
     * @return this builder
     */
    public Builder sign(Name zone, DnssecPolicy policy) {
      once.claim("sign " + zone, policy);
      signing.put(zone, policy);
      return this;
    }

    /**
     * Told of each query the server receives, on the thread that answers it; none by default, and
     * without one the server does no work for it. See {@link QueryListener}.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder queryListener(QueryListener listener) {
      config = config.withQueryListener(listener);
      once.claim("queryListener", listener);
      return this;
    }

    /**
     * The scheduler the DNSSEC background work waits on; a test seam. By default a daemon thread
     * of the server's own, stopped at close. Time is the store's clock ({@link RecordStore#clock}).
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder signingScheduler(ScheduledExecutorService scheduler) {
      once.claim("signingScheduler", scheduler);
      this.signingScheduler = scheduler;
      return this;
    }

    /**
     * Adds an extension (replication, zone transfers, UPDATE); started in the order added.
     *
     * @param extension the extension
     * @return this builder
     */
    public Builder extension(ServerExtension extension) {
      extensions.add(extension);
      return this;
    }

    /**
     * Checks the settings and makes the server, not yet started.
     *
     * @return the server
     */
    public DnsServer build() {
      ServerConfig built = config.withExtensions(extensions);
      if (!listen.isEmpty()) {
        built = built.withListen(listen);
      }
      return new DnsServer(built, List.copyOf(zones), store != null ? store : new InMemoryRecordStore(),
          Map.copyOf(signing), signingScheduler);
    }
  }
}
