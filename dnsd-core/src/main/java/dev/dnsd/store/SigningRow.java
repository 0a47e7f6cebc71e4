package dev.dnsd.store;

import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * A signed zone's DNSSEC policy and keys as a store keeps them: text that a store writes and reads
 * back unchanged, beside the zone, in the same transaction as the change that set it. It holds
 * private keys: keep it where only the store's owner can read it. {@link #toString()} shows the
 * zone only.
 *
 * @param state the text, or null where a commit stopped signing the zone (or deleted it)
 */
public record SigningRow(Name origin, @Nullable String state) {
  @Override
  public String toString() {
    return "SigningRow[" + origin + (state == null ? ", removed]" : "]");
  }
}
