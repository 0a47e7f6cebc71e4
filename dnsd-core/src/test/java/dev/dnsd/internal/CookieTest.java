package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.CLIENT;
import static dev.dnsd.internal.Fixture.NO_REPLIER;
import static dev.dnsd.internal.Fixture.query;
import static dev.dnsd.internal.Fixture.table;
import static dev.dnsd.internal.Fixture.withEdns;
import static dev.dnsd.internal.Fixture.zone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.RateLimit;
import dev.dnsd.zone.ZoneTable;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** DNS cookies (RFC 7873, RFC 9018) in the responder's answers, cached or not, UDP and TCP. */
class CookieTest {
  private static final byte[] CLIENT_COOKIE = HexFormat.of().parseHex("2464c4abcf10c957");
  private static final ZoneTable ZONES = table(zone("example.", "www A 192.0.2.10"));
  private static final ServerConfig CONFIG =
      ServerConfig.defaults()
          .withCookieSecret(HexFormat.of().parseHex("e5e973e5a6b2a43f48e7dc849e37bfcf"))
          .withClock(Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC));

  private static Message cookieQuery(String name, byte[] client, byte @Nullable [] server) {
    EDNSOption cookie = server == null ? new CookieOption(client) : new CookieOption(client, server);
    return withEdns(query(name, Type.A), 1232, 0, 0, cookie);
  }

  private static @Nullable CookieOption cookieOf(Message answer) {
    OPTRecord opt = answer.getOPT();
    if (opt == null) {
      return null;
    }
    List<EDNSOption> cookies = opt.getOptions(EDNSOption.Code.COOKIE);
    return cookies.isEmpty() ? null : (CookieOption) cookies.get(0);
  }

  @Test
  @DisplayName("a client cookie is answered with it and a 16-byte server cookie, from the full path and the cache")
  void clientCookieGetsAServerCookie() {
    Responder responder = new Responder(() -> ZONES, CONFIG);
    for (int pass = 0; pass < 2; pass++) { // the second from the cache
      Message answer = Fixture.udp(responder, cookieQuery("www.example.", CLIENT_COOKIE, null));
      assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(Fixture.answer(answer)).hasSize(1);
      CookieOption cookie = cookieOf(answer);
      assertThat(cookie).as("pass %d", pass).isNotNull();
      assertThat(cookie.getClientCookie()).isEqualTo(CLIENT_COOKIE);
      assertThat(cookie.getServerCookie()).get().satisfies(s -> {
        assertThat(s).hasSize(16);
        assertThat(s[0]).as("version").isEqualTo((byte) 1);
      });
    }
  }

  @Test
  @DisplayName("a valid server cookie comes back as it was sent; over TCP too")
  void validCookieIsReused() {
    Responder responder = new Responder(() -> ZONES, CONFIG);
    byte[] server = cookieOf(Fixture.udp(responder, cookieQuery("www.example.", CLIENT_COOKIE, null)))
        .getServerCookie().orElseThrow();
    for (boolean tcp : new boolean[] {false, true}) {
      Message again = Fixture.ask(responder, cookieQuery("www.example.", CLIENT_COOKIE, server), tcp);
      assertThat(cookieOf(again).getServerCookie()).as("tcp %s", tcp).get().isEqualTo(server);
    }
  }

  @Test
  @DisplayName("a server cookie of another server is answered normally, with one of ours")
  void foreignCookieIsReplaced() {
    Responder responder = new Responder(() -> ZONES, CONFIG);
    byte[] foreign = HexFormat.of().parseHex("0102030405060708");
    Message answer = Fixture.udp(responder, cookieQuery("www.example.", CLIENT_COOKIE, foreign));
    assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(cookieOf(answer).getServerCookie()).get().satisfies(s -> assertThat(s).hasSize(16));
  }

  @Test
  @DisplayName("refused names and queries without a cookie: a cookie only where one was sent")
  void refusedAndNone() {
    Responder responder = new Responder(() -> ZONES, CONFIG);
    for (int pass = 0; pass < 2; pass++) {
      Message refused = Fixture.udp(responder, cookieQuery("elsewhere.", CLIENT_COOKIE, null));
      assertThat(refused.getRcode()).isEqualTo(Rcode.REFUSED);
      assertThat(cookieOf(refused)).isNotNull();
      Message plain = Fixture.udp(responder, withEdns(query("www.example.", Type.A), 1232, 0, 0));
      assertThat(cookieOf(plain)).isNull();
    }
  }

  @Test
  @DisplayName("with cookies turned off, answers carry none")
  void off() {
    Responder responder = new Responder(() -> ZONES, CONFIG.withCookies(false));
    assertThat(cookieOf(Fixture.udp(responder, cookieQuery("www.example.", CLIENT_COOKIE, null)))).isNull();
  }

  @Test
  @DisplayName("a valid cookie is exempt from rate limiting; a limited client that sent a cookie gets BADCOOKIE")
  void cookiesAndRateLimiting() {
    Responder responder =
        new Responder(() -> ZONES, CONFIG.withRateLimit(RateLimit.builder().responsesPerSecond(1).slip(1).build()));
    byte[] server = cookieOf(Fixture.udp(responder, cookieQuery("www.example.", CLIENT_COOKIE, null)))
        .getServerCookie().orElseThrow();
    // The account is spent: a client cookie alone is answered BADCOOKIE with a fresh cookie.
    Message limited = Fixture.udp(responder, cookieQuery("www.example.", CLIENT_COOKIE, null));
    assertThat(limited.getRcode()).isEqualTo(Rcode.BADCOOKIE);
    assertThat(limited.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(cookieOf(limited).getServerCookie()).get().isEqualTo(server);
    // With the server cookie the client is answered, however often it asks.
    for (int i = 0; i < 5; i++) {
      Message answer = Fixture.udp(responder, cookieQuery("www.example.", CLIENT_COOKIE, server));
      assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(Fixture.answer(answer)).hasSize(1);
    }
    // Without a cookie, a limited answer slips as an empty TC answer.
    Message plain = Fixture.udp(responder, withEdns(query("www.example.", Type.A), 1232, 0, 0));
    assertThat(plain.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(Fixture.answer(plain)).isEmpty();
    assertThat(cookieOf(plain)).isNull();
  }

  @Test
  @DisplayName("an answer that only just fits leaves room for the cookie, cut with TC if need be")
  void roomForTheCookie() {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      big.append("big TXT \"").append("x".repeat(20)).append(i).append("\"\n");
    }
    ZoneTable zones = table(zone("example.", big.toString()));
    Responder responder = new Responder(() -> zones, CONFIG);
    Message q = withEdns(query("big.example.", Type.TXT), 600, 0, 0, new CookieOption(CLIENT_COOKIE));
    byte[] wire = q.toWire();
    for (int pass = 0; pass < 2; pass++) {
      byte[] answer = responder.respond(wire, wire.length, CLIENT, false, NO_REPLIER);
      assertThat(answer.length).isLessThanOrEqualTo(600);
      assertThat(cookieOf(Fixture.parse(answer))).isNotNull();
    }
  }
}
