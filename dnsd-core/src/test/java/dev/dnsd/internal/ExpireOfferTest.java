package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.query;
import static dev.dnsd.internal.Fixture.table;
import static dev.dnsd.internal.Fixture.withEdns;
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
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/** SOA queries asking for EDNS EXPIRE (RFC 7314) go to the extensions, which know the value. */
class ExpireOfferTest {
  private final ZoneTable zones = table(zone("example."));
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

  private static byte[] soa(boolean expire) {
    Message q = query("example.", Type.SOA);
    EDNSOption[] options = expire ? new EDNSOption[] {new GenericEDNSOption(EDNSOption.Code.EDNS_EXPIRE, new byte[0])} : new EDNSOption[0];
    return withEdns(q, 1232, 0, 0, options).toWire();
  }

  @Test
  @DisplayName("an SOA query with EXPIRE is offered as a QUERY, every time (never from the cache)")
  void offeredEveryTime() {
    Responder responder = responder(true);
    byte[] wire = soa(true);
    for (int i = 0; i < 2; i++) {
      assertThat(responder.respond(wire, wire.length, Fixture.CLIENT, false, Fixture.NO_REPLIER)).isNull();
    }
    assertThat(offered).hasSize(2);
    assertThat(offered.get(0).kind()).isEqualTo(Request.Kind.QUERY);
  }

  @Test
  @DisplayName("without EXPIRE, or when no extension takes it, the responder answers it")
  void answeredWithoutExtension() {
    Responder responder = responder(false);
    byte[] plain = soa(false);
    assertThat(responder.respond(plain, plain.length, Fixture.CLIENT, false, Fixture.NO_REPLIER)).isNotNull();
    assertThat(offered).isEmpty();
    byte[] wire = soa(true);
    Message m = Fixture.parse(responder.respond(wire, wire.length, Fixture.CLIENT, false, Fixture.NO_REPLIER));
    assertThat(Fixture.answer(m)).hasSize(1);
    assertThat(m.getOPT().getOptions(EDNSOption.Code.EDNS_EXPIRE)).isEmpty();
    assertThat(offered).hasSize(1);
  }
}
