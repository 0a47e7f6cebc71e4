package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics endpoint and the query logs, from flags and from the config file. */
class OperatorSettingsTest {
  @TempDir Path dir;

  private Path file(String text) throws IOException {
    Path file = dir.resolve("dnsd.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  @DisplayName("the config file's metrics and query-log keys set what their flags set")
  void configKeysAndFlags() throws IOException {
    Settings s = ConfigFile.read(file("""
        metrics:
          listen: 127.0.0.1:9153
        query-log:
          text: true
          dnstap-file: log/dnsd.dnstap
        """));
    assertThat(s.metricsListen).hasToString("127.0.0.1:9153");
    assertThat(s.queryLogText.value()).isTrue();
    assertThat(s.dnstapFile.value()).isEqualTo(dir.resolve("log/dnsd.dnstap"));
    assertThat(s.dnstapSocket).isNull();

    Settings flags = TestFlags.settings("--metrics-listen", "127.0.0.1:9153", "--query-log", "--dnstap-file",
        "log/dnsd.dnstap");
    assertThat(flags.metricsListen).hasToString("127.0.0.1:9153");
    assertThat(flags.queryLogText.value()).isTrue();
    assertThat(flags.dnstapFile.value()).isEqualTo(Path.of("log/dnsd.dnstap"));

    Settings none = TestFlags.settings();
    assertThat(none.metricsListen).as("off by default").isNull();
    assertThat(none.queryLogText).isNull();
    assertThat(none.dnstapFile).isNull();
    assertThat(none.dnstapSocket).isNull();
  }

  @Test
  @DisplayName("a dnstap flag replaces the file's dnstap output; both are restart settings")
  void override() throws IOException {
    Settings file = ConfigFile.read(file("""
        query-log:
          text: false
          dnstap-file: dnsd.dnstap
        """));
    Settings s = file.overriddenBy(TestFlags.settings("--dnstap-socket", "/run/dnstap.sock",
        "--metrics-listen", "[::1]:9153"));
    assertThat(s.dnstapFile).isNull();
    assertThat(s.dnstapSocket.value()).isEqualTo(Path.of("/run/dnstap.sock"));
    assertThat(s.queryLogText.value()).isFalse();
    assertThat(s.restartNeeded(file)).containsExactly("metrics", "query-log");
  }

  @Test
  @DisplayName("bad values name the file, line and key, or the flag")
  void badValues() throws IOException {
    Path file = file("query-log:\n  text: yes please\n");
    assertThatThrownBy(() -> ConfigFile.read(file)).isInstanceOf(UsageException.class)
        .hasMessage(file + ":2: query-log.text needs true or false: yes please");
    Path both = file("query-log:\n  dnstap-file: a\n  dnstap-socket: b\n");
    assertThatThrownBy(() -> ConfigFile.read(both)).isInstanceOf(UsageException.class)
        .hasMessage(both + ":3: query-log: give dnstap-file or dnstap-socket, not both");
    Path noListen = file("metrics: {}\n");
    assertThatThrownBy(() -> ConfigFile.read(noListen)).isInstanceOf(UsageException.class)
        .hasMessageContaining(noListen + ":1: metrics needs listen");
    Path badAddress = file("metrics:\n  listen: nowhere\n");
    assertThatThrownBy(() -> ConfigFile.read(badAddress)).isInstanceOf(UsageException.class)
        .hasMessageStartingWith(badAddress + ":2: ");
    Path unknown = file("query-log:\n  dnstap: x\n");
    assertThatThrownBy(() -> ConfigFile.read(unknown)).isInstanceOf(UsageException.class)
        .hasMessageContaining(unknown + ":2: unknown key 'query-log.dnstap'");
    assertThatThrownBy(() -> TestFlags.settings("--dnstap-file", "a", "--dnstap-socket", "b"))
        .isInstanceOf(UsageException.class).hasMessageContaining("--dnstap-file and --dnstap-socket");
    assertThatThrownBy(() -> TestFlags.settings("--metrics-listen", "9153"))
        .isInstanceOf(UsageException.class).hasMessageContaining("--metrics-listen");
  }
}
