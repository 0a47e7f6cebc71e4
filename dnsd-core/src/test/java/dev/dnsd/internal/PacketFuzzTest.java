package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.CLIENT;
import static dev.dnsd.internal.Fixture.NO_REPLIER;
import static dev.dnsd.internal.Fixture.table;
import static dev.dnsd.internal.Fixture.zone;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * The packet path from raw bytes: the wire reader, the responder and the answer cache. Whatever
 * arrives, the answer is dropped or well formed, never a failure of ours (SERVFAIL), never larger
 * than the server sends over UDP, and the same from the cache as from the full path.
 *
 * <p>In every build the seed corpus (in this class's {@code Inputs} resources) runs as a test;
 * {@code JAZZER_FUZZ=1} makes it explore new inputs for the duration given.
 */
class PacketFuzzTest {
  private static final ZoneTable ZONES =
      table(
          zone("example.",
              "www A 192.0.2.1",
              "www AAAA 2001:db8::1",
              "alias CNAME www",
              "loop CNAME loop",
              "*.wild TXT \"wild\"",
              "sub DNAME other.example.",
              "child NS ns.child",
              "ns.child A 192.0.2.53",
              "mail MX 10 www",
              "big TXT \"" + "x".repeat(200) + "\"",
              "big TXT \"" + "y".repeat(200) + "\"",
              "big TXT \"" + "z".repeat(200) + "\"",
              "srv SRV 0 0 53 www"),
          zone("other.example.", "x A 192.0.2.2"));

  private static final ServerConfig CONFIG =
      ServerConfig.defaults()
          .withNsid("ns1".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
          .withCookieSecret(new byte[16])
          .withClock(Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC));
  private static final Responder FULL = new Responder(() -> ZONES, CONFIG.withAnswerCacheBytes(0));
  private static final Responder CACHED = new Responder(() -> ZONES, CONFIG);

  @FuzzTest(maxDuration = "60s")
  void packet(FuzzedDataProvider data) throws IOException {
    boolean tcp = data.consumeBoolean();
    byte[] packet = data.consumeRemainingAsBytes();
    byte[] full = FULL.respond(packet, packet.length, CLIENT, tcp, NO_REPLIER);
    byte[] first = CACHED.respond(packet, packet.length, CLIENT, tcp, NO_REPLIER);
    byte[] again = CACHED.respond(packet, packet.length, CLIENT, tcp, NO_REPLIER);
    assertThat(first).isEqualTo(full);
    assertThat(again).as("from the cache").isEqualTo(full);
    if (full == null) {
      return;
    }
    assertThat(full.length).isLessThanOrEqualTo(tcp ? 65535 : CONFIG.maxUdpPayload());
    Message answer = new Message(full); // well formed, or this throws
    assertThat(answer.getHeader().getID()).isEqualTo(((packet[0] & 0xFF) << 8) | (packet[1] & 0xFF));
    assertThat(answer.getRcode()).as("a failure of ours").isNotEqualTo(Rcode.SERVFAIL);
  }
}
