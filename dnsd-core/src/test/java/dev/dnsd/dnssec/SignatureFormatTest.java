package dev.dnsd.dnssec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;

/**
 * dnsd's own signing path (a pooled JCA signature over canonical data it writes itself) checked
 * against dnsjava's: the signed data byte for byte, and every signature verified by {@code
 * DNSSEC.verify}.
 */
class SignatureFormatTest {
  private static final Name ZONE = Name.fromConstantString("example.com.");
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  /** RRsets whose canonical form differs from their presentation: case, order, wildcards. */
  private static List<RRset> rrsets() throws IOException {
    return List.of(
        set("example.com. 3600 IN SOA ns1.Example.COM. Hostmaster.example.com. 1 7200 3600 1209600 300"),
        set("example.com. 3600 IN NS NS2.example.com.", "example.com. 3600 IN NS ns1.example.com."),
        set("WWW.Example.com. 300 IN A 192.0.2.9", "www.example.com. 300 IN A 192.0.2.10",
            "www.example.com. 300 IN A 192.0.2.1"),
        set("*.wild.example.com. 60 IN MX 10 Mail.Example.com.", "*.wild.example.com. 60 IN MX 5 b.example.com."),
        set("t.example.com. 60 IN TXT \"ab\"", "t.example.com. 60 IN TXT \"a\"", "t.example.com. 60 IN TXT \"\""),
        // One RDATA a prefix of the other: the shorter sorts first (RFC 4034 §6.3).
        set("u.example.com. 60 IN TYPE65280 \\# 2 0102", "u.example.com. 60 IN TYPE65280 \\# 1 01"),
        set("a.b.c.deep.example.com. 60 IN AAAA 2001:db8::1"));
  }

  private static RRset set(String... lines) throws IOException {
    RRset set = new RRset();
    try (Master master = new Master(new ByteArrayInputStream(
        String.join("\n", lines).getBytes(StandardCharsets.US_ASCII)), Name.root)) {
      for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
        set.addRR(r);
      }
    }
    return set;
  }

  @ParameterizedTest
  @EnumSource(DnssecAlgorithm.class)
  @DisplayName("signatures of every algorithm cover dnsjava's signed data and verify with DNSSEC.verify")
  void verifiesWithDnsjava(DnssecAlgorithm algorithm) throws Exception {
    SigningKey key = SigningKey.generate(ZONE, algorithm, false);
    for (RRset set : rrsets()) {
      // Twice: the second signature comes from the pooled session of the first.
      for (int i = 0; i < 2; i++) {
        RRSIGRecord sig = key.sign(set, NOW.minusSeconds(3600), NOW.plusSeconds(86400 + i));
        DNSSEC.verify(set, sig, key.dnskey(), NOW);
        SignedData data = new SignedData();
        data.write(set, algorithm.number(), sig.getTimeSigned(), sig.getExpire(), key.tag(),
            ZONE.toWireCanonical());
        assertThat(data.toByteArray()).isEqualTo(DNSSEC.digestRRset(sig, set));
        assertThat(sig.getSignature()).hasSize(algorithm == DnssecAlgorithm.RSASHA256 ? 256 : 64);
        assertThat(sig.getLabels()).isEqualTo(set.getName().isWild() ? set.getName().labels() - 2 : set.getName().labels() - 1);
        assertThat(sig.getOrigTTL()).isEqualTo(set.getTTL());
        assertThat(sig.getTTL()).isEqualTo(set.getTTL());
        assertThat(sig.getSigner()).isEqualTo(ZONE);
        assertThat(sig.getFootprint()).isEqualTo(key.tag());
        assertThat(sig.getTypeCovered()).isEqualTo(set.getType());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(DnssecAlgorithm.class)
  @DisplayName("a signature over other data or by another key does not verify")
  void otherDataFails(DnssecAlgorithm algorithm) throws Exception {
    SigningKey key = SigningKey.generate(ZONE, algorithm, false);
    RRset signed = set("www.example.com. 300 IN A 192.0.2.1");
    RRSIGRecord sig = key.sign(signed, NOW.minusSeconds(3600), NOW.plusSeconds(86400));
    RRset other = set("www.example.com. 300 IN A 192.0.2.2");
    assertThatThrownBy(() -> DNSSEC.verify(other, sig, key.dnskey(), NOW))
        .isInstanceOf(DNSSEC.SignatureVerificationException.class);
    SigningKey stranger = SigningKey.generate(ZONE, algorithm, false);
    RRSIGRecord forged = stranger.sign(signed, NOW.minusSeconds(3600), NOW.plusSeconds(86400));
    RRSIGRecord relabelled = new RRSIGRecord(forged.getName(), forged.getDClass(), forged.getTTL(),
        forged.getTypeCovered(), forged.getAlgorithm(), forged.getOrigTTL(), forged.getExpire(),
        forged.getTimeSigned(), key.tag(), ZONE, forged.getSignature());
    assertThatThrownBy(() -> DNSSEC.verify(signed, relabelled, key.dnskey(), NOW))
        .isInstanceOf(DNSSEC.SignatureVerificationException.class);
  }

  @Test
  @DisplayName("one key signing on several threads at once makes signatures that all verify")
  void concurrentSigning() throws Exception {
    SigningKey key = SigningKey.generate(ZONE, DnssecAlgorithm.ECDSAP256SHA256, true);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 100; i++) {
            RRset set = set("h" + thread + "-" + i + ".example.com. 300 IN A 192.0.2." + (i % 250));
            RRSIGRecord sig = key.sign(set, NOW.minusSeconds(3600), NOW.plusSeconds(86400));
            DNSSEC.verify(set, sig, key.dnskey(), NOW);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
