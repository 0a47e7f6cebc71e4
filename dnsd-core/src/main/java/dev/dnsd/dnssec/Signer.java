package dev.dnsd.dnssec;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * What signing a zone at one moment takes: the policy, the keys that sign its data and those that
 * sign its key RRsets, the DNSKEY, CDS and CDNSKEY records its apex is to hold, and the time. A
 * store makes one for each commit to a signed zone from the zone's keys and their timeline, and
 * the zone editor signs with it ({@link dev.dnsd.zone.Zone.Editor#sign}).
 *
 * <pre>{@code
 * Signer signer = new Signer(policy, List.of(csk), List.of(csk), apexRecords, clock.instant());
 * List<RRSIGRecord> sigs = signer.sign(owner, Type.A, records);
 * }</pre>
 *
 * <p>Immutable and thread-safe: a large zone's signatures are made on several threads at once.
 */
public final class Signer {
  private final DnssecPolicy policy;
  private final List<SigningKey> zoneKeys;
  private final List<SigningKey> keyKeys;
  private final List<Record> apexRecords;
  private final Instant now;
  private final Instant inception;
  private final long jitterSeconds;

  /**
   * A signer for one moment.
   *
   * @param policy the policy
   * @param zoneKeys the keys whose signatures every RRset but the key RRsets carries (the active
   *     ZSKs or CSKs)
   * @param keyKeys the keys that sign the DNSKEY, CDS and CDNSKEY RRsets (the published KSKs or
   *     CSKs)
   * @param apexRecords the DNSKEY, CDS and CDNSKEY records the apex holds
   * @param now the moment of signing
   * @throws IllegalArgumentException without a key of either kind, or without a DNSKEY record
   */
  public Signer(
      DnssecPolicy policy, List<SigningKey> zoneKeys, List<SigningKey> keyKeys,
      List<Record> apexRecords, Instant now) {
    if (zoneKeys.isEmpty() || keyKeys.isEmpty()) {
      throw new IllegalArgumentException("a signed zone needs a key for its data and one for its DNSKEY RRset");
    }
    if (apexRecords.stream().noneMatch(r -> r.getType() == Type.DNSKEY)) {
      throw new IllegalArgumentException("a signed zone's apex holds at least one DNSKEY record");
    }
    this.policy = policy;
    this.zoneKeys = List.copyOf(zoneKeys);
    this.keyKeys = List.copyOf(keyKeys);
    this.apexRecords = List.copyOf(apexRecords);
    this.now = now.truncatedTo(ChronoUnit.SECONDS);
    this.inception = this.now.minus(policy.inceptionOffset());
    this.jitterSeconds = policy.signatureJitter().getSeconds();
  }

  /**
   * The policy signatures are made by.
   *
   * @return the policy
   */
  public DnssecPolicy policy() {
    return policy;
  }

  /**
   * The moment of signing, to the second.
   *
   * @return the moment
   */
  public Instant now() {
    return now;
  }

  /**
   * The DNSKEY, CDS and CDNSKEY records of the apex.
   *
   * @return the records
   */
  public List<Record> apexRecords() {
    return apexRecords;
  }

  /**
   * Whether RRsets of this type are signed by the key-signing keys: DNSKEY, CDS and CDNSKEY.
   *
   * @param type the type of the RRset
   * @return whether it is
   */
  public static boolean isKeyType(int type) {
    return type == Type.DNSKEY || type == Type.CDS || type == Type.CDNSKEY;
  }

  /**
   * The signatures of an RRset, one per key that signs its type.
   *
   * @param owner the owner name
   * @param records the RRset's records
   * @param type the type of the RRset
   * @return the signatures
   */
  public List<RRSIGRecord> sign(Name owner, int type, List<Record> records) {
    RRset set = new RRset(records);
    Instant expiration = now.plus(policy.signatureValidity()).minusSeconds(jitter(owner, type));
    List<SigningKey> keys = isKeyType(type) ? keyKeys : zoneKeys;
    List<RRSIGRecord> out = new ArrayList<>(keys.size());
    for (SigningKey key : keys) {
      out.add(key.sign(set, inception, expiration));
    }
    return out;
  }

  /**
   * Whether the signatures an RRset of this type carries can stay: made by exactly the keys that
   * sign its type now, already valid, and further from expiry than the refresh period.
   *
   * @param sigs the signatures it carries
   * @param type the type of the RRset
   * @return whether they can stay
   */
  public boolean fresh(int type, List<RRSIGRecord> sigs) {
    List<SigningKey> keys = isKeyType(type) ? keyKeys : zoneKeys;
    if (sigs.size() != keys.size()) {
      return false;
    }
    Instant due = now.plus(policy.signatureRefresh());
    for (SigningKey key : keys) {
      boolean found = false;
      for (RRSIGRecord sig : sigs) {
        if (sig.getFootprint() == key.tag()
            && sig.getAlgorithm() == key.algorithm().number()
            && !sig.getTimeSigned().isAfter(now)
            && sig.getExpire().isAfter(due)) {
          found = true;
          break;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  /** A fixed share of the jitter per RRset: spread, and the same on every thread that signs. */
  private long jitter(Name owner, int type) {
    if (jitterSeconds == 0) {
      return 0;
    }
    long h = owner.hashCode() * 0x9E3779B97F4A7C15L + type;
    h ^= h >>> 29;
    return Math.floorMod(h, jitterSeconds + 1);
  }

  @Override
  public String toString() {
    return "Signer[" + policy.algorithm() + ", " + zoneKeys.size() + " zone key(s), " + keyKeys.size()
        + " key-signing key(s), at " + now + "]";
  }
}
