package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.CLIENT;
import static dev.dnsd.internal.Fixture.NO_REPLIER;
import static dev.dnsd.internal.Fixture.answer;
import static dev.dnsd.internal.Fixture.parse;
import static dev.dnsd.internal.Fixture.query;
import static dev.dnsd.internal.Fixture.table;
import static dev.dnsd.internal.Fixture.withEdns;
import static dev.dnsd.internal.Fixture.zone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.internal.transport.QueryHandler;
import dev.dnsd.zone.ZoneTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The answer cache and the cheap REFUSED path give byte for byte what the full path gives, and a
 * change is answered at once.
 */
class AnswerCacheTest {
  private static final byte[] NSID = "ns-7".getBytes(StandardCharsets.US_ASCII);

  private static final ZoneTable ZONES =
      table(
          zone(
              "example.",
              "@ A 192.0.2.1",
              "@ AAAA 2001:db8::1",
              "@ MX 10 mail",
              "@ TXT \"v=spf1 -all\"",
              "mail A 192.0.2.25",
              "www CNAME @",
              "Mixed A 192.0.2.7",
              "*.dyn A 192.0.2.99",
              "sub NS ns1.sub",
              "ns1.sub A 192.0.2.53",
              "old DNAME new",
              "www.new A 192.0.2.10",
              "big TXT \"" + "a".repeat(250) + "\"",
              "big TXT \"" + "b".repeat(250) + "\"",
              "big TXT \"" + "c".repeat(250) + "\""),
          zone("other.test.", "alias CNAME www.example."));

  /** A fixed cookie secret and clock, so that two responders make the same server cookies. */
  private static final ServerConfig CONFIG =
      ServerConfig.defaults()
          .withNsid(NSID)
          .withCookieSecret(new byte[16])
          .withClock(java.time.Clock.fixed(java.time.Instant.parse("2026-12-01T10:00:00Z"), java.time.ZoneOffset.UTC));

  private static final String[] NAMES = {
    "example.", "EXAMPLE.", "www.example.", "WwW.ExAmPlE.", "mail.example.", "mixed.example.",
    "MIXED.example.", "x.dyn.example.", "X.Dyn.Example.", "a.sub.example.", "nope.example.",
    "Nope.EXAMPLE.", "www.old.example.", "WWW.OLD.example.", "big.example.", "alias.other.test.",
    "nothing.invalid.", "NOTHING.Invalid.", "test.", "version.bind.",
  };
  private static final int[] TYPES = {Type.A, Type.AAAA, Type.MX, Type.TXT, Type.ANY, Type.SOA, Type.NS};

  /** Every variation of header, EDNS and transport that changes or must not change an answer. */
  private static List<byte[]> queries() {
    List<byte[]> out = new ArrayList<>();
    int id = 1;
    for (String name : NAMES) {
      for (int type : TYPES) {
        for (int variant = 0; variant < 7; variant++) {
          int dclass = name.startsWith("version") ? DClass.CH : DClass.IN;
          Message q = query(name, type, dclass);
          q.getHeader().setID(id++);
          switch (variant) {
            case 1 -> q.getHeader().setFlag(Flags.RD);
            case 2 -> q.getHeader().setFlag(Flags.CD);
            case 3 -> withEdns(q, 4096, 0, 0);
            case 4 -> withEdns(q, 1232, 0, ExtendedFlags.DO, new GenericEDNSOption(EDNSOption.Code.NSID, new byte[0]));
            case 5 -> withEdns(q, 700, 0, 0, new CookieOption(new byte[8]));
            case 6 -> withEdns(q, 1400, 0, ExtendedFlags.DO, new ClientSubnetOption(24, address()));
            default -> {}
          }
          out.add(q.toWire());
        }
      }
    }
    return out;
  }

