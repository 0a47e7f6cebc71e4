package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.aa;
import static dev.dnsd.internal.Fixture.additional;
import static dev.dnsd.internal.Fixture.answer;
import static dev.dnsd.internal.Fixture.authority;
import static dev.dnsd.internal.Fixture.table;
import static dev.dnsd.internal.Fixture.udp;
import static dev.dnsd.internal.Fixture.zone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Negative answers per RFC 2308. */
class NegativeAnswerTest {
  private static final String SOA = "example. 300 IN SOA ns1.example. hostmaster.example. 1 7200 3600 1209600 300";

  private final ZoneTable zones = table(zone("example.", "www A 192.0.2.10", "a.b.c A 192.0.2.11"));

  @Test
  @DisplayName("a name that does not exist is NXDOMAIN with AA=1 and the SOA in authority")
  void nxdomain() {
    Message m = udp(zones, "nope.example.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).isEmpty();
    assertThat(authority(m)).containsExactly(SOA);
    assertThat(additional(m)).isEmpty();
  }

  @Test
  @DisplayName("a name without the type asked is NODATA: NOERROR, empty answer, the SOA")
  void nodata() {
    Message m = udp(zones, "www.example.", Type.MX);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(aa(m)).isTrue();
    assertThat(answer(m)).isEmpty();
    assertThat(authority(m)).containsExactly(SOA);
  }

  @Test
  @DisplayName("empty non-terminal is NODATA, at every level of it")
  void emptyNonTerminalIsNodata() {
    for (String ent : List.of("b.c.example.", "c.example.")) {
      Message m = udp(zones, ent, Type.A);
      assertThat(m.getRcode()).as(ent).isEqualTo(Rcode.NOERROR);
      assertThat(answer(m)).as(ent).isEmpty();
      assertThat(authority(m)).as(ent).containsExactly(SOA);
    }
  }

  @Test
  @DisplayName("below an empty non-terminal without the name is NXDOMAIN")
  void belowEmptyNonTerminal() {
    assertThat(udp(zones, "x.b.c.example.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  @DisplayName("the SOA's TTL is its own TTL when that is below MINIMUM")
  void soaTtlBelowMinimum() {
    Zone z =
        Zone.of(
            Fixture.name("short.test."),
            Fixture.parse("$ORIGIN short.test.\n@ 60 SOA ns hm 1 2 3 4 900\n@ 60 NS ns\n", "short.test."));
    Message m = udp(table(z), "nope.short.test.", Type.A);
    assertThat(authority(m)).containsExactly("short.test. 60 IN SOA ns.short.test. hm.short.test. 1 2 3 4 900");
  }

  @Test
  @DisplayName("names match case-insensitively, negative answers included")
  void caseInsensitive() {
    Message m = udp(zones, "WWW.Example.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    // The owner comes back in the client's case: name compression points at the question.
    assertThat(answer(m)).containsExactly("WWW.Example. 3600 IN A 192.0.2.10");
    Message nodata = udp(zones, "wWw.EXAMPLE.", Type.MX);
    assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(authority(nodata)).hasSize(1);
    assertThat(udp(zones, "B.c.Example.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(udp(zones, "NOPE.example.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }
}
