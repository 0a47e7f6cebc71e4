package dev.dnsd.xfr;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * What a client can make of UPDATE evaluation and the TSIG check with any message: an rcode or
 * a zone rule's refusal, never another exception; and no signature check passes without the key.
 */
class XfrFuzzTest {
  private static final Zone ZONE = Fixtures.zone();
  private static final Map<Name, TsigKey> KEYS = Map.of(Fixtures.KEY.name(), Fixtures.KEY);
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);

  private static Message parse(byte[] wire) {
    try {
      return new Message(wire);
    } catch (IOException | RuntimeException e) {
      return null; // not a message: the responder answers FORMERR before any extension sees it
    }
  }

  @FuzzTest(maxDuration = "60s")
  void update(FuzzedDataProvider data) {
    boolean allowed = data.consumeBoolean();
    Message m = parse(data.consumeRemainingAsBytes());
    if (m == null) {
      return;
    }
    try {
      DynamicUpdate.Outcome outcome = DynamicUpdate.evaluate(m, ZONE, r -> allowed);
      if (outcome.changes() != null) {
        assertThat(outcome.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(allowed).as("a change from a requester that may change nothing").isTrue();
      }
    } catch (InvalidZoneException e) {
      // The update would break a zone rule: REFUSED.
    }
  }

  @FuzzTest(maxDuration = "60s")
  void tsig(FuzzedDataProvider data) {
    byte[] wire = data.consumeRemainingAsBytes();
    Message m = parse(wire);
    if (m == null) {
      return;
    }
    Tsig.Check check = Tsig.check(m, wire, KEYS, CLOCK);
    assertThat(check.verified()).as("verified without the key's secret").isFalse();
    Tsig.encode(Responses.reply(m, Rcode.NOERROR), check, CLOCK);
  }
}