  private static java.net.InetAddress address() {
    try {
      return java.net.InetAddress.getByName("198.51.100.0");
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("cached and refused answers are byte for byte the full path's, over UDP and TCP")
  void sameBytesAsUncached() {
    Responder reference = new Responder(() -> ZONES, CONFIG.withAnswerCacheBytes(0));
    Responder cached = new Responder(() -> ZONES, CONFIG);
    for (boolean tcp : new boolean[] {false, true}) {
      // Three passes: answers to names no zone holds are cached on their second miss only.
      for (int pass = 0; pass < 3; pass++) {
        for (byte[] q : queries()) {
          assertThat(hex(cached.respond(q, q.length, CLIENT, tcp, NO_REPLIER)))
              .as("pass %d tcp %s: %s", pass, tcp, describe(q))
              .isEqualTo(hex(reference.respond(q, q.length, CLIENT, tcp, NO_REPLIER)));
        }
      }
    }
    assertThat(cached.isCached(wire("Mixed.Example.", 1, false), false)).as("the second pass hit").isTrue();
    assertThat(cached.isCached(wire("Nope.Example.", 1, false), false)).as("NXDOMAIN, after two misses").isTrue();
  }

  @Test
  @DisplayName("a thread's worker writes the same answers into its buffer")
  void workerWritesSameBytes() {
    Responder responder = new Responder(() -> ZONES, CONFIG);
    QueryHandler.Worker worker = responder.worker();
    byte[] out = new byte[65535];
    for (int pass = 0; pass < 2; pass++) {
      for (byte[] q : queries()) {
        int n = worker.respond(q, q.length, CLIENT, false, NO_REPLIER, out);
        assertThat(hex(java.util.Arrays.copyOf(out, n)))
            .isEqualTo(hex(responder.respond(q, q.length, CLIENT, false, NO_REPLIER)));
      }
    }
  }

  @Test
  @DisplayName("an answer is cached by name in any case, and served with the asker's case and ID")
  void hitPatchesIdAndCase() {
    Responder responder = new Responder(() -> ZONES, CONFIG);
    byte[] lower = wire("www.example.", 1, false);
    byte[] upper = wire("WWW.EXAMPLE.", 2, true);
    assertThat(responder.isCached(upper, false)).isFalse();
    responder.respond(lower, lower.length, CLIENT, false, NO_REPLIER);
    assertThat(responder.isCached(upper, false)).isTrue();
    assertThat(responder.isCached(upper, true)).as("TCP answers are kept apart").isFalse();

    Message m = parse(responder.respond(upper, upper.length, CLIENT, false, NO_REPLIER));
    assertThat(m.getHeader().getID()).isEqualTo(2);
    assertThat(m.getHeader().getFlag(Flags.RD)).isTrue();
    assertThat(m.getQuestion().getName().toString()).isEqualTo("WWW.EXAMPLE.");
    // Owners and targets compressed to the question read in the asker's case, as when encoded anew.
    assertThat(answer(m)).containsExactly("WWW.EXAMPLE. 3600 IN CNAME EXAMPLE.", "EXAMPLE. 3600 IN A 192.0.2.1");
  }

  @Test
  @DisplayName("answers that depend on the name's case (DNAME) and names in no zone are not cached")
  void notCached() {
    Responder responder = new Responder(() -> ZONES, CONFIG);
    for (String name : new String[] {"www.old.example.", "nothing.invalid."}) {
      byte[] q = wire(name, 1, false);
      assertThat(responder.respond(q, q.length, CLIENT, false, NO_REPLIER)).isNotNull();
      assertThat(responder.isCached(q, false)).as(name).isFalse();
    }
    assertThat(responder.cache().entryCount()).isZero();
  }

  @Test
  @DisplayName("a change is answered at once after the old answer was cached, negative answers too")
  void changeInvalidatesAtOnce() {
    InMemoryRecordStore store = new InMemoryRecordStore();
    store.commit(ChangeSet.builder().replaceZone(Fixture.name("example."), zone("example.", "www A 192.0.2.1").records()).build());
    Responder responder = new Responder(store::zones, CONFIG);

    assertThat(answer(ask(responder, "www.example.", Type.A))).containsExactly("www.example. 3600 IN A 192.0.2.1");
    assertThat(ask(responder, "new.example.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(responder.isCached(wire("www.example.", 9, false), false)).isTrue();

    store.commit(
        ChangeSet.builder()
            .remove(record("www.example. 3600 IN A 192.0.2.1"))
            .add(record("www.example. 3600 IN A 192.0.2.2"))
            .add(record("new.example. 3600 IN A 192.0.2.3"))
            .build());

    assertThat(answer(ask(responder, "www.example.", Type.A))).containsExactly("www.example. 3600 IN A 192.0.2.2");
    assertThat(answer(ask(responder, "new.example.", Type.A))).containsExactly("new.example. 3600 IN A 192.0.2.3");
    store.close();
  }

  @Test
  @DisplayName("a change to one zone leaves other zones' answers cached, and answers that read it change at once")
  void invalidationIsPerZone() {
    InMemoryRecordStore store = new InMemoryRecordStore();
    store.commit(
        ChangeSet.builder()
            .replaceZone(
                Fixture.name("a.test."),
                zone("a.test.", "www A 192.0.2.1", "@ MX 10 mail.b.test.", "alias CNAME host.b.test.").records())
            .replaceZone(Fixture.name("b.test."), zone("b.test.", "mail A 192.0.2.25", "host A 192.0.2.80").records())
            .replaceZone(Fixture.name("c.test."), zone("c.test.", "www A 192.0.2.3").records())
            .build());
    Responder responder = new Responder(store::zones, CONFIG);
    assertThat(Fixture.additional(ask(responder, "a.test.", Type.MX))).contains("mail.b.test. 3600 IN A 192.0.2.25");
    assertThat(answer(ask(responder, "alias.a.test.", Type.A))).contains("host.b.test. 3600 IN A 192.0.2.80");
    assertThat(answer(ask(responder, "www.a.test.", Type.A))).containsExactly("www.a.test. 3600 IN A 192.0.2.1");
    assertThat(answer(ask(responder, "www.c.test.", Type.A))).containsExactly("www.c.test. 3600 IN A 192.0.2.3");
    assertThat(ask(responder, "x.sub.c.test.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    ask(responder, "x.sub.c.test.", Type.A); // a name no zone holds is cached on its second miss
    for (String name : List.of("www.a.test.", "www.c.test.", "alias.a.test.", "x.sub.c.test.")) {
      assertThat(responder.isCached(query(name, Type.A).toWire(), false)).as(name).isTrue();
    }

    // c.test changes: its answers go, a.test's stay.
    store.commit(ChangeSet.builder().add(record("www.c.test. 3600 IN A 192.0.2.4")).build());
    assertThat(responder.isCached(query("www.c.test.", Type.A).toWire(), false)).isFalse();
    assertThat(responder.isCached(query("www.a.test.", Type.A).toWire(), false)).isTrue();
    assertThat(responder.isCached(query("a.test.", Type.MX).toWire(), false)).isTrue();
    assertThat(answer(ask(responder, "www.c.test.", Type.A)))
        .containsExactlyInAnyOrder("www.c.test. 3600 IN A 192.0.2.3", "www.c.test. 3600 IN A 192.0.2.4");

    // b.test changes: a.test's answers that read b.test (MX additional, CNAME target) change too.
    store.commit(
        ChangeSet.builder()
            .remove(record("mail.b.test. 3600 IN A 192.0.2.25"))
            .add(record("mail.b.test. 3600 IN A 192.0.2.26"))
            .remove(record("host.b.test. 3600 IN A 192.0.2.80"))
            .add(record("host.b.test. 3600 IN A 192.0.2.81"))
            .build());
    assertThat(responder.isCached(query("www.a.test.", Type.A).toWire(), false)).isTrue();
    assertThat(Fixture.additional(ask(responder, "a.test.", Type.MX)))
        .contains("mail.b.test. 3600 IN A 192.0.2.26")
        .doesNotContain("mail.b.test. 3600 IN A 192.0.2.25");
    assertThat(answer(ask(responder, "alias.a.test.", Type.A)))
        .contains("host.b.test. 3600 IN A 192.0.2.81")
        .doesNotContain("host.b.test. 3600 IN A 192.0.2.80");

    // A zone created below a cached name answers for it at once.
    assertThat(ask(responder, "x.sub.c.test.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    ask(responder, "x.sub.c.test.", Type.A);
    assertThat(responder.isCached(query("x.sub.c.test.", Type.A).toWire(), false)).isTrue();
    store.commit(
        ChangeSet.builder().createZone(Fixture.name("sub.c.test."), zone("sub.c.test.", "x A 192.0.2.9").records()).build());
    assertThat(answer(ask(responder, "x.sub.c.test.", Type.A))).containsExactly("x.sub.c.test. 3600 IN A 192.0.2.9");
    store.close();
  }

  @Test
  @DisplayName("answers to names no zone holds (NXDOMAIN, wildcard, below a cut) are cached on their second miss, so names asked once fill nothing")
  void namesAskedOnceAreNotCached() {
    Responder responder = new Responder(() -> ZONES, CONFIG);
    for (int i = 0; i < 1000; i++) {
      for (String name : List.of("r" + i + ".example.", "r" + i + ".dyn.example.", "r" + i + ".sub.example.")) {
        byte[] q = wire(name, i, false);
        assertThat(responder.respond(q, q.length, CLIENT, false, NO_REPLIER)).isNotNull();
      }
    }
    assertThat(responder.cache().entryCount()).as("random names").isZero();

    byte[] held = wire("mail.example.", 1, false);
    responder.respond(held, held.length, CLIENT, false, NO_REPLIER);
    assertThat(responder.isCached(held, false)).as("a name the zone holds, at once").isTrue();
    for (String name : List.of("again.example.", "again.dyn.example.", "again.sub.example.")) {
      byte[] q = wire(name, 2, false);
      byte[] first = responder.respond(q, q.length, CLIENT, false, NO_REPLIER);
      assertThat(responder.isCached(q, false)).as(name + " after one miss").isFalse();
      byte[] second = responder.respond(q, q.length, CLIENT, false, NO_REPLIER);
      assertThat(responder.isCached(q, false)).as(name + " after two").isTrue();
      assertThat(hex(responder.respond(q, q.length, CLIENT, false, NO_REPLIER))).isEqualTo(hex(first)).isEqualTo(hex(second));
    }
  }

  @Test
  @DisplayName("a flood of names seen once stays within the memory budget, and hot names stay cached")
  void floodStaysWithinBudget() {
    long budget = ServerConfig.MIN_ANSWER_CACHE_BYTES;
    Responder responder = new Responder(() -> ZONES, CONFIG.withAnswerCacheBytes(budget));
    AnswerCache cache = responder.cache();
    byte[] hot = wire("www.example.", 1, false);
    for (int i = 0; i < 50_000; i++) {
      byte[] q = wire("r" + i + (i % 2 == 0 ? ".dyn.example." : ".example."), i, false);
      responder.respond(q, q.length, CLIENT, false, NO_REPLIER);
      if (i % 100 == 0) {
        responder.respond(hot, hot.length, CLIENT, false, NO_REPLIER);
      }
    }
    assertThat(cache.usedBytes()).isPositive().isLessThanOrEqualTo(budget);
    assertThat(cache.entryCount()).isLessThanOrEqualTo(cache.slotCount());
    assertThat(responder.isCached(hot, false)).isTrue();
  }

  @Test
  @DisplayName("queries the wire reader leaves to dnsjava are answered as before")
  void unusualShapesTakeTheFullPath() {
    Responder reference = new Responder(() -> ZONES, CONFIG.withAnswerCacheBytes(0));
    Responder cached = new Responder(() -> ZONES, CONFIG);
    List<byte[]> odd = new ArrayList<>();
    byte[] pointer = wire("www.example.", 3, false);
    odd.add(pointerQuestion());
    odd.add(java.util.Arrays.copyOf(pointer, pointer.length - 1)); // question cut short
    Message badVersion = withEdns(query("www.example.", Type.A), 1232, 1, 0);
    odd.add(badVersion.toWire());
    byte[] twoQuestions = pointer.clone();
    twoQuestions[5] = 2;
    odd.add(twoQuestions);
    for (byte[] q : odd) {
      for (int pass = 0; pass < 2; pass++) {
        assertThat(hex(cached.respond(q, q.length, CLIENT, false, NO_REPLIER)))
            .isEqualTo(hex(reference.respond(q, q.length, CLIENT, false, NO_REPLIER)));
      }
      assertThat(cached.isCached(q, false)).isFalse();
    }
  }

  /** A question whose name ends in a compression pointer to itself. */
  private static byte[] pointerQuestion() {
    byte[] q = wire("www.example.", 4, false);
    // "\3www" then a pointer to itself: a loop, which the full parser rejects
    byte[] out = new byte[12 + 4 + 2 + 4];
    System.arraycopy(q, 0, out, 0, 16);
    out[16] = (byte) 0xC0;
    out[17] = 16;
    System.arraycopy(q, q.length - 4, out, 18, 4);
    return out;
  }

  private static Message ask(Responder responder, String name, int type) {
    Message q = query(name, type);
    return Fixture.udp(responder, q);
  }

  private static byte[] wire(String name, int id, boolean rd) {
    Message q = query(name, Type.A);
    q.getHeader().setID(id & 0xFFFF);
    if (rd) {
      q.getHeader().setFlag(Flags.RD);
    }
    return q.toWire();
  }

  private static Record record(String text) {
    return Fixture.parse(text, ".").get(0);
  }

  private static String describe(byte[] wire) {
    return parse(wire).getQuestion() + " " + HexFormat.of().formatHex(wire);
  }

  private static String hex(byte[] wire) {
    return wire == null ? "null" : HexFormat.of().formatHex(wire);
  }
}
