package dev.dnsd.dnssec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;

/**
 * What a store says of a signed zone: its policy, its keys and where each stands, and when its
 * next key event or re-signing is due.
 *
 * <pre>{@code
 * DnssecStatus status = store.dnssec(zone);
 * status.ds().forEach(System.out::println);   // what the parent zone should hold
 * }</pre>
 *
 * @param zone the zone's origin
 * @param policy the policy it is signed by
 * @param keys its keys, in the order they were made
 * @param nextEvent when the zone next needs upkeep (a key to publish, activate or withdraw, or
 *     signatures to make anew); the server's background work commits it then
 */
public record DnssecStatus(Name zone, DnssecPolicy policy, List<Key> keys, Instant nextEvent) {
  /**
   * Keeps a copy of the keys.
   *
   * @param zone the zone's origin
   * @param policy the policy it is signed by
   * @param keys its keys
   * @param nextEvent when it next needs upkeep
   */
  public DnssecStatus {
    keys = List.copyOf(keys);
  }

  /** Where a key stands in its life (RFC 7583). */
  public enum State {
    /** In the DNSKEY RRset, waiting for caches to learn it before it signs (or, for a KSK, before its DS may go to the parent). */
    PUBLISHED,
    /** Signing; for a KSK or CSK also the key whose DS the parent should hold. */
    ACTIVE,
    /** Replaced: still in the DNSKEY RRset until its signatures and DS are gone everywhere. */
    RETIRED
  }

  /**
   * One key.
   *
   * @param tag its key tag
   * @param algorithm its algorithm
   * @param role what it signs
   * @param state where it stands
   * @param dnskey its DNSKEY record
   * @param published when its DNSKEY went into the zone
   * @param active when it began (or begins) to sign
   * @param removal when its DNSKEY is withdrawn, once that is known
   * @param awaitingDs for a KSK or CSK being replaced: it waits for the operator to confirm
   *     that the parent holds the new key's DS
   */
  public record Key(
      int tag,
      DnssecAlgorithm algorithm,
      KeyRole role,
      State state,
      DNSKEYRecord dnskey,
      Instant published,
      Instant active,
      @Nullable Instant removal,
      boolean awaitingDs) {}

  /**
   * The DS records (SHA-256) the parent zone should hold now: the CDS RRset's.
   *
   * @return the DS record
   */
  public List<DSRecord> ds() {
    List<DSRecord> out = new ArrayList<>();
    for (Key k : keys) {
      if (k.role().isSep() && k.state() == State.ACTIVE) {
        out.add(new DSRecord(zone, k.dnskey().getDClass(), policy.dnskeyTtl().getSeconds(), DSRecord.SHA256_DIGEST_ID, k.dnskey()));
      }
    }
    return out;
  }
}
