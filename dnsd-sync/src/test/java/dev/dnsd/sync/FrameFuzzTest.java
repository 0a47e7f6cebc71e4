package dev.dnsd.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a sync peer can send before and after it authenticates: the handshake's frames, and the
 * bodies of CHANGE and COMMIT. Anything malformed is a {@link ProtocolException}; nothing else
 * escapes, and a handshake never lets a peer in without the secret.
 */
class FrameFuzzTest {
  private static final byte[] SECRET = "ns2-secret-0123456789".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, Peer> PEERS = Map.of("ns2", new Peer("ns2", SECRET, Set.of(Role.SECONDARY)));

  /** Keeps what the primary sends. */
  private static final class Sink implements FrameSink {
    final List<Integer> types = new ArrayList<>();

    @Override
    public void send(int type, WireWriter body, boolean flush) {
      types.add(type);
    }

    @Override
    public void flush() {}

    @Override
    public boolean isClosed() {
      return false;
    }

    @Override
    public void close() {}

    @Override
    public SocketAddress remote() {
      return new InetSocketAddress("192.0.2.1", 5300);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void handshake(FuzzedDataProvider data) {
    Sink sink = new Sink();
    Handshake.Serving serving = new Handshake.Serving(sink, PEERS, new NonceCache(16));
    try {
      byte[] hello = data.consumeBytes(data.consumeInt(0, 300));
      int helloType = data.consumeInt(0, 255);
      if (!serving.hello(new FrameChannel.Frame(helloType, new WireReader(hello)))) {
        return;
      }
      int proofType = data.consumeInt(0, 255);
      Peer peer =
          serving.proof(
              new FrameChannel.Frame(proofType, new WireReader(data.consumeRemainingAsBytes())),
              new Handshake.Welcome(Set.of(), 10_000, "id", 1));
      assertThat(peer).as("a proof made without the secret").isNull();
    } catch (ProtocolException e) {
      // A malformed frame: the connection ends with an ERROR.
    }
  }

  @FuzzTest(maxDuration = "60s")
  void bodies(FuzzedDataProvider data) {
    boolean change = data.consumeBoolean();
    byte[] body = data.consumeRemainingAsBytes();
    try {
      if (change) {
        Codec.change(new WireReader(body));
      } else {
        Codec.ops(new WireReader(body), "fuzz");
      }
    } catch (ProtocolException e) {
      // Malformed: refused.
    }
  }
}
