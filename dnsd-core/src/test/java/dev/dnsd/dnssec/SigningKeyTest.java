package dev.dnsd.dnssec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;

class SigningKeyTest {
  private static final Name ZONE = Name.fromConstantString("example.com.");

  /** Key files as BIND 9.18's dnssec-keygen wrote them. */
  private static String resource(String name) throws IOException {
    try (InputStream in = SigningKeyTest.class.getResourceAsStream("/bind-keys/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void signsAndVerifies(SigningKey key) throws Exception {
    RRset set = new RRset(new ARecord(key.zone(), DClass.IN, 300, InetAddress.getByName("192.0.2.1")));
    Instant now = Instant.now();
    RRSIGRecord sig = key.sign(set, now.minusSeconds(60), now.plusSeconds(3600));
    DNSSEC.verify(set, sig, key.dnskey(), now);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Kexample.com.+013+17362", "Kexample.com.+015+13015", "Kexample.com.+008+58830"})
  @DisplayName("keys that dnssec-keygen wrote are read with their DNSKEY, tag and flags, and sign")
  void readsBindKeys(String base) throws Exception {
    SigningKey key = SigningKey.fromBind(resource(base + ".key"), resource(base + ".private"));
    assertThat(key.bindFileName()).isEqualTo(base);
    assertThat(key.zone()).isEqualTo(ZONE);
    assertThat(key.isSep()).isEqualTo(base.endsWith("17362"));
    signsAndVerifies(key);
  }

  @ParameterizedTest
  @EnumSource(DnssecAlgorithm.class)
  @DisplayName("a generated key written as BIND files reads back as the same key")
  void roundTrip(DnssecAlgorithm algorithm, @TempDir Path dir) throws Exception {
    SigningKey key = SigningKey.generate(ZONE, algorithm, true);
    Path priv = key.writeBind(dir);
    assertThat(Files.getPosixFilePermissions(priv)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    SigningKey back = SigningKey.readBind(priv);
    assertThat(back).isEqualTo(key);
    assertThat(back.tag()).isEqualTo(key.tag());
    assertThat(back.bindPrivateFile()).isEqualTo(key.bindPrivateFile());
    signsAndVerifies(back);
    assertThatThrownBy(() -> key.writeBind(dir)).isInstanceOf(FileAlreadyExistsException.class);
  }

  @Test
  @DisplayName("toString shows the zone, algorithm and tag, never the private key")
  void toStringHidesTheSecret() throws IOException {
    SigningKey key =
        SigningKey.fromBind(resource("Kexample.com.+013+17362.key"), resource("Kexample.com.+013+17362.private"));
    assertThat(key.toString()).contains("example.com.", "17362").doesNotContain("GH2CJcFw");
  }

  @Test
  @DisplayName("a private key of another DNSKEY, a wrong format or a missing field is refused with the reason")
  void refusesBadFiles() throws IOException {
    String ecKey = resource("Kexample.com.+013+17362.key");
    String edPrivate = resource("Kexample.com.+015+13015.private");
    String ecPrivate = resource("Kexample.com.+013+17362.private");
    assertThatThrownBy(() -> SigningKey.fromBind(ecKey, edPrivate)).hasMessageContaining("algorithm 15");
    String other = SigningKey.generate(ZONE, DnssecAlgorithm.ECDSAP256SHA256, true).bindPrivateFile();
    assertThatThrownBy(() -> SigningKey.fromBind(ecKey, other)).hasMessageContaining("does not belong");
    assertThatThrownBy(() -> SigningKey.fromBind(ecKey, ecPrivate.replace("v1.3", "v2.0")))
        .hasMessageContaining("v1.x");
    assertThatThrownBy(() -> SigningKey.fromBind(ecKey, ecPrivate.replaceAll("PrivateKey:.*\n", "")))
        .hasMessageContaining("no PrivateKey");
    assertThatThrownBy(() -> SigningKey.fromBind("; nothing", ecPrivate)).hasMessageContaining("no DNSKEY");
  }

  @Test
  @DisplayName("algorithms are named by mnemonic or number; others are refused naming the supported ones")
  void algorithms() {
    assertThat(DnssecAlgorithm.parse("ed25519")).isEqualTo(DnssecAlgorithm.ED25519);
    assertThat(DnssecAlgorithm.parse("13")).isEqualTo(DnssecAlgorithm.ECDSAP256SHA256);
    assertThatThrownBy(() -> DnssecAlgorithm.parse("RSASHA1")).hasMessageContaining("ECDSAP256SHA256 (13)");
  }

  @Test
  @DisplayName("a policy refuses refresh and jitter that leave nothing of the validity")
  void policyRules() {
    assertThatThrownBy(() -> DnssecPolicy.builder()
            .signatureValidity(java.time.Duration.ofDays(2)).signatureRefresh(java.time.Duration.ofDays(2)).build())
        .hasMessageContaining("signatureRefresh");
    assertThatThrownBy(() -> DnssecPolicy.builder().denial(DnssecPolicy.Denial.NSEC).denial(DnssecPolicy.Denial.NSEC3))
        .hasMessageContaining("denial was already set");
    assertThat(DnssecPolicy.defaults().signatureRefresh()).isEqualTo(java.time.Duration.ofHours(84));
  }
}
