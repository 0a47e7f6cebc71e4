package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.sync.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/** The YAML config file: what each key sets, and errors that name file, line and key. */
class ConfigFileTest {
  @TempDir Path dir;

  private Path file(String text) throws IOException {
    Path file = dir.resolve("dnsd.yaml");
    Files.writeString(file, text);
    return file;
  }

  private Settings read(String text) throws IOException {
    return ConfigFile.read(file(text));
  }

  private void fails(String text, String... expected) throws IOException {
    Path file = file(text);
    var thrown = assertThatThrownBy(() -> ConfigFile.read(file)).isInstanceOf(UsageException.class);
    for (String e : expected) {
      thrown.hasMessageContaining(e.replace("FILE", file.toString()));
    }
  }

  @Test
  @DisplayName("every key sets what its flag sets; relative paths are from the file's directory")
  void everyKey() throws IOException {
    Settings s = read("""
        listen: [127.0.0.1:10053, "[::1]:10053"]
        threads: 2
        store:
          db: data/dnsd.db
        zone-files: zones
        tsig-keys:
          - name: xfr-key
            algorithm: hmac-sha256
            secret-file: keys/xfr.key
        zones:
          - zone: example.com
            allow-transfer:
              - key: xfr-key
              - prefix: 192.0.2.0/24
            allow-update:
              - key: xfr-key
            notify: [192.0.2.2:53, 192.0.2.3:5300]
          - zone: other.net.
            secondary:
              primary: 192.0.2.9:53
              key: xfr-key
        sync:
          listen: 127.0.0.1:5300
          peers:
            - name: ns2
              role: secondary+control
              secret-file: ns2.secret
          peers-file: peers.conf
          tls:
            keystore: primary.p12
            password-file: /etc/dnsd/tls.password
        """);
    assertThat(s.listen).hasToString("[127.0.0.1:10053, [0:0:0:0:0:0:0:1]:10053]");
    assertThat(s.threads.value()).isEqualTo(2);
    assertThat(s.db.value()).isEqualTo(dir.resolve("data/dnsd.db"));
    assertThat(s.zoneFiles.value()).isEqualTo(dir.resolve("zones"));
    assertThat(s.tsigKeys).hasToString("[xfr-key:hmac-sha256:" + dir.resolve("keys/xfr.key") + "]");
    assertThat(s.allowTransfer).hasToString("[example.com.:key=xfr-key, example.com.:192.0.2.0/24]");
    assertThat(s.allowUpdate).hasToString("[example.com.:key=xfr-key]");
    assertThat(s.notify).hasToString("[example.com.:192.0.2.2:53, example.com.:192.0.2.3:5300]");
    assertThat(s.secondaryZones).hasToString("[other.net.:192.0.2.9:53:key=xfr-key]");
    assertThat(s.syncListen).hasToString("127.0.0.1:5300");
    assertThat(s.peers).singleElement().satisfies(p -> {
      assertThat(p.roles()).isEqualTo(Set.of(Role.SECONDARY, Role.CONTROL));
      assertThat(p.secretFile()).isEqualTo(dir.resolve("ns2.secret"));
    });
    assertThat(s.peersFiles).hasToString("[" + dir.resolve("peers.conf") + "]");
    assertThat(s.tlsKeystore.value()).isEqualTo(dir.resolve("primary.p12"));
    assertThat(s.tlsPasswordFile.value()).isEqualTo(Path.of("/etc/dnsd/tls.password"));
    assertThat(s.notify.get(1).source().line()).as("each value keeps its line").isEqualTo(17);
  }

  @Test
  @DisplayName("catalog zones and signed NOTIFY: catalog, per-zone catalog-group and catalog-coo, catalog-consumers, notify with a key")
  void catalogKeys() throws IOException {
    Settings s = read("""
        catalog: catalog.example
        zones:
          - zone: example.com
            catalog-group: gold
            catalog-coo: other.catalog
            notify:
              - 192.0.2.2:53
              - {address: 192.0.2.3:53, key: xfr-key}
        catalog-consumers:
          - catalog: their.catalog
            primary: 192.0.2.9:53
            key: xfr-key
        """);
    assertThat(s.catalog.value()).hasToString("catalog.example.");
    assertThat(s.catalogGroups).hasToString("[example.com.:gold]");
    assertThat(s.catalogCoo).hasToString("[example.com.:other.catalog.]");
    assertThat(s.notify).hasToString("[example.com.:192.0.2.2:53, example.com.:192.0.2.3:53:key=xfr-key]");
    assertThat(s.catalogConsumers).hasToString("[their.catalog.:192.0.2.9:53:key=xfr-key]");
    fails("catalog-consumers:\n  - catalog: c.test\n", "FILE:2: catalog-consumers[0]", "primary");
    Settings flags = TestFlags.settings("--catalog-consumer", "their.catalog:192.0.2.8:53", "--catalog-group", "example.com:silver");
    Settings both = s.overriddenBy(flags);
    assertThat(both.catalogConsumers).hasToString("[their.catalog.:192.0.2.8:53]");
    assertThat(both.catalogGroups).hasToString("[example.com.:silver]");
    assertThat(both.restartNeeded(s)).containsExactly("catalog", "catalog-consumers");
  }

