package dev.dnsd.bench;

import dev.dnsd.dnssec.DnssecAlgorithm;
import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.dnssec.Signer;
import dev.dnsd.dnssec.SigningKey;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * One RRSIG: the unit of a zone's signing, what signing the 1,000,000-record harness zone does
 * two million times. A name of that zone with its one A record, signed by
 *
 * <ul>
 *   <li>{@code dnsjava}: {@code DNSSEC.sign}, a new JCA {@code Signature} looked up and
 *       initialised per call and the DER signature converted (what dnsd did before);
 *   <li>{@code key}: {@link SigningKey#sign}, a pooled initialised {@code Signature} per thread,
 *       the canonical data written into a reused buffer, ECDSA in P1363 form;
 *   <li>{@code signer}: {@link Signer#sign}, what a commit calls per RRset: {@code key} plus the
 *       RRset built from the zone's records and the expiry's jitter.
 * </ul>
 *
 * <pre>
 * mvn -q -pl dnsd-bench -am package -DskipTests
 * java -jar dnsd-bench/target/benchmarks.jar Signature -f 1 -wi 3 -i 5 -w 2s -r 2s
 * java -jar dnsd-bench/target/benchmarks.jar Signature -p algorithm=ECDSAP256SHA256 -prof stack
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SignatureBenchmark {
  @Param({"ECDSAP256SHA256", "ED25519", "RSASHA256"})
  public String algorithm;

  @Param({"dnsjava", "key", "signer"})
  public String path;

  private static final Name OWNER = BenchZone.host(123_456);

  private RRset rrset;
  private List<Record> records;
  private Instant inception;
  private Instant expiration;
  private SigningKey key;
  private Signer signer;
  private DNSKEYRecord dnskey;
  private KeyPair pair;

  @Setup
  public void setUp() throws GeneralSecurityException, DNSSEC.DNSSECException {
    DnssecAlgorithm alg = DnssecAlgorithm.parse(algorithm);
    Record a = BenchZone.a(OWNER, 123_456);
    rrset = new RRset(a);
    records = List.of(a);
    inception = Instant.now().minusSeconds(3600);
    expiration = inception.plusSeconds(14 * 86400);
    key = SigningKey.generate(BenchZone.ORIGIN, alg, true);
    signer = new Signer(DnssecPolicy.builder().algorithm(alg).build(), List.of(key), List.of(key),
        List.of(key.dnskey()), Instant.now());
    pair = generate(alg);
    dnskey = new DNSKEYRecord(BenchZone.ORIGIN, DClass.IN, 3600, SigningKey.KSK_FLAGS,
        DNSKEYRecord.Protocol.DNSSEC, alg.number(), pair.getPublic());
    if (!path.equals("dnsjava") && !path.equals("key") && !path.equals("signer")) {
      throw new IllegalArgumentException("path must be dnsjava, key or signer: " + path);
    }
  }

  private static KeyPair generate(DnssecAlgorithm alg) throws GeneralSecurityException {
    KeyPairGenerator g;
    switch (alg) {
      case RSASHA256 -> {
        g = KeyPairGenerator.getInstance("RSA");
        g.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4));
      }
      case ECDSAP256SHA256 -> {
        g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
      }
      default -> g = KeyPairGenerator.getInstance("Ed25519");
    }
    return g.generateKeyPair();
  }

  @Benchmark
  public Object sign() throws DNSSEC.DNSSECException {
    return switch (path) {
      case "dnsjava" -> DNSSEC.sign(rrset, dnskey, pair.getPrivate(), inception, expiration);
      case "key" -> key.sign(rrset, inception, expiration);
      default -> signer.sign(OWNER, Type.A, records);
    };
  }
}
