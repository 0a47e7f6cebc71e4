package dev.dnsd.sync;

import dev.dnsd.ServerStatistics;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Changes a primary's zones from another process, over the sync protocol, as a peer with the
 * {@link Role#CONTROL} role. A change is answered by the primary when the commit returns, and
 * pushed to its secondaries at once.
 *
 * <pre>{@code
 * try (ControlClient control = ControlClient.connect(primarySyncAddress, "admin", secret)) {
 *   control.createZone(origin, List.of(soa, ns));
 *   long version = control.commit(ChangeSet.builder().add(a).build());
 *   CommitResult r = control.commit(changes, Duration.ofSeconds(2)); // wait for secondaries
 * }
 * }</pre>
 *
 * <p>Thread-safe: requests from several threads are sent one after another on the one connection.
 * A change set the primary rejects throws {@link InvalidZoneException}, as a local commit would;
 * a refused request or a broken connection throws {@link IOException}.
 */
public final class ControlClient implements AutoCloseable {
  private final FrameChannel channel;
  private final ScheduledFuture<?> pings;
  private long nextRequest = 1;

  /**
   * What {@link #listZones()} returns for each zone.
   *
   * @param origin the zone's origin
   * @param serial its SOA serial
   * @param recordCount how many records it holds
   */
  public record ZoneInfo(Name origin, long serial, int recordCount) {}

  private ControlClient(FrameChannel channel, ScheduledFuture<?> pings) {
    this.channel = channel;
    this.pings = pings;
  }

  /**
   * Connects and authenticates; see {@link #connect(InetSocketAddress, String, byte[], SSLContext)}.
   *
   * @param primary the primary's sync address
   * @param name this client's peer name
   * @param secret the secret shared with the primary
   * @return the connected client
   * @throws IOException when the primary cannot be reached
   */
  public static ControlClient connect(InetSocketAddress primary, String name, byte[] secret) throws IOException {
    return connect(primary, name, secret, null);
  }

  /**
   * Connects to a primary's sync address and authenticates both ways.
   *
   * @param tls when not null, the connection uses TLS with this context
   * @throws SyncException when the primary refuses the peer, or does not prove it knows the secret
   * @param primary the primary's sync address
   * @param name this client's peer name
   * @param secret the secret shared with the primary
   * @return the connected client
   * @throws IOException when the primary cannot be reached
   */
  public static ControlClient connect(
      InetSocketAddress primary, String name, byte[] secret, @Nullable SSLContext tls) throws IOException {
    Socket socket = tls != null ? tls.getSocketFactory().createSocket() : new Socket();
    FrameChannel channel = null;
    try {
      socket.connect(primary, 10_000);
      channel = new FrameChannel(socket);
      channel.setReadTimeout(10_000);
      Handshake.Welcome welcome = Handshake.client(channel, name, secret);
      if (!welcome.roles().contains(Role.CONTROL)) {
        throw new SyncException(SyncException.Reason.FORBIDDEN, "peer " + name + " may not change zones on this primary");
      }
      channel.authenticated();
      Duration keepalive = Duration.ofMillis(welcome.keepaliveMillis());
      // The primary pings at this interval, so silence for longer means it is gone.
      channel.setReadTimeout(Keepalive.deadAfterMillis(keepalive));
      return new ControlClient(channel, Keepalive.start(channel, keepalive));
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      } else {
        socket.close();
      }
      throw e;
    }
  }

  /**
   * Commits the change set on the primary; returns the primary's version after it.
   *
   * @param changes what to change
   * @return the primary's version after the commit
   * @throws IOException when the connection fails
   */
  public long commit(ChangeSet changes) throws IOException {
    return commit(changes, Duration.ZERO).version();
  }

  /**
   * Commits, then waits until the primary's configured secondaries (connected or not) have applied
   * the change, or the timeout passes; the result names any that had not. A zero timeout does not
   * wait.
   *
   * @param changes what to change
   * @param waitForSecondaries how long to wait
   * @return the version, and which secondaries applied it
   * @throws IOException when the connection fails
   */
  public synchronized CommitResult commit(ChangeSet changes, Duration waitForSecondaries) throws IOException {
    long wait = waitForSecondaries.toMillis();
    if (wait < 0 || wait > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("wait must be 0 .. 2^32-1 ms: " + waitForSecondaries);
    }
    if (!changes.meta().isEmpty()) {
      throw new IllegalArgumentException("store metadata is not sent to a primary: " + changes.meta());
    }
    long id = nextRequest++;
    WireWriter w = new WireWriter().u32(id).u32(wait);
    Codec.ops(w, changes);
    channel.send(Protocol.COMMIT, w);
    WireReader r = response(id, Protocol.COMMITTED);
    long version = r.u64();
    List<String> applied = names(r);
    List<String> notApplied = names(r);
    r.end();
    return new CommitResult(version, applied, notApplied);
  }

  /**
   * Creates a zone from its records (an SOA and NS records at the apex at least).
   *
   * @param origin the zone's origin
   * @param records its records
   * @return the primary's version after the commit
   * @throws IOException when the connection fails
   */
  public long createZone(Name origin, Collection<? extends Record> records) throws IOException {
    return commit(ChangeSet.builder().createZone(origin, records).build());
  }

  /**
   * Deletes a zone and all its records.
   *
   * @param origin the zone's origin
   * @return the primary's version after the commit
   * @throws IOException when the connection fails
   */
  public long deleteZone(Name origin) throws IOException {
    return commit(ChangeSet.builder().deleteZone(origin).build());
  }

  /**
   * The primary's zones, in canonical order of their origins.
   *
   * @return the zones
   * @throws IOException when the connection fails
   */
  public synchronized List<ZoneInfo> listZones() throws IOException {
    long id = nextRequest++;
    channel.send(Protocol.LIST_ZONES, new WireWriter().u32(id));
    WireReader r = response(id, Protocol.ZONES);
    r.u64();
    int n = r.count();
    List<ZoneInfo> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new ZoneInfo(r.name(), r.u32(), (int) r.u32()));
    }
    r.end();
    return out;
  }

  /**
   * The primary's zone with this origin, or null when there is none.
   *
   * @param origin the zone's origin
   * @return the zone, or null
   * @throws IOException when the connection fails
   */
  public synchronized @Nullable Zone zone(Name origin) throws IOException {
    long id = nextRequest++;
    channel.send(Protocol.GET_ZONE, new WireWriter().u32(id).name(origin));
    WireReader r = response(id, Protocol.ZONE);
    if (r.u8() == 0) {
      r.end();
      return null;
    }
    List<Record> records = r.records();
    r.end();
    return Zone.of(origin, records);
  }

  /**
   * Asks the primary to reload (what that means is the server's {@link ReloadHandler}; the
   * runnable dnsd re-reads its configuration and zone files) and returns its report.
   *
   * @return the primary's one-line report of what changed
   * @throws SyncException with {@link SyncException.Reason#RELOAD_FAILED} and the server's reason
   *     when the reload failed or the primary has none
   */
  public synchronized String reload() throws IOException {
    long id = nextRequest++;
    channel.send(Protocol.RELOAD, new WireWriter().u32(id));
    WireReader r = response(id, Protocol.RELOADED);
    String summary = r.string();
    r.end();
    return summary;
  }

  /**
   * The primary's server statistics now ({@code DnsServer.statistics()}), as named metrics: what
   * {@code java -jar dnsd.jar control stats} prints.
   *
   * @return the metrics, in the order {@link ServerStatistics#metrics()} gives them
   * @throws IOException when the connection fails
   */
  public synchronized List<ServerStatistics.Metric> statistics() throws IOException {
    long id = nextRequest++;
    channel.send(Protocol.STATS, new WireWriter().u32(id));
    WireReader r = response(id, Protocol.STATISTICS);
    int n = r.count();
    List<ServerStatistics.Metric> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(Codec.metric(r));
    }
    r.end();
    return out;
  }

  private WireReader response(long id, int type) throws IOException {
    while (true) {
      FrameChannel.Frame frame = channel.receive();
      WireReader body = frame.body();
      if (frame.type() == Protocol.PING) {
        continue;
      }
      if (frame.type() == Protocol.ERROR) {
        SyncException e = FrameChannel.error(body);
        if (e.reason() == SyncException.Reason.INVALID_CHANGE) {
          throw new InvalidZoneException(e.getMessage());
        }
        throw e;
      }
      if (frame.type() != type) {
        throw new ProtocolException("expected message type " + type + ", got " + frame.type());
      }
      long got = body.u32();
      if (got != id) {
        throw new ProtocolException("answer to request " + got + " while waiting for " + id);
      }
      return body;
    }
  }

  private static List<String> names(WireReader r) throws ProtocolException {
    int n = r.u16();
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(r.string());
    }
    return out;
  }

  /** Closes the connection. Idempotent. */
  @Override
  public void close() {
    pings.cancel(false);
    channel.close();
  }
}
