package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dnsd.testing.DnsTestServer;
import dev.dnsd.testing.StartStop;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Type;

class ResolverTest {
  @StartStop DnsTestServer dns = DnsTestServer.withZone("example.com.", "www A 192.0.2.1");

  @Test
  void resolves() throws Exception {
    assertEquals(List.of("192.0.2.1"), dns.answers("www.example.com", Type.A));
  }

  @Test
  void slf4jApiIsVersion2() {
    String jar = LoggerFactory.class.getProtectionDomain().getCodeSource().getLocation().toString();
    System.out.println("slf4j-api jar: " + jar);
    assertTrue(jar.contains("/org/slf4j/slf4j-api/2."), jar);
  }
}
