package dev.dnsd.sync;

import dev.dnsd.ServerStatistics;
import dev.dnsd.internal.RateLimitedLog;
import dev.dnsd.internal.ServerConfig;
import dev.dnsd.internal.transport.TcpConnection;
import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.RecordStore;
import dev.dnsd.store.StoreException;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer's connection to the primary, on the primary's event loop: the handshake, frame by
 * frame as it arrives, then either control requests (answered on a worker, one at a time) or a
 * subscription, whose changes a {@link ChangeStream} sends. Until the handshake succeeds the
 * connection may hold frames of at most 1 KiB and must finish within the handshake timeout.
 */
final class PrimaryConnection {
  private static final Logger log = LoggerFactory.getLogger(PrimaryConnection.class);
  private static final RateLimitedLog WARNINGS = new RateLimitedLog(log);

  private final SyncPrimary primary;
  private final TcpConnection connection;
  private final LoopChannel channel;
  private final Handshake.Serving handshake;
  private boolean challenged;
  private volatile @Nullable Peer peer;
  private volatile @Nullable ChangeStream stream;
  private volatile @Nullable ScheduledFuture<?> pings;

  PrimaryConnection(SyncPrimary primary, TcpConnection connection) {
    this.primary = primary;
    this.connection = connection;
    this.channel = new LoopChannel(connection);
    this.handshake = new Handshake.Serving(channel, primary.peers(), primary.nonces());
    connection.deadline(primary.handshakeTimeout()); // one deadline for the whole handshake
    connection.idleTimeout(primary.handshakeTimeout());
  }

  boolean isStreaming() {
    return stream != null && !channel.isClosed();
  }

  String peerName() {
    Peer p = peer;
    return p == null ? "?" : p.name();
  }

  SocketAddress remote() {
    return channel.remote();
  }

  /** Whether this frame may block (a control request commits and may wait for secondaries). */
  boolean mayBlock(int type) {
    return peer != null
        && (type == Protocol.COMMIT || type == Protocol.LIST_ZONES || type == Protocol.GET_ZONE
            || type == Protocol.RELOAD || type == Protocol.STATS);
  }

  /** One frame from the peer; a protocol error ends the connection after an ERROR. */
  void frame(int type, byte[] body) {
    try {
      Peer p = peer;
      FrameChannel.Frame frame = new FrameChannel.Frame(type, new WireReader(body));
      if (p == null) {
        shake(frame);
      } else {
        serve(p, frame);
      }
    } catch (ProtocolException e) {
      warn("protocol", "sync peer {} at {} broke the protocol: {}", peerName(), channel.remote(), e.getMessage());
      channel.sendError(0, SyncException.Reason.BAD_MESSAGE, e.getMessage());
      connection.closeAfterFlush();
    } catch (IOException e) {
      if (!channel.isClosed()) {
        log.info("sync connection with {} at {} ended: {}", peerName(), channel.remote(), e.toString());
      }
      close();
    } catch (RuntimeException e) {
      WARNINGS.error(connection.remote().getAddress(), "failed", "sync connection with {} at {} failed",
          peerName(), channel.remote(), e);
      close();
    }
  }

  private void shake(FrameChannel.Frame frame) throws IOException {
    if (!challenged) {
      challenged = true;
      if (!handshake.hello(frame)) {
        connection.closeAfterFlush();
      }
      return;
    }
    RecordStore store = primary.store();
    Duration keepalive = primary.keepalive();
    Peer p =
        handshake.proof(
            frame, new Handshake.Welcome(Set.of(), keepalive.toMillis(), primary.primaryId(), store.version()));
    InetAddress source = connection.remote().getAddress();
    if (p == null) {
      primary.backoff().failed(source, System.nanoTime());
      connection.closeAfterFlush();
      return;
    }
    primary.backoff().succeeded(source);
    peer = p;
    connection.clearDeadline();
    connection.protect();
    connection.maxMessage(Protocol.MAX_FRAME);
    connection.idleTimeout(Duration.ofMillis(Keepalive.deadAfterMillis(keepalive)));
    pings = Keepalive.start(channel, keepalive);
    log.info("sync peer {} connected from {} as {}", p.name(), channel.remote(), p.roles());
  }

  private void serve(Peer p, FrameChannel.Frame frame) throws IOException {
    RecordStore store = primary.store();
    WireReader body = frame.body();
    switch (frame.type()) {
      case Protocol.PING -> body.end();
      case Protocol.SUBSCRIBE -> {
        String knownId = body.string();
        long after = body.u64();
        body.end();
        if (!p.roles().contains(Role.SECONDARY)) {
          refuse(0, "peer " + p.name() + " may not receive changes");
          connection.closeAfterFlush();
          return;
        }
        if (stream != null) {
          throw new ProtocolException("SUBSCRIBE sent twice");
        }
        subscribe(p, store, knownId, after);
      }
      case Protocol.ACK -> {
        long version = body.u64();
        body.end();
        if (stream == null) {
          throw new ProtocolException("ACK before SUBSCRIBE");
        }
        primary.acknowledged(p.name(), version);
      }
      case Protocol.COMMIT, Protocol.LIST_ZONES, Protocol.GET_ZONE, Protocol.RELOAD, Protocol.STATS -> {
        long requestId = body.u32();
        if (!p.roles().contains(Role.CONTROL)) {
          refuse(requestId, "peer " + p.name() + " may not change or read zones");
        } else if (stream != null) {
          throw new ProtocolException("control request on a subscribed connection");
        } else {
          control(frame.type(), requestId, body, store);
        }
      }
      default -> throw new ProtocolException("unexpected message type " + frame.type());
    }
  }

