package dev.dnsd.sync;

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
   * The primary side. Returns the authenticated peer, or null after refusing the client (an
   * ERROR was sent and the refusal logged, without the secret).
   */
  static @Nullable Peer serve(
      FrameChannel channel, Map<String, Peer> peers, NonceCache seen, Welcome welcome) throws IOException {
    FrameChannel.Frame hello = channel.receive();
    if (hello.type() != Protocol.HELLO) {
      return refuse(channel, SyncException.Reason.BAD_MESSAGE, "expected HELLO", "no HELLO", "?");
    }
    WireReader body = hello.body();
    byte[] magic = body.raw(Protocol.MAGIC.length);
    if (!MessageDigest.isEqual(magic, Protocol.MAGIC)) {
      return refuse(channel, SyncException.Reason.BAD_MESSAGE, "not a dnsd sync client", "wrong magic", "?");
    }
    int min = body.u8();
    int max = body.u8();
    String name = body.string();
    byte[] clientNonce = body.raw(Protocol.NONCE_BYTES);
    body.end();
    int version = Math.min(max, Protocol.MAX_VERSION);
    if (version < Math.max(min, Protocol.MIN_VERSION)) {
      return refuse(
          channel,
          SyncException.Reason.UNSUPPORTED_VERSION,
          "this primary speaks protocol versions " + Protocol.MIN_VERSION + ".." + Protocol.MAX_VERSION,
          "client speaks only versions " + min + ".." + max,
          name);
    }
    boolean replayed = !seen.add(clientNonce);
    byte[] serverNonce = nonce();
    channel.send(Protocol.CHALLENGE, new WireWriter().u8(version).raw(serverNonce));
    FrameChannel.Frame proofFrame = expect(channel, Protocol.PROOF);
    byte[] proof = proofFrame.body().raw(32);
    proofFrame.body().end();
    // The same answer for every failure, so a client learns nothing about which names exist.
    String denied = "authentication failed";
    if (replayed) {
      return refuse(channel, SyncException.Reason.AUTH_FAILED, denied, "replayed handshake (client nonce seen before)", name);
    }
    Peer peer = peers.get(name);
    if (peer == null) {
      return refuse(channel, SyncException.Reason.AUTH_FAILED, denied, "unknown peer", name);
    }
    if (!MessageDigest.isEqual(proof, mac(peer.secret(), CLIENT_LABEL, version, name, clientNonce, serverNonce))) {
      return refuse(channel, SyncException.Reason.AUTH_FAILED, denied, "wrong secret", name);
    }
    channel.send(
        Protocol.WELCOME,
        new WireWriter()
            .raw(mac(peer.secret(), SERVER_LABEL, version, name, clientNonce, serverNonce))
            .u8(peer.roleBits())
            .u32(welcome.keepaliveMillis())
            .string(welcome.primaryId())
            .u64(welcome.primaryVersion()));
    return peer;
  }

  private static @Nullable Peer refuse(
      FrameChannel channel, SyncException.Reason reason, String toClient, String why, String name) {
    log.warn("refused sync peer '{}' from {}: {}", printable(name), channel.remote(), why);
    channel.sendError(0, reason, toClient);
    return null;
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
