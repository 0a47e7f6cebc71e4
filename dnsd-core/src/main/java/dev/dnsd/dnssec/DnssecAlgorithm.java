package dev.dnsd.dnssec;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Locale;
import org.xbill.DNS.DNSSEC;

/**
 * The signing algorithms dnsd generates keys for and signs with (RFC 8624 lists them as the ones
 * to use): all three with the JDK's own crypto, ED25519 through its EdDSA support (JDK 15+).
 *
 * <pre>{@code
 * DnssecAlgorithm alg = DnssecAlgorithm.parse("ed25519");   // or "15"
 * }</pre>
 */
public enum DnssecAlgorithm {
  /** RSA/SHA-256 (8), with 2048-bit keys. */
  RSASHA256(DNSSEC.Algorithm.RSASHA256, "SHA256withRSA"),
  /** ECDSA on P-256 with SHA-256 (13): the default, small and fast to validate. */
  // The P1363 form is r and s of 32 bytes each, which is what RFC 6605 puts in the RRSIG: no
  // DER to take apart.
  ECDSAP256SHA256(DNSSEC.Algorithm.ECDSAP256SHA256, "SHA256withECDSAinP1363Format"),
  /** Ed25519 (15). */
  ED25519(DNSSEC.Algorithm.ED25519, "Ed25519");

  private final int number;
  private final String jcaSignature;

  DnssecAlgorithm(int number, String jcaSignature) {
    this.number = number;
    this.jcaSignature = jcaSignature;
  }

  /**
   * The algorithm number of DNSKEY, RRSIG and DS records.
   *
   * @return the number
   */
  public int number() {
    return number;
  }

  /**
   * The algorithm with this mnemonic (case-insensitive) or number.
   *
   * @param text the text
   * @return the value it names
   * @throws IllegalArgumentException naming the algorithms dnsd signs with
   */
  public static DnssecAlgorithm parse(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    for (DnssecAlgorithm a : values()) {
      if (a.name().equals(t) || Integer.toString(a.number).equals(t)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unsupported DNSSEC algorithm " + text + ": dnsd signs with ECDSAP256SHA256 (13), ED25519 (15)"
            + " or RSASHA256 (8)");
  }

  /**
   * The algorithm with this number.
   *
   * @param number the algorithm number
   * @return the value with that number
   * @throws IllegalArgumentException for an algorithm dnsd does not sign with
   */
  public static DnssecAlgorithm of(int number) {
    for (DnssecAlgorithm a : values()) {
      if (a.number == number) {
        return a;
      }
    }
    throw new IllegalArgumentException("unsupported DNSSEC algorithm " + number + " (" + DNSSEC.Algorithm.string(number) + ")");
  }

  /** The JCA signature algorithm whose output is the RRSIG's signature field as it is. */
  String jcaSignature() {
    return jcaSignature;
  }

  KeyPair generate(SecureRandom random) {
    try {
      KeyPairGenerator g;
      switch (this) {
        case RSASHA256 -> {
          g = KeyPairGenerator.getInstance("RSA");
          g.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4), random);
        }
        case ECDSAP256SHA256 -> {
          g = KeyPairGenerator.getInstance("EC");
          g.initialize(new ECGenParameterSpec("secp256r1"), random);
        }
        default -> {
          g = KeyPairGenerator.getInstance("Ed25519");
          g.initialize(255, random);
        }
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot generate " + name() + " keys", e);
    }
  }
}