  private void warn(String reason, String format, Object... args) {
    WARNINGS.warn(connection.remote().getAddress(), reason, format, args);
  }

  private void refuse(long requestId, String why) {
    warn("forbidden", "refused request of sync peer {} at {}: {}", peerName(), channel.remote(), why);
    channel.sendError(requestId, SyncException.Reason.FORBIDDEN, why);
  }

  private void subscribe(Peer p, RecordStore store, String knownId, long after) {
    ChangeStream s = new ChangeStream(p.name(), channel, store, primary.primaryId(), primary.maxQueuedChanges(), primary.changeFrames(), primary::snapshotSent);
    stream = s;
    primary.subscribed(this);
    if (knownId.equals(primary.primaryId())) {
      primary.acknowledged(p.name(), after);
    }
    s.start(knownId, after);
  }

  private void control(int type, long requestId, WireReader body, RecordStore store) throws IOException {
    switch (type) {
      case Protocol.COMMIT -> {
        long waitMillis = body.u32();
        ChangeSet changes = Codec.ops(body, "control peer " + peerName() + " from " + ServerConfig.hostPort(connection.remote()));
        body.end();
        CommitResult result;
        try {
          Change change = store.commit(changes);
          result =
              waitMillis == 0
                  ? new CommitResult(change.version(), List.of(), List.of())
                  : primary.awaitApplied(change.version(), Duration.ofMillis(waitMillis));
        } catch (InvalidZoneException | IllegalArgumentException e) {
          channel.sendError(requestId, SyncException.Reason.INVALID_CHANGE, String.valueOf(e.getMessage()));
          return;
        } catch (StoreException e) {
          log.error("commit from control peer {} failed", peerName(), e);
          channel.sendError(requestId, SyncException.Reason.STORE_FAILED, String.valueOf(e.getMessage()));
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for secondaries");
        }
        WireWriter w = new WireWriter().u32(requestId).u64(result.version());
        names(w, result.applied());
        names(w, result.notApplied());
        channel.send(Protocol.COMMITTED, w);
      }
      case Protocol.LIST_ZONES -> {
        body.end();
        ZoneTable table = store.zones();
        List<Zone> zones = table.zones();
        WireWriter w = new WireWriter().u32(requestId).u64(table.version()).u32(zones.size());
        for (Zone z : zones) {
          w.name(z.origin()).u32(z.serial()).u32(z.recordCount());
        }
        channel.send(Protocol.ZONES, w);
      }
      case Protocol.GET_ZONE -> {
        var origin = body.name();
        body.end();
        Zone zone = store.zones().get(origin);
        WireWriter w = new WireWriter().u32(requestId);
        if (zone == null) {
          w.u8(0);
        } else {
          w.u8(1).records(zone.records());
        }
        channel.send(Protocol.ZONE, w);
      }
      case Protocol.RELOAD -> {
        body.end();
        reload(requestId);
      }
      case Protocol.STATS -> {
        body.end();
        List<ServerStatistics.Metric> metrics = primary.metrics();
        WireWriter w = new WireWriter().u32(requestId).u32(metrics.size());
        metrics.forEach(m -> Codec.metric(w, m));
        channel.send(Protocol.STATISTICS, w);
      }
      default -> throw new IllegalStateException("not a control request: " + type);
    }
  }

  private void reload(long requestId) throws IOException {
    ReloadHandler handler = primary.reloadHandler();
    if (handler == null) {
      channel.sendError(requestId, SyncException.Reason.RELOAD_FAILED, "this primary has no reload");
      return;
    }
    log.info("reload requested by control peer {} at {}", peerName(), channel.remote());
    String summary;
    try {
      summary = handler.reload();
    } catch (Exception e) {
      String why = e.getMessage() != null ? e.getMessage() : e.toString();
      log.warn("reload requested by control peer {} failed: {}", peerName(), why);
      channel.sendError(requestId, SyncException.Reason.RELOAD_FAILED, fit(why));
      return;
    }
    channel.send(Protocol.RELOADED, new WireWriter().u32(requestId).string(fit(summary)));
  }

  /** A message as a protocol string holds it: a report longer than that is cut, not refused. */
  private static String fit(String message) {
    int max = 16_000; // characters: at most 48,000 UTF-8 bytes, below the 65,535 a string holds
    return message.length() <= max ? message : message.substring(0, max) + "...";
  }

  private static void names(WireWriter w, List<String> names) {
    w.u16(names.size());
    names.forEach(w::string);
  }

  /** Ends the connection; safe from any thread, more than once. */
  void close() {
    channel.close();
  }

  /** The loop closed the connection (for whatever reason): its stream and pings end too. */
  void ended() {
    ScheduledFuture<?> f = pings;
    if (f != null) {
      f.cancel(false);
    }
    ChangeStream s = stream;
    if (s != null) {
      s.close();
    }
    if (peer != null) {
      log.debug("sync connection with {} at {} closed", peerName(), channel.remote());
    }
    primary.ended(this);
  }
}
