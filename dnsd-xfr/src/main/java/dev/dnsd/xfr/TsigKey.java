package dev.dnsd.xfr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/**
 * A TSIG key (RFC 8945): its name, HMAC algorithm and shared secret.
 *
 * <pre>{@code
 * TsigKey key = TsigKey.of("transfer-key", "hmac-sha256", "c2VjcmV0IHNlY3JldCBzZWNyZXQ=");
 * TsigKey same = TsigKey.fromFile("transfer-key", "hmac-sha256", Path.of("transfer.key"));
 * }</pre>
 *
 * <p>Immutable. {@link #toString()} never shows the secret.
 */
public final class TsigKey {
  private static final Map<String, Name> ALGORITHMS =
      Map.of(
          "hmac-md5", TSIG.HMAC_MD5,
          "hmac-md5.sig-alg.reg.int", TSIG.HMAC_MD5,
          "hmac-sha1", TSIG.HMAC_SHA1,
          "hmac-sha224", TSIG.HMAC_SHA224,
          "hmac-sha256", TSIG.HMAC_SHA256,
          "hmac-sha384", TSIG.HMAC_SHA384,
          "hmac-sha512", TSIG.HMAC_SHA512);

  private final Name name;
  private final Name algorithm;
  private final byte[] secret;

  private TsigKey(Name name, Name algorithm, byte[] secret) {
    this.name = name;
    this.algorithm = algorithm;
    this.secret = secret;
  }

  /**
   * A key from its base64 secret.
   *
   * @param algorithm {@code hmac-sha256}, {@code hmac-sha1}, {@code hmac-sha224}, {@code
   *     hmac-sha384}, {@code hmac-sha512} or {@code hmac-md5}
   * @throws IllegalArgumentException for an unknown algorithm, a bad name, or a secret that is not
   *     base64 or is empty
   * @param name the key's name
   * @param base64Secret the secret in base64
   * @return the key
   */
  public static TsigKey of(String name, String algorithm, String base64Secret) {
    Name alg = ALGORITHMS.get(algorithm.toLowerCase(Locale.ROOT).replaceAll("\\.$", ""));
    if (alg == null) {
      throw new IllegalArgumentException(
          "unknown TSIG algorithm '" + algorithm + "' for key " + name + "; use one of hmac-sha256,"
              + " hmac-sha1, hmac-sha224, hmac-sha384, hmac-sha512, hmac-md5");
    }
    byte[] secret;
    try {
      secret = Base64.getMimeDecoder().decode(base64Secret.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("TSIG key " + name + ": the secret is not base64", e);
    }
    if (secret.length == 0) {
      throw new IllegalArgumentException("TSIG key " + name + ": the secret is empty");
    }
    try {
      return new TsigKey(Name.fromString(name, Name.root), alg, secret);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("bad TSIG key name '" + name + "': " + e.getMessage(), e);
    }
  }

  /**
   * A key whose base64 secret is the content of a file, so that it stays off command lines.
   *
   * @param name the key's name
   * @param algorithm hmac-sha256, hmac-sha512, ...
   * @param secretFile a file holding the secret in base64
   * @return the key
   * @throws IOException when the file cannot be read
   */
  public static TsigKey fromFile(String name, String algorithm, Path secretFile) throws IOException {
    String content = Files.readString(secretFile, StandardCharsets.US_ASCII);
    try {
      return of(name, algorithm, content);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (file " + secretFile + ")", e);
    }
  }

  /**
   * The key's name, as requests carry it.
   *
   * @return the name
   */
  public Name name() {
    return name;
  }

  /**
   * The algorithm's name as TSIG records carry it, such as {@code hmac-sha256.}.
   *
   * @return the algorithm's name
   */
  public Name algorithm() {
    return algorithm;
  }

  byte[] secret() {
    return secret.clone();
  }

  String macAlgorithm() {
    return TSIG.nameToAlgorithm(algorithm);
  }

  @Override
  public String toString() {
    return "TsigKey[" + name + ", " + algorithm + "]";
  }
}
