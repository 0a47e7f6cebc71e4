package dev.dnsd.sync;

import static dev.dnsd.sync.Zones.createZone;
import static dev.dnsd.sync.Zones.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.Await;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuthenticationTest {
  private final Cluster cluster = new Cluster();

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void aWrongSecretIsRefused() throws Exception {
    Cluster.Primary primary = cluster.primary();
    byte[] wrong = "this-is-not-the-secret".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> ControlClient.connect(primary.syncAddress(), "admin", wrong))
        .isInstanceOfSatisfying(SyncException.class, e -> assertThat(e.reason()).isEqualTo(SyncException.Reason.AUTH_FAILED));
  }

  @Test
  void anUnknownPeerIsRefusedWithTheSameAnswerAsAWrongSecret() throws Exception {
    Cluster.Primary primary = cluster.primary();
    assertThatThrownBy(() -> ControlClient.connect(primary.syncAddress(), "mallory", Zones.CONTROL_SECRET))
        .isInstanceOfSatisfying(
            SyncException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(SyncException.Reason.AUTH_FAILED);
              assertThat(e.getMessage()).isEqualTo("authentication failed");
            });
  }

  @Test
  void aSecondaryWithAWrongSecretNeverReceivesZones() throws Exception {
    Cluster.Primary primary = cluster.primary();
    primary.server().commit(createZone("example.com"));
    TcpProxy watch = cluster.proxy(primary.syncAddress());
    SyncSecondary watched =
        SyncSecondary.builder()
            .primary(watch.address())
            .name("ns2")
            .secret("definitely-the-wrong-one".getBytes(StandardCharsets.US_ASCII))
            .reconnectBackoff(java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(20))
            .build();
    try (var server = dev.dnsd.DnsServer.builder().extension(watched).build().start()) {
      Await.until("several refused attempts", Cluster.LONG, () -> watch.clientBytes().size() >= 3);
      assertThat(server.zones().isEmpty()).isTrue();
      assertThat(watched.isConnected()).isFalse();
      assertThat(primary.sync().connectedSecondaries()).isEmpty();
    }
  }

  @Test
  void aReplayedHandshakeIsRefused() throws Exception {
    Cluster.Primary primary = cluster.primary();
    TcpProxy recorder = cluster.proxy(primary.syncAddress());
    try (ControlClient control = ControlClient.connect(recorder.address(), "admin", Zones.CONTROL_SECRET)) {
      assertThat(control.listZones()).isEmpty();
    }
    byte[] captured;
    ByteArrayOutputStream record = recorder.clientBytes().get(0);
    synchronized (record) {
      captured = record.toByteArray();
    }
    // HELLO and PROOF, exactly as the real client sent them.
    List<Integer> replies = replay(primary.syncAddress(), handshakeFrames(captured));
    assertThat(replies).containsExactly(Protocol.CHALLENGE, Protocol.ERROR);
  }

  @Test
  void theClientRefusesAPrimaryThatCannotProveTheSecret() throws Exception {
    try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread impostor =
          new Thread(
              () -> {
                try (Socket s = fake.accept()) {
                  FrameChannel c = new FrameChannel(s);
                  c.receive();
                  c.send(Protocol.CHALLENGE, new WireWriter().u8(1).raw(new byte[32]));
                  c.receive();
                  c.send(
                      Protocol.WELCOME,
                      new WireWriter().raw(new byte[32]).u8(3).u32(1000).string("x").u64(0));
                  c.receive();
                } catch (IOException e) {
                  // the client hung up, as it should
                }
              });
      impostor.start();
      assertThatThrownBy(
              () ->
                  ControlClient.connect(
                      new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), fake.getLocalPort()),
                      "admin",
                      Zones.CONTROL_SECRET))
          .isInstanceOfSatisfying(
              SyncException.class,
              e -> assertThat(e.getMessage()).contains("did not prove"));
      impostor.join(5000);
    }
  }

  @Test
  void aSecondaryOnlyPeerCannotChangeData() throws Exception {
    Cluster.Primary primary = cluster.primary();
    assertThatThrownBy(() -> ControlClient.connect(primary.syncAddress(), "ns2", Zones.SECRET))
        .isInstanceOfSatisfying(SyncException.class, e -> assertThat(e.reason()).isEqualTo(SyncException.Reason.FORBIDDEN));
    // The primary enforces it too, whatever the client does.
    try (Socket socket = new Socket(primary.syncAddress().getAddress(), primary.syncAddress().getPort())) {
      FrameChannel c = new FrameChannel(socket);
      Handshake.client(c, "ns2", Zones.SECRET);
      WireWriter commit = new WireWriter().u32(7).u32(0);
      Codec.ops(commit, createZone("example.com"));
      c.send(Protocol.COMMIT, commit);
      FrameChannel.Frame reply = c.receive();
      while (reply.type() == Protocol.PING) {
        reply = c.receive();
      }
      assertThat(reply.type()).isEqualTo(Protocol.ERROR);
      assertThat(FrameChannel.error(reply.body()).reason()).isEqualTo(SyncException.Reason.FORBIDDEN);
    }
    assertThat(primary.server().zones().get(name("example.com"))).isNull();
  }

  @Test
  void aControlOnlyPeerCannotSubscribe() throws Exception {
    Cluster.Primary primary = cluster.primary();
    try (Socket socket = new Socket(primary.syncAddress().getAddress(), primary.syncAddress().getPort())) {
      FrameChannel c = new FrameChannel(socket);
      Handshake.client(c, "admin", Zones.CONTROL_SECRET);
      c.send(Protocol.SUBSCRIBE, new WireWriter().string("").u64(0));
      FrameChannel.Frame reply = c.receive();
      while (reply.type() == Protocol.PING) {
        reply = c.receive();
      }
      assertThat(FrameChannel.error(reply.body()).reason()).isEqualTo(SyncException.Reason.FORBIDDEN);
    }
  }

  @Test
  void garbageOnTheSyncPortClosesThatConnectionOnly() throws Exception {
    Cluster.Primary primary = cluster.primary();
    try (Socket socket = new Socket(primary.syncAddress().getAddress(), primary.syncAddress().getPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(new byte[] {0x7F, 0, 0, 0, 1, 2, 3, 4, 5});
      DataInputStream in = new DataInputStream(socket.getInputStream());
      assertThatThrownBy(() -> {
            while (true) {
              in.readByte();
            }
          })
          .isInstanceOf(EOFException.class);
    }
    try (ControlClient control = ControlClient.connect(primary.syncAddress(), "admin", Zones.CONTROL_SECRET)) {
      assertThat(control.listZones()).isEmpty();
    }
  }

  /** Splits a client's recorded bytes into its first two frames (HELLO, PROOF). */
  private static List<byte[]> handshakeFrames(byte[] bytes) {
    List<byte[]> frames = new ArrayList<>();
    int pos = 0;
    while (frames.size() < 2) {
      int len = ((bytes[pos] & 0xFF) << 24) | ((bytes[pos + 1] & 0xFF) << 16) | ((bytes[pos + 2] & 0xFF) << 8) | (bytes[pos + 3] & 0xFF);
      frames.add(java.util.Arrays.copyOfRange(bytes, pos, pos + 4 + len));
      pos += 4 + len;
    }
    assertThat(frames.get(0)[4]).isEqualTo((byte) Protocol.HELLO);
    assertThat(frames.get(1)[4]).isEqualTo((byte) Protocol.PROOF);
    return frames;
  }

  /** Sends the frames one at a time, each after a reply; returns the reply types until the close. */
  private static List<Integer> replay(java.net.InetSocketAddress primary, List<byte[]> frames) throws IOException {
    List<Integer> types = new ArrayList<>();
    try (Socket socket = new Socket(primary.getAddress(), primary.getPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      for (byte[] frame : frames) {
        out.write(frame);
        out.flush();
        int len = in.readInt();
        types.add(in.readUnsignedByte());
        in.readFully(new byte[len - 1]);
      }
      try {
        while (true) {
          int len = in.readInt();
          types.add(in.readUnsignedByte());
          in.readFully(new byte[len - 1]);
        }
      } catch (EOFException | java.net.SocketException e) {
        // closed by the primary
      }
    }
    return types;
  }
}
