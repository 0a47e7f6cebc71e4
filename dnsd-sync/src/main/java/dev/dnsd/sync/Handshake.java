package dev.dnsd.sync;

import dev.dnsd.internal.RateLimitedLog;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual challenge-response (PROTOCOL.md, "Handshake"): each side sends a fresh nonce, the client
 * proves the secret over both nonces, then the primary proves it too, with a different label, so a
 * recorded handshake is worthless against a new nonce and neither proof can stand in for the
 * other.
 */
final class Handshake {
  private static final Logger log = LoggerFactory.getLogger(Handshake.class);
  private static final RateLimitedLog WARNINGS = new RateLimitedLog(log);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String CLIENT_LABEL = "dnsd-sync client proof";
  private static final String SERVER_LABEL = "dnsd-sync primary proof";

  private Handshake() {}

  /** What the primary told an authenticated client. */
  record Welcome(Set<Role> roles, long keepaliveMillis, String primaryId, long primaryVersion) {}

  /** The client side; returns once both sides are proven, or throws. */
  static Welcome client(FrameChannel channel, String name, byte[] secret) throws IOException {
    byte[] clientNonce = nonce();
    channel.send(
        Protocol.HELLO,
        new WireWriter()
            .raw(Protocol.MAGIC)
            .u8(Protocol.MIN_VERSION)
            .u8(Protocol.MAX_VERSION)
            .string(name)
            .raw(clientNonce));
    FrameChannel.Frame challenge = expect(channel, Protocol.CHALLENGE);
    int version = challenge.body().u8();
    byte[] serverNonce = challenge.body().raw(Protocol.NONCE_BYTES);
    challenge.body().end();
    if (version < Protocol.MIN_VERSION || version > Protocol.MAX_VERSION) {
      throw new SyncException(SyncException.Reason.UNSUPPORTED_VERSION, "primary chose protocol version " + version);
    }
    channel.send(
        Protocol.PROOF,
        new WireWriter().raw(mac(secret, CLIENT_LABEL, version, name, clientNonce, serverNonce)));
    FrameChannel.Frame welcome = expect(channel, Protocol.WELCOME);
    WireReader body = welcome.body();
    byte[] proof = body.raw(32);
    byte[] expected = mac(secret, SERVER_LABEL, version, name, clientNonce, serverNonce);
    if (!MessageDigest.isEqual(proof, expected)) {
      throw new SyncException(
          SyncException.Reason.AUTH_FAILED, "the primary did not prove that it knows the secret of " + name);
    }
    int roleBits = body.u8();
    long keepalive = body.u32();
    String primaryId = body.string();
    long primaryVersion = body.u64();
    body.end();
    if (keepalive < 1) {
      throw new ProtocolException("keepalive interval must be positive");
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (Role r : Role.values()) {
      if ((roleBits & r.bit) != 0) {
        roles.add(r);
      }
    }
    return new Welcome(roles, keepalive, primaryId, primaryVersion);
  }

  /**
   * The primary's half of one handshake, step by step as its frames arrive: {@link #hello} answers
   * HELLO with CHALLENGE, {@link #proof} checks PROOF and answers WELCOME. Every refusal sends
   * ERROR and is logged, rate-limited per source, without the secret.
   */
  static final class Serving {
    private final FrameSink channel;
    private final Map<String, Peer> peers;
    private final NonceCache seen;
    private @Nullable String name;
    private byte @Nullable [] clientNonce;
    private byte @Nullable [] serverNonce;
    private int version;
    private boolean replayed;

    Serving(FrameSink channel, Map<String, Peer> peers, NonceCache seen) {
      this.channel = channel;
      this.peers = peers;
      this.seen = seen;
    }

    /** HELLO: false when the client was refused. */
    boolean hello(FrameChannel.Frame hello) throws ProtocolException {
      if (hello.type() != Protocol.HELLO) {
        return refuse(SyncException.Reason.BAD_MESSAGE, "expected HELLO", "no HELLO");
      }
      WireReader body = hello.body();
      byte[] magic = body.raw(Protocol.MAGIC.length);
      if (!MessageDigest.isEqual(magic, Protocol.MAGIC)) {
        return refuse(SyncException.Reason.BAD_MESSAGE, "not a dnsd sync client", "wrong magic");
      }
      int min = body.u8();
      int max = body.u8();
      String peerName = body.string();
      byte[] nonce = body.raw(Protocol.NONCE_BYTES);
      body.end();
      name = peerName;
      version = Math.min(max, Protocol.MAX_VERSION);
      if (version < Math.max(min, Protocol.MIN_VERSION)) {
        return refuse(
            SyncException.Reason.UNSUPPORTED_VERSION,
            "this primary speaks protocol versions " + Protocol.MIN_VERSION + ".." + Protocol.MAX_VERSION,
            "client speaks only versions " + min + ".." + max);
      }
      clientNonce = nonce;
      replayed = !seen.add(nonce);
      serverNonce = nonce();
      try {
        channel.send(Protocol.CHALLENGE, new WireWriter().u8(version).raw(serverNonce));
      } catch (IOException e) {
        return false;
      }
      return true;
    }

    /** PROOF: the authenticated peer (WELCOME sent), or null when refused. */
    @Nullable Peer proof(FrameChannel.Frame frame, Welcome welcome) throws ProtocolException {
      if (frame.type() != Protocol.PROOF || clientNonce == null || serverNonce == null || name == null) {
        throw new ProtocolException("expected PROOF, got message type " + frame.type());
      }
      byte[] proof = frame.body().raw(32);
      frame.body().end();
      // The same answer for every failure, so a client learns nothing about which names exist.
      String denied = "authentication failed";
      if (replayed) {
        refuse(SyncException.Reason.AUTH_FAILED, denied, "replayed handshake (client nonce seen before)");
        return null;
      }
      Peer peer = peers.get(name);
      if (peer == null) {
        refuse(SyncException.Reason.AUTH_FAILED, denied, "unknown peer");
        return null;
      }
      if (!MessageDigest.isEqual(proof, mac(peer.secret(), CLIENT_LABEL, version, name, clientNonce, serverNonce))) {
        refuse(SyncException.Reason.AUTH_FAILED, denied, "wrong secret");
        return null;
      }
      try {
        channel.send(
            Protocol.WELCOME,
            new WireWriter()
                .raw(mac(peer.secret(), SERVER_LABEL, version, name, clientNonce, serverNonce))
                .u8(peer.roleBits())
                .u32(welcome.keepaliveMillis())
                .string(welcome.primaryId())
                .u64(welcome.primaryVersion()));
      } catch (IOException e) {
        return null;
      }
      return peer;
    }

    private boolean refuse(SyncException.Reason reason, String toClient, String why) {
      java.net.SocketAddress remote = channel.remote();
      String who = name == null ? "?" : printable(name);
      if (remote instanceof java.net.InetSocketAddress inet) {
        WARNINGS.warn(inet.getAddress(), why, "refused sync peer '{}' from {}: {}", who, remote, why);
      } else {
        log.warn("refused sync peer '{}' from {}: {}", who, remote, why);
      }
      channel.sendError(0, reason, toClient);
      return false;
    }
  }

  private static FrameChannel.Frame expect(FrameChannel channel, int type) throws IOException {
    FrameChannel.Frame frame = channel.receive();
    if (frame.type() == Protocol.ERROR) {
      throw FrameChannel.error(frame.body());
    }
    if (frame.type() != type) {
      throw new ProtocolException("expected message type " + type + ", got " + frame.type());
    }
    return frame;
  }

  static byte[] mac(byte[] secret, String label, int version, String name, byte[] clientNonce, byte[] serverNonce) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      WireWriter input =
          new WireWriter().string(label).u8(version).string(name).raw(clientNonce).raw(serverNonce);
      return mac.doFinal(input.toByteArray());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  private static byte[] nonce() {
    byte[] n = new byte[Protocol.NONCE_BYTES];
    RANDOM.nextBytes(n);
    return n;
  }

  /** A name from the network, safe to log. */
  static String printable(String name) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < name.length() && i < 64; i++) {
      char c = name.charAt(i);
      b.append(c >= 0x20 && c < 0x7F ? c : '?');
    }
    return b.toString();
  }
}
