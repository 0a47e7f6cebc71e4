package dev.dnsd.dnssec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;

/**
 * A zone's DNSSEC key: the DNSKEY record that resolvers see and the private key that signs. Made
 * by dnsd, or read from the two files BIND's {@code dnssec-keygen} writes ({@code
 * K<zone>+<alg>+<tag>.key} and {@code .private}, Private-key-format v1.3), and written back in
 * the same form.
 *
 * <pre>{@code
 * SigningKey ksk = SigningKey.generate(zone, DnssecAlgorithm.ECDSAP256SHA256, true);
 * SigningKey imported = SigningKey.readBind(Path.of("Kexample.com.+013+12345.private"));
 * imported.writeBind(Path.of("backup"));   // the .private file is made readable by its owner only
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the private key; nothing in dnsd
 * logs it.
 */
public final class SigningKey {
  /** The DNSKEY flags of a key that signs the DNSKEY RRset (zone key and secure entry point). */
  public static final int KSK_FLAGS = DNSKEYRecord.Flags.ZONE_KEY | DNSKEYRecord.Flags.SEP_KEY;
  /** The DNSKEY flags of a key that signs only the zone's data. */
  public static final int ZSK_FLAGS = DNSKEYRecord.Flags.ZONE_KEY;

  private static final DateTimeFormatter BIND_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final DNSKEYRecord dnskey;
  private final DnssecAlgorithm algorithm;
  private final PrivateKey privateKey;
  private final Instant created;
  private final int tag;
  private final byte[] signerWire;
  private final Queue<Session> sessions = new ConcurrentLinkedQueue<>();

  private SigningKey(DNSKEYRecord dnskey, PrivateKey privateKey, Instant created) {
    this.dnskey = dnskey;
    this.algorithm = DnssecAlgorithm.of(dnskey.getAlgorithm());
    this.privateKey = privateKey;
    this.created = created;
    this.tag = dnskey.getFootprint();
    this.signerWire = dnskey.getName().toWireCanonical();
  }

  /**
   * A new key for the zone.
   *
   * @param sep whether it signs the DNSKEY RRset (a KSK or CSK: flags 257) or only data (a ZSK:
   *     flags 256)
   * @param algorithm the algorithm
   * @param zone the zone's origin
   * @return the key
   */
  public static SigningKey generate(Name zone, DnssecAlgorithm algorithm, boolean sep) {
    return generate(zone, algorithm, sep, Instant.now());
  }

  static SigningKey generate(Name zone, DnssecAlgorithm algorithm, boolean sep, Instant created) {
    KeyPair pair = algorithm.generate(RANDOM);
    try {
      DNSKEYRecord dnskey =
          new DNSKEYRecord(
              zone, DClass.IN, 3600, sep ? KSK_FLAGS : ZSK_FLAGS, DNSKEYRecord.Protocol.DNSSEC,
              algorithm.number(), pair.getPublic());
      return new SigningKey(dnskey, pair.getPrivate(), created.truncatedTo(ChronoUnit.SECONDS));
    } catch (DNSSEC.DNSSECException e) {
      throw new IllegalStateException("dnsjava cannot encode a " + algorithm + " public key", e);
    }
  }

  /**
   * Reads a key from the text of BIND's two key files.
   *
   * @param keyFile the text of the .key file
   * @param privateFile the text of the .private file
   * @return the key
   * @throws IllegalArgumentException saying what is wrong: no DNSKEY record in the key file, an
   *     unknown format or algorithm, a missing field, or a private key that does not belong to
   *     the DNSKEY
   */
  public static SigningKey fromBind(String keyFile, String privateFile) {
    DNSKEYRecord dnskey = readDnskey(keyFile);
    Map<String, String> fields = fields(privateFile);
    String format = fields.get("Private-key-format");
    if (format == null || !format.startsWith("v1.")) {
      throw new IllegalArgumentException(
          "the private key file is not in BIND's Private-key-format v1.x (it says " + format + ")");
    }
    String alg = required(fields, "Algorithm").split("\\s+")[0];
    int number;
    try {
      number = Integer.parseInt(alg);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the private key file's Algorithm is not a number: " + alg);
    }
    if (number != dnskey.getAlgorithm()) {
      throw new IllegalArgumentException(
          "the private key is for algorithm " + number + " but the DNSKEY is for " + dnskey.getAlgorithm());
    }
    DnssecAlgorithm algorithm = DnssecAlgorithm.of(number);
    PrivateKey privateKey;
    try {
      privateKey = decodePrivate(algorithm, fields);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("the private key file holds no usable " + algorithm + " key: " + e.getMessage(), e);
    }
    Instant created = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String c = fields.get("Created");
    if (c != null) {
      try {
        created = Instant.from(BIND_TIME.parse(c.trim()));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("the private key file's Created is not YYYYMMDDHHMMSS: " + c);
      }
    }
    SigningKey key = new SigningKey(dnskey, privateKey, created);
    key.checkPair();
    return key;
  }

