package dev.dnsd.sync;

import dev.dnsd.DnsServer;
import dev.dnsd.ServerExtension;
import dev.dnsd.internal.ServerConfig;
import dev.dnsd.internal.SetOnce;
import dev.dnsd.store.RecordStore;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Keeps a server's store a copy of a primary's: all zones on the first connection, then every
 * change in real time; after a disconnect or a restart, only what is newer than the last change
 * applied (all zones again when the primary's log no longer reaches back, or it is a different
 * primary). Reconnects with backoff and jitter.
 *
 * <pre>{@code
 * SyncSecondary sync = SyncSecondary.builder()
 *     .primary("192.0.2.1", 5300)
 *     .name("ns2").secret(secretBytes)
 *     .build();
 * DnsServer server = DnsServer.builder().store(store).extension(sync).build().start();
 * sync.awaitVersion(version, Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>The store belongs to replication: every zone not on the primary is deleted when all zones are
 * copied, and a commit of host code to it is refused ({@link RecordStore#reserve}) until this
 * secondary is closed; a store that cannot be reserved is refused at start. Changes are applied on a thread of their own; queries
 * are answered throughout and see whole changes of the primary only. Thread-safe; {@link #close()}
 * is idempotent.
 */
public final class SyncSecondary implements ServerExtension {
  private static final Logger log = LoggerFactory.getLogger(SyncSecondary.class);

  private final InetSocketAddress primary;
  private final String name;
  private final byte[] secret;
  private final @Nullable SSLContext tls;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration connectTimeout;
  private volatile @Nullable SecondaryApplier applier;
  private volatile RecordStore.@Nullable Committer committer;
  private volatile @Nullable FrameChannel channel;
  private volatile @Nullable Thread connector;
  private volatile @Nullable Thread applyThread;
  private volatile boolean connected;
  private volatile long primaryVersion;
  /** The identity of the primary connected to now, as its handshake gave it. */
  private volatile String connectedPrimaryId = "";
  private final Object sleeper = new Object();
  private volatile boolean closed;

  private SyncSecondary(Builder b) {
    this.primary = java.util.Objects.requireNonNull(b.primary);
    this.name = java.util.Objects.requireNonNull(b.name);
    this.secret = java.util.Objects.requireNonNull(b.secret);
    this.tls = b.tls;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.connectTimeout = b.connectTimeout;
  }

  /**
   * A new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts connecting in the background; returns at once. */
  @Override
  public synchronized void start(DnsServer server) {
    if (applier != null || closed) {
      throw new IllegalStateException("SyncSecondary was started already");
    }
    RecordStore store = server.store();
    RecordStore.Committer c =
        store.reserve("SyncSecondary " + name + ", which keeps it a copy of primary " + primary);
    committer = c;
    SecondaryApplier a =
        new SecondaryApplier(store, c, "replication from primary " + ServerConfig.hostPort(primary), this::disconnect);
    applier = a;
    Thread apply = new Thread(a, "dnsd-sync-apply");
    apply.setDaemon(true);
    applyThread = apply;
    apply.start();
    Thread t = new Thread(this::connectLoop, "dnsd-sync-secondary " + name);
    t.setDaemon(true);
    connector = t;
    t.start();
  }

  /**
   * The primary version this secondary has applied (durably, in its store); 0 before any.
   *
   * @return the version
   */
  public long appliedVersion() {
    SecondaryApplier a = applier;
    return a == null ? 0 : a.applied();
  }

  /**
   * The primary's version as last heard of (at the handshake, or a change received).
   *
   * @return the version
   */
  public long primaryVersion() {
    return primaryVersion;
  }

  /**
   * Whether the secondary is connected to the primary and subscribed now.
   *
   * @return whether it is connected
   */
  public boolean isConnected() {
    return connected;
  }

  /**
   * Waits until the primary's change with this version is applied here.
   *
   * @return false when the timeout passed first
   * @param version the primary's version
   * @param timeout how long to wait
   * @throws InterruptedException when interrupted while waiting
   */
  public boolean awaitVersion(long version, Duration timeout) throws InterruptedException {
    SecondaryApplier a = applier;
    if (a == null) {
      throw new IllegalStateException("SyncSecondary is not started");
    }
    return a.awaitVersion(version, timeout);
  }

  /**
   * Waits until this secondary is connected and has applied every change of its primary's that it
   * heard of: at the handshake, and since.
   *
   * @return false when the timeout passed first
   * @param timeout how long to wait
   * @throws InterruptedException when interrupted while waiting
   */
  public boolean awaitInSync(Duration timeout) throws InterruptedException {
    SecondaryApplier a = applier;
    if (a == null) {
      throw new IllegalStateException("SyncSecondary is not started");
    }
    return a.await(
        () -> connected && a.primaryId().equals(connectedPrimaryId) && a.applied() >= primaryVersion,
        timeout);
  }

  String appliedPrimaryId() {
    SecondaryApplier a = applier;
    return a == null ? "" : a.primaryId();
  }

  private void connectLoop() {
    Backoff backoff = new Backoff(initialBackoff, maxBackoff);
    while (!closed) {
      try {
        connectOnce(backoff);
      } catch (SyncException e) {
        if (!closed) {
          log.error("primary {} refused secondary {}: {} ({})", primary, name, e.getMessage(), e.reason());
        }
      } catch (SocketTimeoutException e) {
        if (!closed) {
          log.warn("primary {} went silent; reconnecting", primary);
        }
      } catch (EOFException e) {
        if (!closed) {
          log.warn("primary {} closed the connection; reconnecting", primary);
        }
      } catch (IOException e) {
        if (!closed) {
          log.warn("connection to primary {} failed: {}; reconnecting", primary, e.toString());
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.error("secondary {} failed; reconnecting", name, e);
      } finally {
        connected = false;
        SecondaryApplier a = applier;
        if (a != null) {
          a.wake();
        }
        disconnect();
      }
      long delay = backoff.nextDelayMillis();
      synchronized (sleeper) {
        try {
          if (!closed) {
            sleeper.wait(Math.max(1, delay));
          }
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void connectOnce(Backoff backoff) throws IOException, InterruptedException {
    SecondaryApplier a = applier;
    Socket socket = tls != null ? tls.getSocketFactory().createSocket() : new Socket();
    FrameChannel c;
    try {
      socket.connect(primary, (int) connectTimeout.toMillis());
      c = new FrameChannel(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    channel = c;
    if (closed) {
      c.close();
      return;
    }
    ScheduledFuture<?> pings = null;
    try {
      c.setReadTimeout((int) Math.max(connectTimeout.toMillis(), 1000));
      Handshake.Welcome welcome = Handshake.client(c, name, secret);
      if (!welcome.roles().contains(Role.SECONDARY)) {
        throw new SyncException(SyncException.Reason.FORBIDDEN, "peer " + name + " may not receive changes from this primary");
      }
      c.authenticated();
      Duration keepalive = Duration.ofMillis(welcome.keepaliveMillis());
      c.setReadTimeout(Keepalive.deadAfterMillis(keepalive));
      pings = Keepalive.start(c, keepalive);
      primaryVersion = welcome.primaryVersion();
      connectedPrimaryId = welcome.primaryId();
      a.awaitIdle();
      String knownId = a.primaryId();
      long after = knownId.isEmpty() ? 0 : a.applied();
      c.send(Protocol.SUBSCRIBE, new WireWriter().string(knownId).u64(after));
      a.ackTo(c);
      connected = true;
      a.wake();
      backoff.reset();
      log.info(
          "secondary {} connected to primary {} (version {}); asking for {}",
          name, primary, welcome.primaryVersion(), knownId.equals(welcome.primaryId()) ? "changes after " + after : "all zones");
      receive(c, a, welcome.primaryId());
    } finally {
      if (pings != null) {
        pings.cancel(false);
      }
      a.ackTo(null);
    }
  }

  private void receive(FrameChannel c, SecondaryApplier a, String streamId) throws IOException, InterruptedException {
    while (true) {
      FrameChannel.Frame frame = c.receive();
      WireReader body = frame.body();
      switch (frame.type()) {
        case Protocol.PING -> body.end();
        case Protocol.CHANGE -> {
          SecondaryApplier.ChangeItem item =
              new SecondaryApplier.ChangeItem(streamId, Codec.change(body));
          primaryVersion = Math.max(primaryVersion, item.change().version());
          a.put(item);
        }
        case Protocol.SNAPSHOT_BEGIN -> a.put(snapshot(c, body));
        case Protocol.ERROR -> throw FrameChannel.error(body);
        default -> throw new ProtocolException("unexpected message type " + frame.type());
      }
    }
  }

  /** Reads a whole snapshot; it is applied as one commit, so queries never see part of it. */
  private SecondaryApplier.SnapshotItem snapshot(FrameChannel c, WireReader begin) throws IOException {
    String id = begin.string();
    long version = begin.u64();
    long count = begin.u32();
    begin.end();
    Map<Name, List<Record>> zones = new LinkedHashMap<>();
    boolean open = false;
    while (true) {
      FrameChannel.Frame frame = c.receive();
      WireReader body = frame.body();
      switch (frame.type()) {
        case Protocol.PING -> body.end();
        case Protocol.SNAPSHOT_ZONE -> {
          Name origin = body.name();
          boolean last = body.u8() == 1;
          List<Record> records = body.records();
          body.end();
          List<Record> into = zones.get(origin);
          if (into == null) {
            if (open) {
              throw new ProtocolException("zone parts interleaved at " + origin);
            }
            into = new ArrayList<>();
            zones.put(origin, into);
          }
          into.addAll(records);
          open = !last;
        }
        case Protocol.SNAPSHOT_END -> {
          body.end();
          if (open || zones.size() != count) {
            throw new ProtocolException("snapshot announced " + count + " zones, sent " + zones.size());
          }
          primaryVersion = Math.max(primaryVersion, version);
          return new SecondaryApplier.SnapshotItem(id, version, zones);
        }
        case Protocol.ERROR -> throw FrameChannel.error(body);
        default -> throw new ProtocolException("unexpected message type " + frame.type() + " in a snapshot");
      }
    }
  }

  private void disconnect() {
    FrameChannel c = channel;
    if (c != null) {
      c.close();
    }
  }

  /** Stops replicating; what was applied stays in the store. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    synchronized (sleeper) {
      sleeper.notifyAll();
    }
    disconnect();
    Thread t = connector;
    if (t != null) {
      t.interrupt();
      join(t);
    }
    SecondaryApplier a = applier;
    if (a != null) {
      a.stop();
    }
    Thread apply = applyThread;
    if (apply != null) {
      join(apply);
    }
    RecordStore.Committer c = committer;
    if (c != null) {
      c.close();
    }
  }

  private static void join(Thread t) {
    try {
      t.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Configures a {@link SyncSecondary}; primary, name and secret are required. */
  public static final class Builder {
    private @Nullable InetSocketAddress primary;
    private @Nullable String name;
    private byte @Nullable [] secret;
    private @Nullable SSLContext tls;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private final SetOnce once = new SetOnce();

    private Builder() {}

    /**
     * The primary's sync address.
     *
     * @param address the address
     * @return this builder
     */
    public Builder primary(InetSocketAddress address) {
      once.claim("primary", address);
      primary = address;
      return this;
    }

    /**
     * The primary's sync address, as {@link #primary(InetSocketAddress)} takes it.
     *
     * @param host a host name or address literal, resolved now
     * @param port the port
     * @return this builder
     */
    public Builder primary(String host, int port) {
      try {
        return primary(new InetSocketAddress(InetAddress.getByName(host), port));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot resolve primary host " + host, e);
      }
    }

    /**
     * This secondary's peer name, as the primary knows it.
     *
     * @param peerName the name
     * @return this builder
     */
    public Builder name(String peerName) {
      once.claim("name", peerName);
      name = peerName;
      return this;
    }

    /**
     * The secret shared with the primary for this name.
     *
     * @param sharedSecret the secret
     * @return this builder
     */
    public Builder secret(byte[] sharedSecret) {
      once.claimSecret("secret");
      secret = sharedSecret.clone();
      return this;
    }

    /**
     * Connects with TLS; the context's trust manager decides which primary certificates to trust.
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
     * Reconnect delays double from {@code initial} up to {@code max}, with jitter. Default 200 ms to 30 s.
     *
     * @param initial the first delay
     * @param max the longest delay
     * @return this builder
     */
    public Builder reconnectBackoff(Duration initial, Duration max) {
      if (initial.toMillis() < 1 || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("backoff must be 1 ms or more and max >= initial: " + initial + ", " + max);
      }
      once.claim("reconnectBackoff", initial + " to " + max);
      initialBackoff = initial;
      maxBackoff = max;
      return this;
    }

    /**
     * The secondary, not yet started: a server starts it.
     *
     * @return the secondary
     */
    public SyncSecondary build() {
      if (primary == null || name == null || secret == null) {
        throw new IllegalStateException("a SyncSecondary needs primary, name and secret");
      }
      new Peer(name, secret, Set.of(Role.SECONDARY)); // checks name and secret alike
      return new SyncSecondary(this);
    }
  }
}
