package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.CLIENT;
import static dev.dnsd.internal.Fixture.NO_REPLIER;
import static dev.dnsd.internal.Fixture.query;
import static dev.dnsd.internal.Fixture.table;
import static dev.dnsd.internal.Fixture.zone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.dnsd.Replier;
import dev.dnsd.Request;
import dev.dnsd.ServerExtension;
import dev.dnsd.zone.ZoneTable;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** A worker never dies on bad input: failures are logged and answered SERVFAIL, never thrown. */
class RobustnessTest {
  private static final ZoneTable ZONES =
      table(zone("example.", "www A 192.0.2.10", "* MX 10 www", "sub NS ns.sub", "ns.sub A 192.0.2.53"));

  @Test
  @DisplayName("an exception while answering is SERVFAIL with ID, opcode, RD and CD copied")
  void failureIsServfail() {
    Responder broken =
        new Responder(
            () -> {
              throw new IllegalStateException("the store is gone");
            },
            ServerConfig.defaults());
    Message q = query("www.example.", Type.A);
    q.getHeader().setID(777);
    q.getHeader().setFlag(Flags.RD);
    byte[] wire = q.toWire();
    Message m = Fixture.parse(broken.respond(wire, wire.length, CLIENT, false, NO_REPLIER));
    assertThat(m.getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(m.getHeader().getID()).isEqualTo(777);
    assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
    assertThat(m.getHeader().getFlag(Flags.RD)).isTrue();
  }

  @Test
  @DisplayName("an extension that throws gets the client SERVFAIL")
  void throwingExtensionIsServfail() {
    ServerExtension bad =
        new ServerExtension() {
          @Override
          public boolean handle(Request request, Replier replier) {
            throw new IllegalStateException("bug in an extension");
          }
        };
    Responder responder = new Responder(() -> ZONES, ServerConfig.defaults().withExtensions(List.of(bad)));
    Message q = query("example.", Type.SOA);
    q.getHeader().setOpcode(Opcode.NOTIFY);
    Message m = Fixture.udp(responder, q);
    assertThat(m.getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(m.getHeader().getOpcode()).isEqualTo(Opcode.NOTIFY);
  }

  @Test
  @DisplayName("random and mutated packets never throw; every reply is a response with the query's ID")
  void fuzz() {
    Responder responder = new Responder(() -> ZONES, ServerConfig.defaults());
    Random random = new Random(8906);
    byte[] valid = Fixture.withEdns(query("www.example.", Type.A), 4096, 0, 0).toWire();
    for (int i = 0; i < 5000; i++) {
      byte[] packet;
      if (i % 2 == 0) {
        packet = new byte[random.nextInt(80)];
        random.nextBytes(packet);
      } else {
        packet = valid.clone();
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
          packet[random.nextInt(packet.length)] = (byte) random.nextInt(256);
        }
      }
      boolean tcp = random.nextBoolean();
      byte[] p = packet;
      byte[][] out = new byte[1][];
      assertThatCode(() -> out[0] = responder.respond(p, p.length, CLIENT, tcp, NO_REPLIER)).doesNotThrowAnyException();
      if (out[0] != null) {
        assertThat(out[0].length).isGreaterThanOrEqualTo(12);
        assertThat(out[0][0]).isEqualTo(p[0]);
        assertThat(out[0][1]).isEqualTo(p[1]);
        assertThat(out[0][2] & 0x80).isNotZero();
        assertThat(out[0][3] & 0x0f).isNotEqualTo(Rcode.SERVFAIL);
      }
    }
  }
}