  /**
   * Reads a key from BIND's files; either file may be named, the other is found beside it.
   *
   * @param file the .key or the .private file
   * @return the key
   * @throws IOException when a file cannot be read
   * @throws IllegalArgumentException naming the file when its content is wrong
   */
  public static SigningKey readBind(Path file) throws IOException {
    String base = file.getFileName().toString().replaceFirst("\\.(key|private)$", "");
    Path keyPath = file.resolveSibling(base + ".key");
    Path privatePath = file.resolveSibling(base + ".private");
    String keyText = Files.readString(keyPath, StandardCharsets.UTF_8);
    String privateText = Files.readString(privatePath, StandardCharsets.UTF_8);
    try {
      return fromBind(keyText, privateText);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(keyPath + " and " + privatePath + ": " + e.getMessage(), e);
    }
  }

  /**
   * The DNSKEY record, with TTL 3600; a zone publishes it with its own DNSKEY TTL.
   *
   * @return the DNSKEY record
   */
  public DNSKEYRecord dnskey() {
    return dnskey;
  }

  /**
   * The zone the key is for: its DNSKEY's owner.
   *
   * @return the zone's origin
   */
  public Name zone() {
    return dnskey.getName();
  }

  /**
   * The signing algorithm.
   *
   * @return the algorithm
   */
  public DnssecAlgorithm algorithm() {
    return algorithm;
  }

  /**
   * The key tag (RFC 4034 Appendix B) that RRSIG and DS records name it by.
   *
   * @return the key tag
   */
  public int tag() {
    return tag;
  }

  /**
   * Whether the DNSKEY has the SEP flag: the key of a KSK or CSK.
   *
   * @return whether it is
   */
  public boolean isSep() {
    return (dnskey.getFlags() & DNSKEYRecord.Flags.SEP_KEY) != 0;
  }

  /**
   * When the key was made (BIND's Created time, to the second).
   *
   * @return when the key was made
   */
  public Instant created() {
    return created;
  }

  /**
   * The DS record of this key for the parent zone, with the SHA-256 digest (RFC 4509).
   *
   * @param ttl the TTL
   * @return the DS record
   */
  public DSRecord ds(long ttl) {
    return new DSRecord(dnskey.getName(), DClass.IN, ttl, DSRecord.SHA256_DIGEST_ID, dnskey);
  }

  /**
   * Signs an RRset.
   *
   * @param expiration when it expires
   * @param inception when the signature becomes valid
   * @param rrset the RRset
   * @return the signatures
   * @throws IllegalStateException when the JDK refuses to sign (it never should for a key it made)
   */
  public RRSIGRecord sign(RRset rrset, Instant inception, Instant expiration) {
    Session session = sessions.poll();
    if (session == null) {
      session = new Session(algorithm, privateKey);
    }
    byte[] signature;
    try {
      session.data.write(rrset, algorithm.number(), inception, expiration, tag, signerWire);
      session.signature.update(session.data.buffer(), 0, session.data.length());
      signature = session.signature.sign();
    } catch (SignatureException e) {
      // The session's state is unknown after a failure: it is dropped, not pooled.
      throw new IllegalStateException("signing " + rrset.getName() + " with key " + tag + " failed", e);
    }
    sessions.offer(session);
    Name owner = rrset.getName();
    return new RRSIGRecord(
        owner, rrset.getDClass(), rrset.getTTL(), rrset.getType(), algorithm.number(), rrset.getTTL(),
        expiration, inception, tag, dnskey.getName(), signature);
  }

  /**
   * A JCA signature initialised with the key and the buffer of the data it signs, kept for the
   * next RRset rather than looked up and initialised per RRSIG (a few per cent of an ECDSA
   * signature on JDK 25; the JDK's curve arithmetic is the rest). One per thread signing at a
   * time, so the pool of a key stays as small as the number of threads that ever signed with it
   * at once.
   */
  private static final class Session {
    final Signature signature;
    final SignedData data = new SignedData();

