package dev.dnsd.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

@DnsZone(origin = "example.com.", text = "www A 192.0.2.1")
@DnsZone(resource = "zones/example.org.zone")
class DnsZoneTest {
  private static DnsTestServer forTheClass;
  private static DnsTestServer lastForATest;
  private DnsTestServer fromBeforeEach;

  @BeforeAll
  static void startedOnceForTheClass(DnsTestServer dns) {
    forTheClass = dns;
  }

  @BeforeEach
  void sameServerAsTheTest(DnsTestServer dns) {
    fromBeforeEach = dns;
  }

  @Test
  void theClassZonesAreServed(DnsTestServer dns) throws Exception {
    assertThat(dns).isSameAs(fromBeforeEach).isNotSameAs(forTheClass);
    assertThat(dns.answers("www.example.com", Type.A)).containsExactly("192.0.2.1");
    assertThat(dns.answers("www.example.org", Type.A)).containsExactly("192.0.2.10");
    assertThat(dns.query("www.example.net", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(dns.takeQuery().name()).isEqualTo(Name.fromString("www.example.com."));
    lastForATest = dns;
  }

  @Test
  @DnsZone(
      origin = "example.net.",
      text =
          """
          $TTL 300
          @    SOA  ns.example.net. admin.example.net. 42 3600 600 1209600 300
          @    NS   ns
          ns   A    192.0.2.53
          www  A    192.0.2.80
          """)
  void aMethodAddsItsOwnZonesWithTheirSoa(DnsTestServer dns) throws Exception {
    assertThat(dns.answers("www.example.net", Type.A)).containsExactly("192.0.2.80");
    assertThat(dns.answers("example.net", Type.SOA))
        .containsExactly("ns.example.net. admin.example.net. 42 3600 600 1209600 300");
    assertThat(dns.answers("example.net", Type.NS)).containsExactly("ns.example.net.");
    assertThat(dns.answers("www.example.com", Type.A)).containsExactly("192.0.2.1");
    lastForATest = dns;
  }

  @Test
  void theClassServerServesTheClassZones() throws Exception {
    assertThat(forTheClass.isRunning()).isTrue();
    assertThat(forTheClass.answers("www.example.com", Type.A)).containsExactly("192.0.2.1");
  }

  @AfterAll
  static void eachTestsServerWasClosedAfterIt() {
    assertThat(lastForATest).isNotNull();
    assertThat(lastForATest.isRunning()).isFalse();
    assertThat(forTheClass.isRunning()).isTrue(); // closed after @AfterAll, by the extension
  }
}
