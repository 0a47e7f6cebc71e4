package dev.dnsd.sync;

import dev.dnsd.DnsServer;
import dev.dnsd.ServerExtension;
import dev.dnsd.ServerStatistics;
import dev.dnsd.internal.RateLimitedLog;
import dev.dnsd.internal.SetOnce;
import dev.dnsd.internal.transport.TcpConnection;
import dev.dnsd.internal.transport.TcpListener;
import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.RecordStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's side of replication: a listener that authenticates peers, streams every committed
 * change to secondaries in real time, and takes commits from control clients.
 *
 * <pre>{@code
 * byte[] secret = "ns2's secret, 16 bytes or more".getBytes(StandardCharsets.UTF_8);
 * SyncPrimary sync = SyncPrimary.builder()
 *     .listen("127.0.0.1", 5300)
 *     .peer("ns2", secret, Role.SECONDARY)
 *     .build();
 * SyncSecondary ns2Sync = SyncSecondary.builder().primary("127.0.0.1", 5300).name("ns2").secret(secret).build();
 * try (DnsServer primary = DnsServer.builder().extension(sync).build().start();
 *      DnsServer ns2 = DnsServer.builder().extension(ns2Sync).build().start()) {
 *   sync.awaitConnected(List.of("ns2"), Duration.ofSeconds(5));
 *   Name origin = Name.fromString("example.com.");
 *   CommitResult r = sync.commitAndWait(ChangeSet.builder()
 *       .replaceZone(ZoneFiles.parse("@ 3600 SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ 3600 NS ns1\n", origin))
 *       .build(), Duration.ofSeconds(5));
 *   // r.allApplied(): ns2 answers example.com. already (read-your-writes)
 * }
 * }</pre>
 *
 * <p>Thread-safe. Each connection has its own threads, apart from the DNS transports; a secondary
 * that falls too far behind is disconnected and catches up from the store's change log when it
 * reconnects. {@link #close()} closes every connection and is idempotent.
 */
public final class SyncPrimary implements ServerExtension {
  private static final Logger log = LoggerFactory.getLogger(SyncPrimary.class);

  private static final RateLimitedLog WARNINGS = new RateLimitedLog(log);
  /** Connections on the sync port, authenticated or not; idle unauthenticated ones make room. */
  private static final int MAX_CONNECTIONS = 1024;
  private static final int MAX_PER_SOURCE = 64;
  /** Workers for control requests, which commit and may wait for secondaries. */
  private static final int WORKERS = 16;
  /** Output queued for a peer before a stream waits for it to read. */
  private static final int MAX_QUEUED_OUTPUT = 4 << 20;

  /** The fewest bytes a peer's shared secret may have: 128 bits, as for an HMAC-SHA256 key. */
  public static final int MIN_SECRET_BYTES = 16;

  private final InetSocketAddress listen;
  private final Map<String, Peer> peers;
  private final List<String> secondaries;
  private final @Nullable SSLContext tls;
  private final Duration keepalive;
  private final Duration handshakeTimeout;
  private final int maxQueuedChanges;
  private final ChangeStream.Frames changeFrames = new ChangeStream.Frames();
  private final @Nullable ReloadHandler reloadHandler;
  private final NonceCache nonces = new NonceCache(100_000);
  private final Set<PrimaryConnection> connections = ConcurrentHashMap.newKeySet();
  // Highest version each secondary (by name) acknowledged; guarded by itself, waited on by commits.
  private final Map<String, Long> acked = new HashMap<>();
  private volatile @Nullable RecordStore store;
  private volatile @Nullable DnsServer server;
  private volatile String primaryId = "";
  private final AuthBackoff backoff = new AuthBackoff();
  private volatile @Nullable TcpListener listener;
  private volatile @Nullable ThreadPoolExecutor workers;
  private volatile boolean closed;
  private final java.util.concurrent.atomic.AtomicInteger snapshotsSent = new java.util.concurrent.atomic.AtomicInteger();

  private SyncPrimary(Builder b) {
    this.listen = b.listen;
    this.peers = Map.copyOf(b.peers);
    this.secondaries =
        b.peers.values().stream()
            .filter(p -> p.roles().contains(Role.SECONDARY))
            .map(Peer::name)
            .sorted()
            .toList();
    this.tls = b.tls;
    this.keepalive = b.keepalive;
    this.handshakeTimeout = b.handshakeTimeout;
    this.maxQueuedChanges = b.maxQueuedChanges;
    this.reloadHandler = b.reloadHandler;
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
   * Binds the sync listener. A store without an identity gets one (a commit that only sets
   * metadata), so secondaries can tell this history from another.
   */
  @Override
  public synchronized void start(DnsServer server) throws IOException {
    if (store != null || closed) {
      throw new IllegalStateException("SyncPrimary was started already");
    }
    RecordStore s = server.store();
    String id = s.meta(Protocol.PRIMARY_ID_KEY);
    if (id == null) {
      id = UUID.randomUUID().toString();
      s.commit(ChangeSet.builder().origin("replication (the primary's identity)").meta(Protocol.PRIMARY_ID_KEY, id).build());
    }
    primaryId = id;
    store = s;
    this.server = server;
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            WORKERS, WORKERS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024),
            r -> {
              Thread t = new Thread(r, "dnsd-sync-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    TcpListener.Limits limits =
        new TcpListener.Limits(
            4, Protocol.HANDSHAKE_MAX_FRAME, MAX_CONNECTIONS, MAX_PER_SOURCE, handshakeTimeout,
            Duration.ofMillis(Keepalive.deadAfterMillis(keepalive)), MAX_QUEUED_OUTPUT);
    try {
      listener = TcpListener.start(listen, limits, tls, new Peers(), pool, "dnsd-sync");
    } catch (IOException e) {
      pool.shutdownNow();
      throw new IOException("cannot bind the sync listener to " + listen + ": " + e.getMessage(), e);
    }
    workers = pool;
    log.info("dnsd sync listening on {}{} for {} peer(s)", boundAddress(), tls != null ? " (TLS)" : "", peers.size());
  }

  /**
   * The address the sync listener is bound to (with the port chosen for port 0).
   *
   * @return the address
   */
  public InetSocketAddress boundAddress() {
    TcpListener l = listener;
    if (l == null) {
      throw new IllegalStateException("SyncPrimary is not started");
    }
    return l.address();
  }

  /**
   * This primary's identity: changes when the store is a new one (e.g. in memory, restarted).
   *
   * @return the identity
   */
  public String primaryId() {
    return primaryId;
  }

  /**
   * Names of the secondaries connected now and receiving changes.
   *
   * @return the names, in order
   */
  public List<String> connectedSecondaries() {
    Set<String> names = new TreeSet<>();
    for (PrimaryConnection c : connections) {
      if (c.isStreaming()) {
        names.add(c.peerName());
      }
    }
    return List.copyOf(names);
  }

  /**
   * The names of the peers with the secondary role, connected or not, in order of name.
   *
   * @return the names
   */
  public List<String> secondaries() {
    return secondaries;
  }

  /**
   * Commits and returns once every configured secondary (every peer with the secondary role) has
   * applied the change, or when the timeout passes; the result names those that had not, connected
   * or not. A secondary that is not connected cannot have applied it: with one down, this waits
   * the whole timeout and names it.
   *
   * @throws dev.dnsd.zone.InvalidZoneException when the change set breaks a zone rule
   * @param changes what to change
   * @param timeout how long to wait for the secondaries
   * @return the version, and which secondaries applied it
   * @throws InterruptedException when interrupted while waiting
   */
  public CommitResult commitAndWait(ChangeSet changes, Duration timeout) throws InterruptedException {
    Change change = store().commit(changes);
    return awaitApplied(change.version(), timeout);
  }

  /**
   * Waits until every configured secondary has applied this version (or a later one), or the
   * timeout passes.
   *
   * @return which secondaries had applied it and which had not when the wait ended
   * @param version the primary's version
   * @param timeout how long to wait
   * @throws InterruptedException when interrupted while waiting
   */
  public CommitResult awaitApplied(long version, Duration timeout) throws InterruptedException {
    return awaitApplied(version, secondaries, timeout);
  }

  /**
   * Waits until the named secondary has applied this version (or a later one), or the timeout
   * passes: {@code awaitApplied("ns2", store.version(), timeout)} waits until it is in sync.
   *
   * @return false when the timeout passed first
   * @throws IllegalArgumentException when no peer of that name has the secondary role
   * @param secondary the secondary's peer name
   * @param version the primary's version
   * @param timeout how long to wait
   * @throws InterruptedException when interrupted while waiting
   */
  public boolean awaitApplied(String secondary, long version, Duration timeout) throws InterruptedException {
    return awaitApplied(version, List.of(checkSecondary(secondary)), timeout).allApplied();
  }

  /**
   * Waits until each named secondary is connected and receiving changes, or the timeout passes.
   *
   * @return false when the timeout passed first
   * @throws IllegalArgumentException when a name is not that of a peer with the secondary role
   * @param names the secondaries' peer names
   * @param timeout how long to wait
   * @throws InterruptedException when interrupted while waiting
   */
  public boolean awaitConnected(List<String> names, Duration timeout) throws InterruptedException {
    names.forEach(this::checkSecondary);
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (acked) {
      while (!connectedSecondaries().containsAll(names)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        acked.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  private String checkSecondary(String name) {
    if (!secondaries.contains(name)) {
      throw new IllegalArgumentException("no peer " + name + " with the secondary role; secondaries: " + secondaries);
    }
    return name;
  }

  /** Waits until each named secondary acknowledged the version, or the timeout passes. */
  private CommitResult awaitApplied(long version, List<String> targets, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (acked) {
      while (true) {
        List<String> applied = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : targets) {
          (acked.getOrDefault(name, 0L) >= version ? applied : missing).add(name);
        }
        long left = deadline - System.nanoTime();
        if (missing.isEmpty() || left <= 0) {
          return new CommitResult(version, applied, missing);
        }
        acked.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  /** Wakes the waits: which secondaries are connected changed. */
  private void connectionsChanged() {
    synchronized (acked) {
      acked.notifyAll();
    }
  }

  void acknowledged(String name, long version) {
    synchronized (acked) {
      if (acked.getOrDefault(name, 0L) < version) {
        acked.put(name, version);
        acked.notifyAll();
      }
    }
  }

  /** A secondary that subscribes again replaces its older connection, which may be dead but not yet noticed. */
  void subscribed(PrimaryConnection connection) {
    for (PrimaryConnection c : connections) {
      if (c != connection && c.isStreaming() && c.peerName().equals(connection.peerName())) {
        log.info("secondary {} reconnected; closing its previous connection from {}", c.peerName(), c.remote());
        c.close();
      }
    }
    connectionsChanged();
  }

  /**
   * Each configured secondary: whether it is connected, the last version it acknowledged, and
   * how far behind the store it is, in versions and in the time since the first commit it lacks.
   */
  @Override
  public void statistics(ServerStatistics.Builder statistics) {
    RecordStore s = store;
    Map<String, Long> applied;
    synchronized (acked) {
      applied = new HashMap<>(acked);
    }
    List<String> connected = connectedSecondaries();
    long now = System.currentTimeMillis();
    for (String name : secondaries) {
      Long version = applied.get(name);
      long lagVersions = 0;
      long lagMillis = -1;
      if (s != null) {
        long current = s.version();
        long have = version == null ? 0 : version;
        lagVersions = Math.max(0, current - have);
        lagMillis = lagVersions == 0 ? 0 : firstMissing(s, have).map(c -> Math.max(0, now - c.committedAtMillis())).orElse(-1L);
      }
      statistics.secondary(new ServerStatistics.Secondary(
          name, null, connected.contains(name), version == null ? -1 : version, lagVersions, lagMillis));
    }
  }

  /** The first commit after {@code version}, when the store's log still has it. */
  private static java.util.Optional<Change> firstMissing(RecordStore s, long version) {
    return s.changesSince(version, 1).flatMap(list -> list.stream().findFirst());
  }

  /** The server's statistics as metrics, for a control client's STATS request. */
  List<ServerStatistics.Metric> metrics() {
    DnsServer s = server;
    if (s == null) {
      throw new IllegalStateException("SyncPrimary is not started");
    }
    return s.statistics().metrics();
  }

  /** How many times all zones were sent to a secondary; for tests of catch-up from the log. */
  int snapshotsSent() {
    return snapshotsSent.get();
  }

  void snapshotSent() {
    snapshotsSent.incrementAndGet();
  }

  void ended(PrimaryConnection connection) {
    connections.remove(connection);
    connectionsChanged();
  }

  RecordStore store() {
    RecordStore s = store;
    if (s == null) {
      throw new IllegalStateException("SyncPrimary is not started");
    }
    return s;
  }

  Map<String, Peer> peers() {
    return peers;
  }

  NonceCache nonces() {
    return nonces;
  }

  Duration keepalive() {
    return keepalive;
  }

  Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  int maxQueuedChanges() {
    return maxQueuedChanges;
  }

  ChangeStream.Frames changeFrames() {
    return changeFrames;
  }

  @Nullable ReloadHandler reloadHandler() {
    return reloadHandler;
  }

  AuthBackoff backoff() {
    return backoff;
  }

  /**
   * The connections of the sync port: a source that failed to authenticate lately is held off at
   * once, every other connection gets its handshake.
   */
  private final class Peers implements TcpListener.Handler {
    @Override
    public void accepted(TcpConnection c) {
      if (closed || backoff.holdsOff(c.remote().getAddress(), System.nanoTime())) {
        WARNINGS.warn(c.remote().getAddress(), "held off",
            "sync connection from {} closed: it failed to authenticate moments ago", c.remote());
        c.close();
        return;
      }
      PrimaryConnection connection = new PrimaryConnection(SyncPrimary.this, c);
      c.attach(connection);
      connections.add(connection);
    }

    @Override
    public boolean mayBlock(TcpConnection c, byte[] buffer, int offset, int length) {
      PrimaryConnection connection = (PrimaryConnection) c.attachment();
      return connection != null && connection.mayBlock(buffer[offset] & 0xFF);
    }

    @Override
    public void handle(TcpConnection c, byte[] buffer, int offset, int length) {
      PrimaryConnection connection = (PrimaryConnection) c.attachment();
      if (connection != null) {
        connection.frame(buffer[offset] & 0xFF, Arrays.copyOfRange(buffer, offset + 1, offset + length));
      }
    }

    @Override
    public void closed(TcpConnection c) {
      PrimaryConnection connection = (PrimaryConnection) c.attachment();
      if (connection != null) {
        connection.ended();
      }
    }
  }

  /** Stops listening and closes every connection. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (PrimaryConnection c : connections) {
      c.close();
    }
    TcpListener l = listener;
    if (l != null) {
      l.close();
    }
    ThreadPoolExecutor pool = workers;
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  /** Configures a {@link SyncPrimary}; each setting once, peers repeatable. */
  public static final class Builder {
    private InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private final SetOnce once = new SetOnce();
    private final Map<String, Peer> peers = new LinkedHashMap<>();
    private @Nullable SSLContext tls;
    private Duration keepalive = Duration.ofSeconds(10);
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private int maxQueuedChanges = 100_000;
    private @Nullable ReloadHandler reloadHandler;

    private Builder() {}

    /**
     * The sync listen address; default 127.0.0.1 port 0 (a free port, see {@link #boundAddress()}).
     *
     * @param address the address; port 0 picks a free one
     * @return this builder
     */
    public Builder listen(InetSocketAddress address) {
      if (address.isUnresolved()) {
        throw new IllegalArgumentException("sync listen address is unresolved: " + address);
      }
      once.claim("listen", address);
      listen = address;
      return this;
    }

    /**
     * The sync listen address, as {@link #listen(InetSocketAddress)} takes it.
     *
     * @param host a host name or address literal, resolved now
     * @param port the port; 0 picks a free one
     * @return this builder
     */
    public Builder listen(String host, int port) {
      try {
        return listen(new InetSocketAddress(InetAddress.getByName(host), port));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot resolve sync listen host " + host, e);
      }
    }

    /**
     * Accepts a peer with this name and shared secret (at least {@value #MIN_SECRET_BYTES} bytes;
     * keep it out of command lines and logs) in the given roles.
     *
     * @param name the peer's name
     * @param secret the shared secret
     * @param role a role
     * @param moreRoles further roles
     * @return this builder
     */
    public Builder peer(String name, byte[] secret, Role role, Role... moreRoles) {
      if (peers.containsKey(name)) {
        throw new IllegalStateException("peer " + name + " was already added");
      }
      peers.put(name, new Peer(name, secret, EnumSet.of(role, moreRoles)));
      return this;
    }

    /**
     * Serves TLS with this context (its key manager holds the primary's certificate).
     *
     * @param context the TLS context
     * @return this builder
     */
    public Builder tls(SSLContext context) {
      once.claim("tls", context);
      tls = context;
      return this;
    }

    /**
     * How often each side pings when connected; a peer silent for three intervals is taken as
     * dead. Default 10 s; secondaries and control clients use the primary's interval.
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder keepalive(Duration interval) {
      if (interval.toMillis() < 10 || interval.toMillis() > 0xFFFFFFFFL) {
        throw new IllegalArgumentException("keepalive must be 10 ms or more: " + interval);
      }
      once.claim("keepalive", interval);
      keepalive = interval;
      return this;
    }

    /**
     * Changes held for a slow secondary before it is disconnected to catch up later; default 100,000.
     *
     * @param max the most changes held
     * @return this builder
     */
    public Builder maxQueuedChanges(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxQueuedChanges must be positive: " + max);
      }
      once.claim("maxQueuedChanges", max);
      maxQueuedChanges = max;
      return this;
    }

    /**
     * What a control client's reload request ({@link ControlClient#reload()}) does; without a
     * handler the request is refused.
     *
     * @param handler the handler
     * @return this builder
     */
    public Builder onReload(ReloadHandler handler) {
      once.claim("onReload", handler);
      reloadHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * The primary, not yet started: a server starts it.
     *
     * @return the primary
     */
    public SyncPrimary build() {
      if (peers.isEmpty()) {
        throw new IllegalStateException("a SyncPrimary without peers would refuse everyone; add a peer");
      }
      return new SyncPrimary(this);
    }
  }
}
