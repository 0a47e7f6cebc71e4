package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.CLIENT;
import static dev.dnsd.internal.Fixture.NO_REPLIER;
import static dev.dnsd.internal.Fixture.query;
import static dev.dnsd.internal.Fixture.table;
import static dev.dnsd.internal.Fixture.zone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Replier;
import dev.dnsd.Request;
import dev.dnsd.ServerExtension;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/** Opcodes other than QUERY, and zone transfer questions: offered to extensions, else refused. */
class OpcodeTest {
  /** An extension that records what it was offered and takes it or not. */
  private static final class Recording implements ServerExtension {
    final boolean takes;
    final List<Request> offered = new ArrayList<>();
    @Nullable Replier replier;

    Recording(boolean takes) {
      this.takes = takes;
    }

    @Override
    public boolean handle(Request request, Replier r) {
      offered.add(request);
      replier = r;
      return takes;
    }
  }

  private static Responder responder(ServerExtension... extensions) {
    return new Responder(
        () -> table(zone("example.", "www A 192.0.2.10")), ServerConfig.defaults().withExtensions(List.of(extensions)));
  }

  private static Message notify(String zone) {
    Message m = query(zone, Type.SOA);
    m.getHeader().setOpcode(Opcode.NOTIFY);
    m.getHeader().setFlag(Flags.AA);
    return m;
  }

  @Test
  @DisplayName("an opcode no extension takes is NOTIMP, with the opcode copied")
  void notimp() {
    for (int opcode : new int[] {Opcode.NOTIFY, Opcode.UPDATE, Opcode.STATUS, Opcode.IQUERY, 3, 15}) {
      Message q = query("example.", Type.SOA);
      q.getHeader().setOpcode(opcode);
      Message m = Fixture.udp(responder(), q);
      assertThat(m.getRcode()).as("opcode %d", opcode).isEqualTo(Rcode.NOTIMP);
      assertThat(m.getHeader().getOpcode()).isEqualTo(opcode);
      assertThat(m.getHeader().getFlag(Flags.AA)).isFalse();
      assertThat(Fixture.answer(m)).isEmpty();
    }
  }

  @Test
  @DisplayName("the first extension that takes a request wins; respond returns null")
  void firstTakerWins() {
    Recording declines = new Recording(false);
    Recording takes = new Recording(true);
    Recording never = new Recording(true);
    Responder responder = responder(declines, takes, never);
    byte[] wire = notify("example.").toWire();
    Replier replier = w -> {};
    assertThat(responder.respond(wire, wire.length, CLIENT, true, replier)).isNull();
    assertThat(declines.offered).hasSize(1);
    assertThat(takes.offered).hasSize(1);
    assertThat(never.offered).isEmpty();
    Request request = takes.offered.get(0);
    assertThat(request.wire()).isEqualTo(wire);
    assertThat(request.client()).isEqualTo(CLIENT);
    assertThat(request.tcp()).isTrue();
    assertThat(request.message().getHeader().getOpcode()).isEqualTo(Opcode.NOTIFY);
    assertThat(takes.replier).isSameAs(replier);
  }

  @Test
  @DisplayName("when every extension declines, NOTIMP")
  void allDecline() {
    Recording declines = new Recording(false);
    Message m = Fixture.udp(responder(declines), notify("example."));
    assertThat(declines.offered).hasSize(1);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOTIMP);
  }

  @Test
  @DisplayName("AXFR and IXFR are REFUSED over UDP and TCP when no extension takes them")
  void transfersRefused() {
    for (int type : new int[] {Type.AXFR, Type.IXFR}) {
      for (boolean tcp : new boolean[] {false, true}) {
        Message m = Fixture.ask(responder(), query("example.", type), tcp);
        assertThat(m.getRcode()).as("%s tcp=%s", Type.string(type), tcp).isEqualTo(Rcode.REFUSED);
        assertThat(Fixture.answer(m)).isEmpty();
      }
    }
  }

  @Test
  @DisplayName("AXFR and IXFR are offered to extensions")
  void transfersOffered() {
    Recording takes = new Recording(true);
    byte[] wire = query("example.", Type.AXFR).toWire();
    assertThat(responder(takes).respond(wire, wire.length, CLIENT, true, NO_REPLIER)).isNull();
    assertThat(takes.offered).hasSize(1);
  }

  @Test
  @DisplayName("ordinary queries are not offered to extensions")
  void queriesNotOffered() {
    Recording takes = new Recording(true);
    Message m = Fixture.udp(responder(takes), query("www.example.", Type.A));
    assertThat(takes.offered).isEmpty();
    assertThat(Fixture.answer(m)).hasSize(1);
  }

  @Test
  @DisplayName("each request is classified once, and the extension reads its kind on the Request")
  void kindOnTheRequest() {
    Recording takes = new Recording(true);
    Responder responder = responder(takes);
    Message update = query("example.", Type.SOA);
    update.getHeader().setOpcode(Opcode.UPDATE);
    Message iquery = query("example.", Type.A);
    iquery.getHeader().setOpcode(Opcode.IQUERY);
    Message signed = query("www.example.", Type.A);
    signed.setTSIG(new TSIG(TSIG.HMAC_SHA256, "key.", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"));
    Message signedAxfr = query("example.", Type.AXFR);
    signedAxfr.setTSIG(new TSIG(TSIG.HMAC_SHA256, "key.", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"));
    Map<Request.Kind, Message> cases = new LinkedHashMap<>();
    cases.put(Request.Kind.NOTIFY, notify("example."));
    cases.put(Request.Kind.UPDATE, update);
    cases.put(Request.Kind.OTHER, iquery);
    cases.put(Request.Kind.AXFR, signedAxfr);
    cases.put(Request.Kind.IXFR, query("example.", Type.IXFR));
    cases.put(Request.Kind.SIGNED_QUERY, signed);
    cases.forEach(
        (kind, m) -> {
          byte[] wire = m.toWire(65535); // toWire(max) applies the TSIG key
          assertThat(responder.respond(wire, wire.length, CLIENT, true, NO_REPLIER)).isNull();
          assertThat(takes.offered.get(takes.offered.size() - 1).kind()).isEqualTo(kind);
        });
  }

  @Test
  @DisplayName("the response size limit is worked out once and carried on the Request")
  void sizeLimitOnTheRequest() {
    Recording takes = new Recording(true);
    Responder responder =
        new Responder(
            () -> table(zone("example.")),
            ServerConfig.defaults().withMaxUdpPayload(1400).withExtensions(List.of(takes)));
    Message plain = notify("example.");
    record Case(Message query, boolean tcp, int limit) {}
    List<Case> cases =
        List.of(
            new Case(plain, false, 512),
            new Case(Fixture.withEdns(notify("example."), 4096, 0, 0), false, 1400),
            new Case(Fixture.withEdns(notify("example."), 1000, 0, 0), false, 1000),
            new Case(Fixture.withEdns(notify("example."), 100, 0, 0), false, 512),
            new Case(Fixture.withEdns(notify("example."), 4096, 0, 0), true, 65535),
            new Case(plain, true, 65535));
    for (Case c : cases) {
      byte[] wire = c.query().toWire();
      responder.respond(wire, wire.length, CLIENT, c.tcp(), NO_REPLIER);
      Request request = takes.offered.get(takes.offered.size() - 1);
      assertThat(request.maxResponseSize()).as("%s tcp=%s", c.query().getOPT(), c.tcp()).isEqualTo(c.limit());
    }
  }
}
