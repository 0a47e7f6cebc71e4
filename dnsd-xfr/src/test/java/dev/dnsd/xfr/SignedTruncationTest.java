package dev.dnsd.xfr;

import static dev.dnsd.xfr.Fixtures.KEY;
import static dev.dnsd.xfr.Fixtures.SECRET;
import static dev.dnsd.xfr.Fixtures.name;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.DnsServer;
import dev.dnsd.TestRequests;
import dev.dnsd.store.ChangeSet;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Signed answers at the UDP limit: whole up to the last byte, TSIG included; one byte more and
 * the answer is cut with TC, still signed and within the limit (RFC 8945 §5.3, RFC 2181 §9).
 */
class SignedTruncationTest {
  private final TSIG client = Fixtures.clientKey("xfr-key", SECRET, Clock.systemUTC());
  private DnsServer server;
  private ZoneTransfers xfr;

  @BeforeEach
  void start() throws IOException {
    xfr = ZoneTransfers.builder().tsigKey(KEY).build();
    server = DnsServer.builder().zone(Fixtures.zone()).extension(xfr).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Gives b.example.com. one TXT record of {@code rdata} bytes of RDATA. */
  private void txt(int rdata) {
    List<String> strings = new ArrayList<>();
    for (int left = rdata; left > 0; left -= 256) {
      strings.add("x".repeat(Math.min(left, 256) - 1)); // a length byte and its characters
    }
    Record r = new TXTRecord(name("b.example.com."), DClass.IN, 300, strings);
    server.commit(ChangeSet.builder().setRRset(r.getName(), Type.TXT, List.of(r)).build());
  }

  private byte[] signedQuery(int payload) {
    Message q = Fixtures.query(name("b.example.com."), Type.TXT);
    if (payload > 0) {
      q.addRecord(new OPTRecord(payload, 0, 0), Section.ADDITIONAL);
    }
    q.setTSIG(client);
    return q.toWire(Message.MAXLENGTH); // only toWire(max) applies the key
  }

  /** The one answer to exactly these request bytes. */
  private byte[] ask(byte[] query, boolean tcp) {
    Fixtures.Capture out = new Fixtures.Capture();
    xfr.handle(TestRequests.of(query, Fixtures.LOOPBACK, tcp), out);
    assertThat(out.sent).hasSize(1);
    return out.sent.get(0);
  }

  @ParameterizedTest(name = "a signed answer of {0} bytes against a limit of {1} (EDNS payload {2}): TC {3}")
  @CsvSource({
    "500, 512, 0, false",
    "511, 512, 0, false",
    "512, 512, 0, false",
    "513, 512, 0, true",
    "988, 1000, 1000, false",
    "999, 1000, 1000, false",
    "1000, 1000, 1000, false",
    "1001, 1000, 1000, true"
  })
  @DisplayName("a signed answer that fits goes whole; one byte more is cut with TC, signed")
  void boundary(int size, int limit, int payload, boolean truncated) throws IOException {
    txt(300);
    int base = ask(signedQuery(payload), true).length - 300; // everything but the TXT RDATA
    txt(size - base);
    byte[] queryWire = signedQuery(payload);
    assertThat(ask(queryWire, true)).hasSize(size);

    byte[] wire = ask(queryWire, false);
    Message m = new Message(wire);
    assertThat(wire.length).isLessThanOrEqualTo(limit);
    assertThat(m.getHeader().getFlag(Flags.TC)).isEqualTo(truncated);
    assertThat(m.getSection(Section.ANSWER)).hasSize(truncated ? 0 : 1);
    if (!truncated) {
      assertThat(wire).hasSize(size);
    }
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(m.getOPT() != null).isEqualTo(payload > 0);
    assertThat(client.verify(m, wire, new Message(queryWire).getTSIG())).isEqualTo(Rcode.NOERROR);
  }
}
