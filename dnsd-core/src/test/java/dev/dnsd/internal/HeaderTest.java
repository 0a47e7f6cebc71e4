package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.CLIENT;
import static dev.dnsd.internal.Fixture.NO_REPLIER;
import static dev.dnsd.internal.Fixture.answer;
import static dev.dnsd.internal.Fixture.query;
import static dev.dnsd.internal.Fixture.table;
import static dev.dnsd.internal.Fixture.zone;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The header of every reply (RFC 1035 §4.1.1), and what is dropped or FORMERR before a lookup. */
class HeaderTest {
  private final Responder responder =
      new Responder(() -> table(zone("example.", "www A 192.0.2.10")), ServerConfig.defaults());

  private byte @org.jspecify.annotations.Nullable [] send(byte[] wire) {
    return responder.respond(wire, wire.length, CLIENT, false, NO_REPLIER);
  }

  @Test
  @DisplayName("a reply has QR=1, RA=0, AD=0, Z=0 and copies ID, opcode, RD and CD")
  void replyHeader() {
    Message q = query("www.example.", Type.A);
    q.getHeader().setID(0x4242);
    q.getHeader().setFlag(Flags.RD);
    q.getHeader().setFlag(Flags.CD);
    q.getHeader().setFlag(Flags.AD);
    byte[] wire = q.toWire();
    wire[3] |= 0x40; // the reserved Z bit
    byte[] out = send(wire);
    Message m = Fixture.parse(out);
    Header h = m.getHeader();
    assertThat(h.getID()).isEqualTo(0x4242);
    assertThat(h.getOpcode()).isEqualTo(Opcode.QUERY);
    assertThat(h.getFlag(Flags.QR)).isTrue();
    assertThat(h.getFlag(Flags.RD)).isTrue();
    assertThat(h.getFlag(Flags.CD)).isTrue();
    assertThat(h.getFlag(Flags.RA)).isFalse();
    assertThat(h.getFlag(Flags.AD)).isFalse();
    assertThat(out[3] & 0x40).isZero();
    assertThat(h.getFlag(Flags.AA)).isTrue();
  }

  @Test
  @DisplayName("RD and CD are not set in the reply when the query had them clear")
  void flagsClearStayClear() {
    Message m = Fixture.udp(responder, query("www.example.", Type.A));
    assertThat(m.getHeader().getFlag(Flags.RD)).isFalse();
    assertThat(m.getHeader().getFlag(Flags.CD)).isFalse();
  }

  @Test
  @DisplayName("the question comes back exactly in the client's case")
  void questionCaseKept() {
    byte[] out = send(query("wWw.ExAmPlE.", Type.A).toWire());
    Message m = Fixture.parse(out);
    assertThat(m.getQuestion().getName().toString()).isEqualTo("wWw.ExAmPlE.");
    assertThat(new String(out, 13, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("wWw");
    assertThat(answer(m)).hasSize(1);
  }

  @Test
  @DisplayName("a packet with QR=1 is dropped")
  void responsesDropped() {
    Message q = query("www.example.", Type.A);
    q.getHeader().setFlag(Flags.QR);
    assertThat(send(q.toWire())).isNull();
  }

  @Test
  @DisplayName("a packet shorter than a header is dropped")
  void shortPacketsDropped() {
    byte[] wire = query("www.example.", Type.A).toWire();
    assertThat(send(Arrays.copyOf(wire, 11))).isNull();
    assertThat(send(new byte[0])).isNull();
    assertThat(responder.respond(wire, 11, CLIENT, false, NO_REPLIER)).isNull();
  }

  @Test
  @DisplayName("only the first length bytes count: trailing buffer bytes are ignored")
  void lengthRespected() {
    byte[] wire = query("www.example.", Type.A).toWire();
    byte[] buffer = Arrays.copyOf(wire, 4096);
    Arrays.fill(buffer, wire.length, buffer.length, (byte) 0xff);
    Message m = Fixture.parse(responder.respond(buffer, wire.length, CLIENT, false, NO_REPLIER));
    assertThat(answer(m)).hasSize(1);
  }

  @Test
  @DisplayName("QDCOUNT 0 is FORMERR")
  void noQuestionFormerr() {
    Message q = new Message(7);
    Message m = Fixture.parse(send(q.toWire()));
    assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);
    assertThat(m.getHeader().getID()).isEqualTo(7);
  }

  @Test
  @DisplayName("QDCOUNT 2 is FORMERR")
  void twoQuestionsFormerr() {
    Message q = query("www.example.", Type.A);
    q.addRecord(Record.newRecord(Fixture.name("example."), Type.SOA, DClass.IN), Section.QUESTION);
    Message m = Fixture.parse(send(q.toWire()));
    assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);
    assertThat(answer(m)).isEmpty();
  }

  @Test
  @DisplayName("an unparseable packet is FORMERR with ID, opcode, RD and CD copied and no question")
  void unparseableFormerr() {
    byte[] wire = query("www.example.", Type.A).toWire();
    byte[] cut = Arrays.copyOf(wire, 16); // the question's name is cut short
    cut[0] = 0x12;
    cut[1] = 0x34;
    cut[2] = (byte) (Opcode.NOTIFY << 3 | 0x01); // opcode NOTIFY, RD
    cut[3] = 0x10; // CD
    byte[] out = send(cut);
    assertThat(out).hasSize(12);
    Message m = Fixture.parse(out);
    Header h = m.getHeader();
    assertThat(h.getID()).isEqualTo(0x1234);
    assertThat(h.getRcode()).isEqualTo(Rcode.FORMERR);
    assertThat(h.getOpcode()).isEqualTo(Opcode.NOTIFY);
    assertThat(h.getFlag(Flags.QR)).isTrue();
    assertThat(h.getFlag(Flags.RD)).isTrue();
    assertThat(h.getFlag(Flags.CD)).isTrue();
    assertThat(h.getFlag(Flags.AA)).isFalse();
    assertThat(h.getCount(Section.QUESTION)).isZero();
  }
}
