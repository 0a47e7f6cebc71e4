package dev.dnsd.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.DnsServer;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A control client's RELOAD reaches the handler the host registered, and its answer comes back. */
class ReloadRequestTest {
  private DnsServer server;
  private SyncPrimary sync;

  private void start(SyncPrimary.Builder b) throws IOException {
    sync = b.peer("admin", Zones.CONTROL_SECRET, Role.CONTROL).peer("ns2", Zones.SECRET, Role.SECONDARY).build();
    server = DnsServer.builder().udpThreads(1).extension(sync).build().start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theHandlersSummaryIsTheAnswer() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    start(SyncPrimary.builder().onReload(() -> "reloaded " + calls.incrementAndGet()));
    try (ControlClient control = ControlClient.connect(sync.boundAddress(), "admin", Zones.CONTROL_SECRET)) {
      assertThat(control.reload()).isEqualTo("reloaded 1");
      assertThat(control.reload()).isEqualTo("reloaded 2");
      assertThat(control.listZones()).as("the connection stays usable").isEmpty();
    }
  }

  @Test
  void aFailedReloadIsRefusedWithTheHandlersReasonAndTheConnectionStaysUsable() throws Exception {
    start(SyncPrimary.builder().onReload(() -> {
      throw new IOException("zones/bad.zone:3: bad address; nothing changed");
    }));
    try (ControlClient control = ControlClient.connect(sync.boundAddress(), "admin", Zones.CONTROL_SECRET)) {
      assertThatThrownBy(control::reload)
          .isInstanceOfSatisfying(SyncException.class,
              e -> assertThat(e.reason()).isEqualTo(SyncException.Reason.RELOAD_FAILED))
          .hasMessage("zones/bad.zone:3: bad address; nothing changed");
      assertThat(control.listZones()).isEmpty();
    }
  }

  @Test
  void aPrimaryWithoutAHandlerRefusesReload() throws Exception {
    start(SyncPrimary.builder());
    try (ControlClient control = ControlClient.connect(sync.boundAddress(), "admin", Zones.CONTROL_SECRET)) {
      assertThatThrownBy(control::reload).isInstanceOf(SyncException.class).hasMessageContaining("no reload");
    }
  }

  @Test
  void theHandlerIsSetOnce() {
    SyncPrimary.Builder b = SyncPrimary.builder().onReload(() -> "");
    assertThatThrownBy(() -> b.onReload(() -> "")).isInstanceOf(IllegalStateException.class);
  }
}
