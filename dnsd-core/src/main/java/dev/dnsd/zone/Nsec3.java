package dev.dnsd.zone;

import java.security.NoSuchAlgorithmException;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.utils.base32;

/** NSEC3 owner names (RFC 5155 §5): the base32hex hash of a name as a label under the apex. */
final class Nsec3 {
  private static final base32 B32HEX = new base32(base32.Alphabet.BASE32HEX, false, true);

  private Nsec3() {}

  /** The hashed owner name of {@code name} in the zone at {@code origin}. */
  static Name owner(Name origin, NSEC3PARAMRecord param, Name name) {
    try {
      return owner(origin, param.hashName(name));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-1, which NSEC3 hashes with", e);
    }
  }

  static Name owner(Name origin, byte[] hash) {
    try {
      return new Name(B32HEX.toString(hash), origin);
    } catch (TextParseException e) {
      throw new IllegalStateException("a hash label that does not parse", e);
    }
  }

  /** The hash a hashed owner name stands for: its first label, decoded. */
  static byte[] hash(Name owner) {
    byte[] hash = B32HEX.fromString(owner.getLabelString(0));
    if (hash == null) {
      throw new IllegalArgumentException("not a hashed owner name: " + owner);
    }
    return hash;
  }
}
