package dev.dnsd.internal;

import static dev.dnsd.internal.Fixture.aa;
import static dev.dnsd.internal.Fixture.answer;
import static dev.dnsd.internal.Fixture.query;
import static dev.dnsd.internal.Fixture.table;
import static dev.dnsd.internal.Fixture.udp;
import static dev.dnsd.internal.Fixture.zone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.zone.ZoneTable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Classes: IN from the zones, CH TXT identity names from the configuration, others refused. */
class ClassTest {
  private static final ZoneTable ZONES = table(zone("example.", "www A 192.0.2.10"));
  private static final Name HOSTNAME = Fixture.name("hostname.bind.");
  private static final Name ID_SERVER = Fixture.name("id.server.");

  private static Message ch(ServerConfig config, String name, int type) {
    return udp(new Responder(() -> ZONES, config), query(name, type, DClass.CH));
  }

  @Test
  @DisplayName("version.dnsd. and version.bind. CH TXT answer the version by default, AA=1")
  void versionByDefault() {
    for (String name : new String[] {"version.dnsd.", "version.bind.", "VERSION.BIND."}) {
      Message m = ch(ServerConfig.defaults(), name, Type.TXT);
      assertThat(m.getRcode()).as(name).isEqualTo(Rcode.NOERROR);
      assertThat(aa(m)).isTrue();
      assertThat(answer(m)).as(name).containsExactly(name + " 0 CH TXT \"dnsd 0.1.0\"");
    }
  }

  @Test
  @DisplayName("hostname.bind. and id.server. are off by default and answer when configured")
  void hostnameAndIdConfigurable() {
    assertThat(ch(ServerConfig.defaults(), "hostname.bind.", Type.TXT).getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(ch(ServerConfig.defaults(), "id.server.", Type.TXT).getRcode()).isEqualTo(Rcode.REFUSED);
    ServerConfig config =
        ServerConfig.defaults().withChaosTxt(HOSTNAME, "ns1").withChaosTxt(ID_SERVER, "ams-1");
    assertThat(answer(ch(config, "hostname.bind.", Type.TXT))).containsExactly("hostname.bind. 0 CH TXT ns1");
    assertThat(answer(ch(config, "id.server.", Type.TXT))).containsExactly("id.server. 0 CH TXT ams-1");
  }

  @Test
  @DisplayName("a name can be turned off")
  void versionCanBeOff() {
    ServerConfig off = ServerConfig.defaults().withChaosTxt(Fixture.name("version.bind."), null);
    assertThat(ch(off, "version.bind.", Type.TXT).getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(ch(off, "version.dnsd.", Type.TXT).getRcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  @DisplayName("other CH questions are REFUSED")
  void otherChaosRefused() {
    Message wrongType = ch(ServerConfig.defaults(), "version.bind.", Type.A);
    assertThat(wrongType.getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(aa(wrongType)).isFalse();
    assertThat(ch(ServerConfig.defaults(), "authors.bind.", Type.TXT).getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(ch(ServerConfig.defaults(), "www.example.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
  }

  @Test
  @DisplayName("classes other than IN and CH are REFUSED, even for names in our zones")
  void otherClassesRefused() {
    for (int dclass : new int[] {DClass.HS, DClass.ANY, DClass.NONE, 42}) {
      Message m = udp(new Responder(() -> ZONES, ServerConfig.defaults()), query("www.example.", Type.A, dclass));
      assertThat(m.getRcode()).as(DClass.string(dclass)).isEqualTo(Rcode.REFUSED);
      assertThat(aa(m)).isFalse();
      assertThat(answer(m)).isEmpty();
    }
  }
}