  @Test
  @DisplayName("an empty file is the defaults")
  void empty() throws IOException {
    Settings s = read("# nothing yet\n");
    assertThat(s.listen).isEmpty();
    assertThat(s.restartNeeded(new Settings())).isEmpty();
  }

  @Test
  @DisplayName("an unknown key names file, line and key, and the keys that are known there")
  void unknownKey() throws IOException {
    fails("threads: 2\nlisen: 127.0.0.1:53\n", "FILE:2: unknown key 'lisen'", "listen");
    fails("zones:\n  - zone: example.com\n    notfy: [192.0.2.1:53]\n", "FILE:3: unknown key 'zones[0].notfy'", "notify");
    fails("sync:\n  tls:\n    keys: x\n", "FILE:3: unknown key 'sync.tls.keys'");
  }

  @Test
  @DisplayName("a bad value names file, line and key")
  void badValues() throws IOException {
    fails("threads: zero\n", "FILE:1: threads needs a positive whole number: zero");
    fails("listen:\n  - 127.0.0.1:53\n  - 127.0.0.1:99999\n", "FILE:3: listen[1] has a bad port");
    fails("zones:\n  - zone: a.test\n  - zone: b.test\n    notify: [192.0.2.1]\n", "FILE:4: zones[1].notify[0] needs HOST:PORT");
    fails("store:\n  memory: yes\n", "FILE:2: store.memory needs true or false: yes");
    fails("sync:\n  peers:\n    - {name: ns2, role: primary, secret-file: s}\n", "FILE:3:", "unknown role 'primary'");
    fails("zones:\n  - zone: a.test\n    allow-transfer:\n      - {key: k, prefix: 10.0.0.0/8}\n",
        "FILE:4: zones[0].allow-transfer[0] needs either key");
  }

  @Test
  @DisplayName("values of the wrong shape, missing keys and repeated keys name the key")
  void shapes() throws IOException {
    fails("listen: [::1]:53\n", "FILE:1:", "an IPv6 address goes in quotes");
    fails("store: dnsd.db\n", "FILE:1: store needs keys and values");
    fails("tsig-keys:\n  - name: k\n    algorithm: hmac-sha256\n", "FILE:2: tsig-keys[0] needs secret-file");
    fails("threads: 1\nthreads: 2\n", "FILE:2:", "threads");
    fails("zones:\n  - zone: a.test\n  - zone: A.TEST.\n", "FILE:3: zones[1].zone", "one");
    fails("threads:\n", "FILE:1: threads needs a value");
  }

  @Test
  @DisplayName("YAML that does not parse names its line")
  void syntax() throws IOException {
    fails("listen: [127.0.0.1:53\nthreads: 2\n", "FILE:", "not valid YAML");
    fails("store:\n  db: a\n   memory: true\n", "FILE:3: not valid YAML");
  }

  @Test
  @DisplayName("a missing file is named")
  void missing() {
    Path none = dir.resolve("none.yaml");
    assertThatThrownBy(() -> ConfigFile.read(none)).isInstanceOf(IOException.class).hasMessageContaining(none + " does not exist");
  }

  @Test
  @DisplayName("a key an ACL names but no entry defines is reported at the ACL's line")
  void undefinedKey() throws IOException {
    Settings s = read("zones:\n  - zone: a.test\n    allow-transfer:\n      - key: nobody\n");
    assertThatThrownBy(() -> XfrSettings.build(s)).isInstanceOf(UsageException.class)
        .hasMessageContaining(dir.resolve("dnsd.yaml") + ":4: zones[0].allow-transfer[0] names the TSIG key nobody");
  }

  @Test
  @DisplayName("flags override the file: a value, the listen list, and keys and zones by name")
  void flagsOverride() throws Exception {
    Path secret = SyncCluster.secretFile(dir, "k.key", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMw==\n");
    Settings file = read("""
        listen: [127.0.0.1:1053, 127.0.0.1:2053]
        threads: 4
        store: {db: file.db}
        tsig-keys:
          - {name: a, algorithm: hmac-sha256, secret-file: k.key}
          - {name: b, algorithm: hmac-sha256, secret-file: k.key}
        zones:
          - zone: one.test
            notify: [192.0.2.1:53]
          - zone: two.test
            notify: [192.0.2.2:53]
        """);
    Settings flags = TestFlags.settings("--listen", "127.0.0.1:3053", "--memory",
        "--tsig-key", "b:hmac-sha512:" + secret, "--notify", "two.test:192.0.2.9:53");
    Settings s = file.overriddenBy(flags);
    assertThat(s.listen).hasToString("[127.0.0.1:3053]");
    assertThat(s.threads.value()).isEqualTo(4);
    assertThat(s.db).isNull();
    assertThat(StoreSettings.inMemory(s)).isTrue();
    assertThat(s.tsigKeys).extracting(Settings.TsigKey::toString)
        .containsExactly("a:hmac-sha256:" + secret, "b:hmac-sha512:" + secret);
    assertThat(s.notify).hasToString("[one.test.:192.0.2.1:53, two.test.:192.0.2.9:53]");
    assertThat(s.restartNeeded(file)).containsExactly("listen", "store", "tsig-keys", "notify");
    assertThat(s.notify.get(0).zone()).isEqualTo(Name.fromString("one.test."));
  }
}
