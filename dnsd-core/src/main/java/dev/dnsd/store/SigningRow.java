package dev.dnsd.store;

import dev.dnsd.dnssec.DnssecStatus;
import dev.dnsd.dnssec.SigningKey;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * A signed zone's DNSSEC policy and keys as a store keeps them: text that a store writes and reads
 * back unchanged, beside the zone, in the same transaction as the change that set it. It holds
 * private keys: keep it where only the store's owner can read it. {@link #toString()} shows the
 * zone only.
 *
 * @param origin the zone
 * @param state the text, or null where a commit stopped signing the zone (or deleted it)
 */
public record SigningRow(Name origin, @Nullable String state) {
  /**
   * What the row says of the zone's keys at a moment, for a reader of a store that is not open (a
   * command beside a running server); null for a removed row.
   *
   * @param now the moment of signing
   * @return the status, or null
   * @throws StoreException when the row does not read (its text is not shown: it holds keys)
   */
  public @Nullable DnssecStatus status(Instant now) {
    if (state == null) {
      return null;
    }
    try {
      return ZoneKeysCodec.decode(origin, state).status(now);
    } catch (IllegalArgumentException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /**
   * The zone's keys, private parts included: what exporting them as BIND's key files takes.
   *
   * @return the keys
   * @throws StoreException when the row does not read
   */
  public List<SigningKey> keys() {
    if (state == null) {
      return List.of();
    }
    try {
      return ZoneKeysCodec.decode(origin, state).keys.stream().map(ZoneKeys.Key::key).toList();
    } catch (IllegalArgumentException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "SigningRow[" + origin + (state == null ? ", removed]" : "]");
  }
}