    Session(DnssecAlgorithm algorithm, PrivateKey key) {
      try {
        signature = Signature.getInstance(algorithm.jcaSignature());
        signature.initSign(key);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("this JDK cannot sign with " + algorithm + " keys", e);
      }
    }
  }

  /**
   * BIND's base file name: {@code K<zone>+<alg>+<tag>}, without {@code .key} or {@code .private}.
   *
   * @return the base name
   */
  public String bindFileName() {
    return String.format(Locale.ROOT, "K%s+%03d+%05d", dnskey.getName(), algorithm.number(), tag());
  }

  /**
   * The {@code .key} file's text, as {@code dnssec-keygen} writes it.
   *
   * @return the file's text
   */
  public String bindKeyFile() {
    String time = BIND_TIME.format(created);
    return "; This is a " + (isSep() ? "key-signing" : "zone-signing") + " key, keyid " + tag() + ", for "
        + dnskey.getName() + "\n"
        + "; Created: " + time + "\n"
        + dnskey.getName() + " IN DNSKEY " + dnskey.rdataToString() + "\n";
  }

  /**
   * The {@code .private} file's text: the private key. Never log or show it.
   *
   * @return the file's text
   */
  public String bindPrivateFile() {
    StringBuilder out = new StringBuilder();
    out.append("Private-key-format: v1.3\n");
    out.append("Algorithm: ").append(algorithm.number()).append(" (").append(algorithm.name()).append(")\n");
    if (privateKey instanceof RSAPrivateCrtKey rsa) {
      line(out, "Modulus", rsa.getModulus());
      line(out, "PublicExponent", rsa.getPublicExponent());
      line(out, "PrivateExponent", rsa.getPrivateExponent());
      line(out, "Prime1", rsa.getPrimeP());
      line(out, "Prime2", rsa.getPrimeQ());
      line(out, "Exponent1", rsa.getPrimeExponentP());
      line(out, "Exponent2", rsa.getPrimeExponentQ());
      line(out, "Coefficient", rsa.getCrtCoefficient());
    } else if (privateKey instanceof ECPrivateKey ec) {
      out.append("PrivateKey: ").append(base64(fixed(ec.getS(), 32))).append('\n');
    } else if (privateKey instanceof EdECPrivateKey ed) {
      byte[] seed = ed.getBytes().orElseThrow(() -> new IllegalStateException("the Ed25519 key hides its bytes"));
      out.append("PrivateKey: ").append(base64(seed)).append('\n');
    } else {
      throw new IllegalStateException("cannot encode a " + privateKey.getAlgorithm() + " private key");
    }
    String time = BIND_TIME.format(created);
    out.append("Created: ").append(time).append('\n');
    out.append("Publish: ").append(time).append('\n');
    out.append("Activate: ").append(time).append('\n');
    return out.toString();
  }

