package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.aa;
import static dev.dnsd.internal.Fixture.answer;
import static dev.dnsd.internal.Fixture.ask;
import static dev.dnsd.internal.Fixture.authority;
import static dev.dnsd.internal.Fixture.query;
import static dev.dnsd.internal.Fixture.table;
import static dev.dnsd.internal.Fixture.zone;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** ANY queries per RFC 8482: one RRset over UDP, all over TCP. */
class AnyQueryTest {
  private final Responder responder =
      new Responder(
          () ->
              table(
                  zone(
                      "example.",
                      "www TXT \"text\"",
                      "www AAAA 2001:db8:0:0:0:0:0:10",
                      "www A 192.0.2.10",
                      "www MX 10 www",
                      "a.b A 192.0.2.1",
                      "* TXT \"wild\"",
                      "* A 192.0.2.200")),
          ServerConfig.defaults());

  @Test
  @DisplayName("over UDP, ANY answers the one RRset with the lowest type code")
  void udpOneRRset() {
    Message m = ask(responder, query("www.example.", Type.ANY), false);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).containsExactly("www.example. 3600 IN A 192.0.2.10");
  }

  @Test
  @DisplayName("over TCP, ANY answers every RRset at the name")
  void tcpAllRRsets() {
    Message m = ask(responder, query("www.example.", Type.ANY), true);
    assertThat(answer(m))
        .containsExactlyInAnyOrder(
            "www.example. 3600 IN A 192.0.2.10",
            "www.example. 3600 IN MX 10 www.example.",
            "www.example. 3600 IN TXT text",
            "www.example. 3600 IN AAAA 2001:db8:0:0:0:0:0:10");
  }

  @Test
  @DisplayName("ANY at an empty non-terminal is NODATA")
  void anyAtEmptyNonTerminal() {
    Message m = ask(responder, query("b.example.", Type.ANY), true);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answer(m)).isEmpty();
    assertThat(authority(m)).hasSize(1).allMatch(r -> r.contains(" SOA "));
  }

  @Test
  @DisplayName("ANY synthesized from a wildcard carries the query name")
  void anyFromWildcard() {
    assertThat(answer(ask(responder, query("x.example.", Type.ANY), false)))
        .containsExactly("x.example. 3600 IN A 192.0.2.200");
  }
}
