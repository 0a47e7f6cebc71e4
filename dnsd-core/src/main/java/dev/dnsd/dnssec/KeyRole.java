package dev.dnsd.dnssec;

import java.util.Locale;

/** What a zone's key signs. */
public enum KeyRole {
  /** Key-signing key: signs the DNSKEY, CDS and CDNSKEY RRsets; the parent's DS points to it. */
  KSK,
  /** Zone-signing key: signs everything else. */
  ZSK,
  /** Combined signing key: both at once. */
  CSK;

  /**
   * Whether the role's DNSKEY has the SEP flag and the parent holds its DS.
   *
   * @return whether it is
   */
  public boolean isSep() {
    return this != ZSK;
  }

  /**
   * The role of this name, case-insensitive.
   *
   * @param text the text
   * @return the value it names
   * @throws IllegalArgumentException naming the roles
   */
  public static KeyRole parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key role must be ksk, zsk or csk: " + text);
    }
  }
}
