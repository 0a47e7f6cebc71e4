package dev.dnsd.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneFileException;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

class ZoneTextTest {
  private static final Name ORIGIN = Name.fromConstantString("example.com.");

  @Test
  void errorsKeepTheLineOfTheTextAsWritten() {
    ZoneFileException e =
        catchThrowableOfType(
            ZoneFileException.class,
            () -> ZoneText.parse("www A 192.0.2.1\n\nbad A nonsense\n", ORIGIN, null));
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.file()).hasToString("[example.com. text]");
  }

  @Test
  void errorsInAResourceNameTheResource() {
    ZoneFileException e =
        catchThrowableOfType(
            ZoneFileException.class,
            () -> DnsTestServer.builder().zoneResource("zones/broken.zone").build().start());
    assertThat(e.file()).hasToString("zones/broken.zone");
    assertThat(e.line()).isEqualTo(2);
  }

  @Test
  void aZoneRuleBrokenByTheTextIsAboutTheWholeZone() {
    // Records of another zone: refused, and the line is the text's.
    ZoneFileException e =
        catchThrowableOfType(
            ZoneFileException.class, () -> ZoneText.parse("www A 192.0.2.1\nwww.example.net. A 192.0.2.2\n", ORIGIN, null));
    assertThat(e.line()).isEqualTo(2);
  }

  @Test
  void textWithItsOwnSoaAndNsKeepsThemAndATtlItSets() {
    Zone zone =
        ZoneText.parse(
            "$TTL 60\n@ SOA ns.example.com. admin.example.com. 7 1 1 1 1\n@ NS ns.other.example.\nwww A 192.0.2.1",
            ORIGIN,
            null);
    assertThat(zone.soa().getSerial()).isEqualTo(7);
    assertThat(zone.rrset(ORIGIN, Type.NS).records()).hasSize(1);
    assertThat(zone.rrset(Name.fromConstantString("www.example.com."), Type.A).ttl()).isEqualTo(60);
  }

  @Test
  void emptyTextIsAZoneWithTheDefaultsOnly() {
    Zone zone = ZoneText.parse("", ORIGIN, null);
    assertThat(zone.records()).hasSize(2);
    assertThat(zone.soa().getHost()).isEqualTo(Name.fromConstantString("ns1.example.com."));
  }
}
