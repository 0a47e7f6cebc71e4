package dev.dnsd.xfr;

import static dev.dnsd.xfr.Fixtures.KEY;
import static dev.dnsd.xfr.Fixtures.ORIGIN;
import static dev.dnsd.xfr.Fixtures.OTHER_SECRET;
import static dev.dnsd.xfr.Fixtures.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.TestRequests;
import dev.dnsd.DnsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/** RFC 8945: every request with a TSIG record is checked, and each failure answered as §5.3.2 says. */
class TsigTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private final Clock serverClock = Clock.fixed(NOW, ZoneOffset.UTC);
  private ZoneTransfers xfr;
  private DnsServer server;

  @BeforeEach
  void start() throws Exception {
    xfr = ZoneTransfers.builder().tsigKey(KEY).allowTransferKey("example.com", "xfr-key").clock(serverClock).build();
    server = DnsServer.builder().zone(Fixtures.zone()).extension(xfr).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Fixtures.Capture axfr(TSIG clientKey) {
    Message q = Fixtures.query(ORIGIN, Type.AXFR);
    if (clientKey != null) {
      q.setTSIG(clientKey);
    }
    Fixtures.Capture out = new Fixtures.Capture();
    assertThat(xfr.handle(Fixtures.request(q, true), out)).isTrue();
    return out;
  }

  @Test
  void verifiedRequestGetsAnAnswerSignedForTheClient() throws Exception {
    TSIG client = Fixtures.clientKey("xfr-key", SECRET, serverClock);
    Message q = Fixtures.query(ORIGIN, Type.AXFR);
    q.setTSIG(client);
    var request = Fixtures.request(q, true);
    Fixtures.Capture out = new Fixtures.Capture();
    xfr.handle(request, out);

    Message answer = out.only();
    assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(client.verify(answer, out.sent.get(0), request.message().getTSIG())).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void unknownKeyIsBadkeyAndTheAnswerIsUnsigned() throws Exception {
    Message answer = axfr(Fixtures.clientKey("who-is-this", SECRET, serverClock)).only();

    assertThat(answer.getRcode()).isEqualTo(Rcode.NOTAUTH);
    TSIGRecord tsig = answer.getTSIG();
    assertThat(tsig.getError()).isEqualTo(Rcode.BADKEY);
    assertThat(tsig.getSignature()).isEmpty();
    assertThat(answer.getSection(1)).isEmpty();
  }

  @Test
  void knownKeyNameWithAnotherAlgorithmIsBadkey() throws Exception {
    TSIG sha1 = Tsig.dnsjavaKey(TsigKey.of("xfr-key", "hmac-sha1", SECRET), serverClock);
    Message answer = axfr(sha1).only();

    assertThat(answer.getRcode()).isEqualTo(Rcode.NOTAUTH);
    assertThat(answer.getTSIG().getError()).isEqualTo(Rcode.BADKEY);
  }

  @Test
  void wrongSecretIsBadsigAndTheAnswerIsUnsigned() throws Exception {
    Message answer = axfr(Fixtures.clientKey("xfr-key", OTHER_SECRET, serverClock)).only();

    assertThat(answer.getRcode()).isEqualTo(Rcode.NOTAUTH);
    assertThat(answer.getTSIG().getError()).isEqualTo(Rcode.BADSIG);
    assertThat(answer.getTSIG().getSignature()).isEmpty();
    assertThat(answer.getSection(1)).isEmpty();
  }

  @Test
  void tamperedMessageIsBadsig() throws Exception {
    Message q = Fixtures.query(ORIGIN, Type.AXFR);
    q.setTSIG(Fixtures.clientKey("xfr-key", SECRET, serverClock));
    byte[] wire = q.toWire(65535);
    wire[2] ^= 1; // RD: the header is covered by the MAC
    Fixtures.Capture out = new Fixtures.Capture();
    xfr.handle(TestRequests.of(wire, Fixtures.LOOPBACK, true), out);

    assertThat(out.only().getTSIG().getError()).isEqualTo(Rcode.BADSIG);
  }

  @Test
  void timeOutsideTheFudgeIsBadtimeSignedWithTheServersTime() throws Exception {
    Clock late = Clock.fixed(NOW.minus(Duration.ofMinutes(10)), ZoneOffset.UTC);
    TSIG client = Fixtures.clientKey("xfr-key", SECRET, late);
    Message q = Fixtures.query(ORIGIN, Type.AXFR);
    q.setTSIG(client);
    var request = Fixtures.request(q, true);
    Fixtures.Capture out = new Fixtures.Capture();
    xfr.handle(request, out);

    Message answer = out.only();
    assertThat(answer.getRcode()).isEqualTo(Rcode.NOTAUTH);
    TSIGRecord tsig = answer.getTSIG();
    assertThat(tsig.getError()).isEqualTo(Rcode.BADTIME);
    assertThat(tsig.getTimeSigned()).isEqualTo(request.message().getTSIG().getTimeSigned());
    byte[] other = tsig.getOther();
    long serverTime = ((long) (other[0] & 0xFF) << 40) | ((long) (other[1] & 0xFF) << 32)
        | ((long) (other[2] & 0xFF) << 24) | ((other[3] & 0xFF) << 16) | ((other[4] & 0xFF) << 8) | (other[5] & 0xFF);
    assertThat(serverTime).isEqualTo(NOW.getEpochSecond());
    // Signed, Other Data included, so that the client can trust the server's time (§5.2.3).
    assertThat(client.verify(answer, out.sent.get(0), request.message().getTSIG())).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void timeJustInsideTheFudgeIsAccepted() throws Exception {
    Clock early = Clock.fixed(NOW.plus(Duration.ofSeconds(299)), ZoneOffset.UTC);
    Message answer = axfr(Fixtures.clientKey("xfr-key", SECRET, early)).messages().get(0);

    assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void keysAreCheckedWhenMade(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> TsigKey.of("k", "hmac-sha999", SECRET))
        .hasMessageContaining("unknown TSIG algorithm 'hmac-sha999'");
    assertThatThrownBy(() -> TsigKey.of("k", "hmac-sha256", "not base64 !"))
        .hasMessageContaining("not base64");
    assertThatThrownBy(() -> TsigKey.of("k", "hmac-sha256", "")).hasMessageContaining("empty");
    Path file = dir.resolve("k.secret");
    Files.writeString(file, SECRET + "\n");
    TsigKey fromFile = TsigKey.fromFile("k", "HMAC-SHA256", file);
    assertThat(fromFile.algorithm()).isEqualTo(TSIG.HMAC_SHA256);
    assertThat(fromFile.toString()).doesNotContain(SECRET);
    Files.writeString(file, "%%%");
    assertThatThrownBy(() -> TsigKey.fromFile("k", "hmac-sha256", file)).hasMessageContaining(file.toString());
  }
}