  /**
   * Writes the two files into the directory; the {@code .private} one is made readable and
   * writable by its owner only before the key is written into it. Refuses to overwrite.
   *
   * @param directory the directory
   * @return the path of the {@code .private} file
   * @throws FileAlreadyExistsException when either file is there already
   * @throws IOException when a file cannot be written
   */
  public Path writeBind(Path directory) throws IOException {
    Path key = directory.resolve(bindFileName() + ".key");
    Path priv = directory.resolve(bindFileName() + ".private");
    if (Files.exists(key) || Files.exists(priv)) {
      throw new FileAlreadyExistsException(Files.exists(key) ? key.toString() : priv.toString());
    }
    try {
      Files.createFile(priv, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(priv); // not a POSIX file system: its default protection applies
    }
    Files.writeString(priv, bindPrivateFile(), StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    Files.writeString(key, bindKeyFile(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
    return priv;
  }

  /**
   * The same key pair with other DNSKEY flags (a KSK used as a ZSK, say); the tag changes.
   *
   * @param flags the DNSKEY flags
   * @return the key with those flags
   */
  public SigningKey withFlags(int flags) {
    if (flags == dnskey.getFlags()) {
      return this;
    }
    DNSKEYRecord other =
        new DNSKEYRecord(dnskey.getName(), DClass.IN, dnskey.getTTL(), flags, dnskey.getProtocol(),
            dnskey.getAlgorithm(), dnskey.getKey());
    return new SigningKey(other, privateKey, created);
  }

  /** Whether the two are the same key pair with the same DNSKEY. */
  @Override
  public boolean equals(Object o) {
    return o instanceof SigningKey k && k.dnskey.equals(dnskey);
  }

  @Override
  public int hashCode() {
    return dnskey.hashCode();
  }

  @Override
  public String toString() {
    return "SigningKey[" + dnskey.getName() + " " + algorithm + " tag " + tag() + (isSep() ? " SEP" : "") + "]";
  }

  private void checkPair() {
    // A signature made with the private key that dnsjava verifies with the DNSKEY's public key:
    // the only check that works alike for every algorithm.
    try {
      Record probe = new TXTRecord(dnskey.getName(), DClass.IN, 0, "dnsd key check");
      RRset set = new RRset(probe);
      Instant now = Instant.now();
      RRSIGRecord sig = sign(set, now.minusSeconds(60), now.plusSeconds(60));
      DNSSEC.verify(set, sig, dnskey, now);
    } catch (DNSSEC.DNSSECException | RuntimeException e) {
      throw new IllegalArgumentException("the private key does not belong to DNSKEY " + tag() + " of " + dnskey.getName(), e);
    }
  }

  private static DNSKEYRecord readDnskey(String keyFile) {
    try (Master master =
        new Master(new ByteArrayInputStream(keyFile.getBytes(StandardCharsets.UTF_8)), Name.root, 3600)) {
      DNSKEYRecord found = null;
      for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
        if (r instanceof DNSKEYRecord k) {
          if (found != null) {
            throw new IllegalArgumentException("the key file holds more than one DNSKEY record");
          }
          found = k;
        }
      }
      if (found == null) {
        throw new IllegalArgumentException("the key file holds no DNSKEY record");
      }
      if (!found.getName().isAbsolute()) {
        throw new IllegalArgumentException("the key file's DNSKEY owner is not absolute: " + found.getName());
      }
      return found;
    } catch (IOException e) {
      throw new IllegalArgumentException("the key file is not a DNSKEY record in master format: " + e.getMessage(), e);
    }
  }

  private static Map<String, String> fields(String privateFile) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : privateFile.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
      }
    }
    return fields;
  }

  private static String required(Map<String, String> fields, String name) {
    String value = fields.get(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("the private key file has no " + name + " field");
    }
    return value;
  }

  private static PrivateKey decodePrivate(DnssecAlgorithm algorithm, Map<String, String> f)
      throws GeneralSecurityException {
    return switch (algorithm) {
      case RSASHA256 ->
          KeyFactory.getInstance("RSA")
              .generatePrivate(
                  new RSAPrivateCrtKeySpec(
                      number(f, "Modulus"), number(f, "PublicExponent"), number(f, "PrivateExponent"),
                      number(f, "Prime1"), number(f, "Prime2"), number(f, "Exponent1"),
                      number(f, "Exponent2"), number(f, "Coefficient")));
      case ECDSAP256SHA256 -> {
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
        yield KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(number(f, "PrivateKey"), spec));
      }
      case ED25519 -> {
        byte[] seed = decode(f, "PrivateKey");
        if (seed.length != 32) {
          throw new IllegalArgumentException("an Ed25519 private key has 32 bytes, not " + seed.length);
        }
        yield KeyFactory.getInstance("Ed25519")
            .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
      }
    };
  }

  private static BigInteger number(Map<String, String> f, String name) {
    return new BigInteger(1, decode(f, name));
  }

  private static byte[] decode(Map<String, String> f, String name) {
    String text = required(f, name);
    try {
      return Base64.getDecoder().decode(text.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the private key file's " + name + " is not base64");
    }
  }

  private static void line(StringBuilder out, String name, BigInteger value) {
    out.append(name).append(": ").append(base64(unsigned(value))).append('\n');
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      byte[] out = new byte[bytes.length - 1];
      System.arraycopy(bytes, 1, out, 0, out.length);
      return out;
    }
    return bytes;
  }

  private static byte[] fixed(BigInteger value, int length) {
    byte[] bytes = unsigned(value);
    if (bytes.length == length) {
      return bytes;
    }
    byte[] out = new byte[length];
    System.arraycopy(bytes, 0, out, length - bytes.length, bytes.length);
    return out;
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
