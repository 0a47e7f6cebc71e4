package dev.dnsd.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** What the extension does around whole test classes, run here on their own. */
class LifecycleTest {
  static final List<DnsTestServer> seen = new ArrayList<>();

  private static Events run(Class<?> type) {
    seen.clear();
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(type)).execute().testEvents();
  }

  static class StaticField {
    @StartStop static DnsTestServer dns = DnsTestServer.withZone("example.com.", "www A 192.0.2.1");

    @Test
    void first() {
      seen.add(dns);
      assertThat(dns.isRunning()).isTrue();
    }

    @Test
    void second() {
      seen.add(dns);
      assertThat(dns.isRunning()).isTrue();
    }
  }

  @Test
  void aStaticFieldRunsOneServerForTheClassAndClosesItAfter() {
    run(StaticField.class).assertStatistics(s -> s.succeeded(2).failed(0));
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0)).isSameAs(seen.get(1));
    assertThat(seen.get(0).isRunning()).isFalse();
  }

  static class InstanceField {
    @StartStop DnsTestServer dns = DnsTestServer.withZone("example.com.", "www A 192.0.2.1");

    @Test
    void one() {
      seen.add(dns);
      assertThat(dns.isRunning()).isTrue();
    }

    @Test
    void two() {
      seen.add(dns);
      assertThat(dns.isRunning()).isTrue();
    }
  }

  @Test
  void anInstanceFieldRunsAServerForEachTest() {
    run(InstanceField.class).assertStatistics(s -> s.succeeded(2).failed(0));
    assertThat(seen).hasSize(2).doesNotContainNull();
    assertThat(seen.get(0)).isNotSameAs(seen.get(1));
    assertThat(seen).noneMatch(DnsTestServer::isRunning);
  }

  @ExtendWith(DnsServerExtension.class)
  static class ParameterWithoutZones {
    @Test
    void empty(DnsTestServer dns) throws Exception {
      seen.add(dns);
      assertThat(dns.query("example.com", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
    }
  }

  @Test
  void aParameterWithoutZonesGetsAnEmptyServer() {
    run(ParameterWithoutZones.class).assertStatistics(s -> s.succeeded(1).failed(0));
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).isRunning()).isFalse();
  }

  static class NullField {
    @StartStop DnsTestServer dns;

    @Test
    void never() {}
  }

  @Test
  void aNullFieldFailsTheTestNamingTheClass() {
    Events events = run(NullField.class);
    events.assertStatistics(s -> s.failed(1));
    assertThat(events.failed().stream().findFirst().orElseThrow().getPayload(
            org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow())
        .hasMessageContaining("@StartStop field of " + NullField.class.getName() + " is null");
  }

  @DnsZone(origin = "example.com.", text = "www A not-an-address")
  static class BadZone {
    @Test
    void never(DnsTestServer dns) {}
  }

  @Test
  void aBadZoneFailsTheTestWithItsLine() {
    Events events = run(BadZone.class);
    events.assertStatistics(s -> s.failed(1));
    Throwable failure =
        events.failed().stream().findFirst().orElseThrow()
            .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
            .getThrowable().orElseThrow();
    assertThat(failure).hasStackTraceContaining("[example.com. text]:1:");
  }
}
