package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.answer;
import static dev.dnsd.internal.Fixture.query;
import static dev.dnsd.internal.Fixture.table;
import static dev.dnsd.internal.Fixture.zone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Replier;
import dev.dnsd.Request;
import dev.dnsd.ServerExtension;
import dev.dnsd.zone.ZoneTable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/** Queries carrying a TSIG record go to the extensions, which sign the responder's answer. */
class SignedQueryTest {
  private final ZoneTable zones = table(zone("example.", "www A 192.0.2.1"));
  private final List<Request> offered = new ArrayList<>();

  private Responder responder(boolean take) {
    ServerExtension extension =
        new ServerExtension() {
          @Override
          public boolean handle(Request request, Replier replier) {
            offered.add(request);
            return take;
          }
        };
    return new Responder(() -> zones, ServerConfig.defaults().withExtensions(List.of(extension)));
  }

  private static Message signed(String name) {
    Message q = query(name, Type.A);
    q.setTSIG(new TSIG(TSIG.HMAC_SHA256, "key.", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"));
    return q;
  }

  @Test
  @DisplayName("a signed query is offered to the extensions, and one that takes it answers it")
  void signedQueryOffered() {
    Responder responder = responder(true);
    // The same question unsigned first, so an answer cache would hold it.
    Fixture.udp(responder, query("www.example.", Type.A));
    assertThat(offered).isEmpty();
    byte[] wire = signed("www.example.").toWire(Message.MAXLENGTH);
    assertThat(responder.respond(wire, wire.length, Fixture.CLIENT, false, Fixture.NO_REPLIER)).isNull();
    assertThat(offered).hasSize(1);
    assertThat(offered.get(0).message().getTSIG()).isNotNull();
    Message built = responder.answer(offered.get(0).message(), false);
    assertThat(answer(built)).containsExactly("www.example. 3600 IN A 192.0.2.1");
  }

  @Test
  @DisplayName("a signed query no extension takes is answered as usual; unsigned queries are never offered")
  void declinedOrUnsignedAnsweredAsUsual() {
    Responder responder = responder(false);
    byte[] wire = signed("www.example.").toWire(Message.MAXLENGTH);
    Message m = Fixture.parse(responder.respond(wire, wire.length, Fixture.CLIENT, false, Fixture.NO_REPLIER));
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answer(m)).containsExactly("www.example. 3600 IN A 192.0.2.1");
    offered.clear();
    Fixture.udp(responder, query("www.example.", Type.A));
    assertThat(offered).isEmpty();
  }
}
