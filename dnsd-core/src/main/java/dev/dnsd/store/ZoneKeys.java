package dev.dnsd.store;

import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.dnssec.DnssecStatus;
import dev.dnsd.dnssec.KeyRole;
import dev.dnsd.dnssec.Signer;
import dev.dnsd.dnssec.SigningKey;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * A signed zone's policy and keys, and where each key stands in its life: what a store keeps
 * beside the zone, so that a restart resumes a rollover where it was. Immutable; each operation
 * returns the next state, and a commit that changes it stores it with the zone's change.
 *
 * <p>Key timeline (RFC 7583). A new key is published at once and signs (or, for a KSK, becomes
 * the one whose DS the parent should hold) once every cache can have seen it: {@link
 * DnssecPolicy#publishSafety()} after it was really published, however late that was. The newest
 * such ZSK or CSK signs the zone's data; every published KSK or CSK signs the DNSKEY RRset (a
 * double signature during a KSK rollover). A replaced ZSK stays published until a sweep that began
 * after it stopped signing has replaced its last signature and the largest TTL has passed; a
 * replaced KSK or CSK until the operator confirms the parent's DS (or the policy's {@code dsWait}
 * passed) and the parent's DS TTL has passed too.
 *
 * <p>The sweep's progress is kept in memory only: after a restart a sweep starts from the top.
 */
final class ZoneKeys {
  /**
   * One key.
   *
   * @param publish when its DNSKEY was to be published
   * @param published when it was, or null until then
   * @param active when it was to start signing; it starts as late as its publication was late
   * @param leaving a KSK or CSK with a successor: it goes once the parent's DS changed
   * @param confirmed when the parent's DS was confirmed to point to the successor
   * @param clean when a sweep found no signature by it left (a replaced ZSK or CSK)
   * @param remove when its DNSKEY is withdrawn, once known
   */
  record Key(
      SigningKey key,
      KeyRole role,
      Instant publish,
      @Nullable Instant published,
      Instant active,
      boolean leaving,
      @Nullable Instant confirmed,
      @Nullable Instant clean,
      @Nullable Instant remove) {

    /** When it really starts to sign; far in the future while it is not published. */
    Instant effectiveActive() {
      if (published == null) {
        return Instant.MAX;
      }
      Instant late = published.plus(Duration.between(publish, active));
      return late.isAfter(active) ? late : active;
    }

    boolean inZone(Instant t) {
      return published != null && (remove == null || t.isBefore(remove));
    }

    boolean ready(Instant t) {
      return !effectiveActive().isAfter(t);
    }

    int tag() {
      return key.tag();
    }

    Key with(@Nullable Instant newPublished, boolean newLeaving, @Nullable Instant newConfirmed,
        @Nullable Instant newClean, @Nullable Instant newRemove) {
      return new Key(key, role, publish, newPublished, active, newLeaving, newConfirmed, newClean, newRemove);
    }
  }

  /**
   * The sweep: where it is, and what the last whole pass found; and which keys the zone's apex and
   * signatures were last made with ({@link #keyState}). Not stored.
   */
  record Sweep(
      @Nullable Name cursor,
      Instant passStart,
      int passSigner,
      @Nullable Instant passEarliest,
      long passMaxTtl,
      Instant next,
      int lastSigner,
      long maxTtl,
      String applied) {
    static final Sweep FRESH = new Sweep(null, Instant.EPOCH, -1, null, 0, Instant.EPOCH, -1, 0, "");

    Sweep applied(String keys) {
      return new Sweep(cursor, passStart, passSigner, passEarliest, passMaxTtl, next, lastSigner, maxTtl, keys);
    }
  }

  final Name origin;
  /** Null only between importing a key and signing the zone in the same change set. */
  final @Nullable DnssecPolicy policy;
  final List<Key> keys;
  final Sweep sweep;

  ZoneKeys(Name origin, @Nullable DnssecPolicy policy, List<Key> keys, Sweep sweep) {
    this.origin = origin;
    this.policy = policy;
    this.keys = List.copyOf(keys);
    this.sweep = sweep;
  }

  static ZoneKeys unsigned(Name origin) {
    return new ZoneKeys(origin, null, List.of(), Sweep.FRESH);
  }

  DnssecPolicy policy() {
    if (policy == null) {
      throw new InvalidZoneException("zone " + origin + " has keys but no DNSSEC policy: sign it in the same change");
    }
    return policy;
  }

  /** Whether the stored part (policy and keys) is the same; the sweep's progress is not stored. */
  boolean sameStored(@Nullable ZoneKeys other) {
    return other != null && Objects.equals(policy, other.policy) && keys.equals(other.keys);
  }

  private ZoneKeys with(List<Key> newKeys) {
    return new ZoneKeys(origin, policy, newKeys, sweep);
  }

  ZoneKeys withPolicy(DnssecPolicy p) {
    if (policy != null && !keys.isEmpty()) {
      if (p.algorithm() != policy.algorithm()) {
        throw new InvalidZoneException(
            "zone " + origin + " is signed with " + policy.algorithm() + "; dnsd does not roll algorithms (to "
                + p.algorithm() + "): unsign and sign it again, with a new DS at the parent");
      }
      if (p.keys() != policy.keys()) {
        throw new InvalidZoneException(
            "zone " + origin + " is signed with a " + policy.keys() + " key scheme; changing it to " + p.keys()
                + " is not supported: unsign and sign it again");
      }
    }
    for (Key k : keys) {
      checkFits(k.key(), k.role(), p);
    }
    return new ZoneKeys(origin, p, keys, sweep);
  }

  private void checkFits(SigningKey key, KeyRole role, DnssecPolicy p) {
    if (key.algorithm() != p.algorithm()) {
      throw new InvalidZoneException(
          "key " + key.tag() + " is " + key.algorithm() + " but zone " + origin + " is signed with " + p.algorithm());
    }
    boolean fits = p.keys() == DnssecPolicy.KeyScheme.CSK ? role == KeyRole.CSK : role != KeyRole.CSK;
    if (!fits) {
      throw new InvalidZoneException(
          "zone " + origin + " has a " + p.keys() + " key scheme, which has no " + role);
    }
  }

  /** Adds the keys a newly signed zone lacks, signing from now. */
  ZoneKeys ensureKeys(Instant now) {
    DnssecPolicy p = policy();
    List<KeyRole> roles = p.keys() == DnssecPolicy.KeyScheme.CSK ? List.of(KeyRole.CSK) : List.of(KeyRole.KSK, KeyRole.ZSK);
    List<Key> out = new ArrayList<>(keys);
    for (KeyRole role : roles) {
      if (keys.stream().noneMatch(k -> k.role() == role)) {
        out.add(initial(SigningKey.generate(origin, p.algorithm(), role.isSep()), role, now));
      }
    }
    return with(out);
  }

  private static Key initial(SigningKey key, KeyRole role, Instant now) {
    return new Key(key, role, now, now, now, false, null, null, null);
  }

  /**
   * Adds a key read from elsewhere: the zone starts with it when it is not signed yet, and rolls
   * to it (as {@link #rollover} does with a key of its own) when it is.
   */
  ZoneKeys importKey(SigningKey key, KeyRole role, Instant now, boolean signedAlready) {
    if (!key.zone().equals(origin)) {
      throw new InvalidZoneException("key " + key.tag() + " is for zone " + key.zone() + ", not " + origin);
    }
    if (key.isSep() != role.isSep()) {
      throw new InvalidZoneException(
          "key " + key.tag() + " has DNSKEY flags " + key.dnskey().getFlags() + ", which do not fit a " + role);
    }
    if (policy != null) {
      checkFits(key, role, policy);
    }
    for (Key k : keys) {
      if (k.tag() == key.tag()) {
        throw new InvalidZoneException("zone " + origin + " has a key with tag " + key.tag() + " already");
      }
    }
    if (!signedAlready) {
      List<Key> out = new ArrayList<>(keys);
      out.add(initial(key, role, now));
      return with(out);
    }
    return roll(role, key, now);
  }

  /**
   * Starts a rollover to a new key of the role (RFC 7583 §3.2.1 pre-publication, §3.3.2
   * double-KSK). In a zone with one combined key, a KSK rollover is the CSK's: that key is its
   * key-signing key.
   */
  ZoneKeys rollover(KeyRole asked, Instant now) {
    DnssecPolicy p = policy();
    boolean csk = p.keys() == DnssecPolicy.KeyScheme.CSK;
    KeyRole role = csk && asked == KeyRole.KSK ? KeyRole.CSK : asked;
    if (csk && role == KeyRole.ZSK) {
      throw new InvalidZoneException(
          "zone " + origin + " signs with one combined key (CSK), which has no ZSK of its own: roll it as its KSK");
    }
    if (keys.stream().noneMatch(k -> k.role() == role)) {
      throw new InvalidZoneException(
          "zone " + origin + " has no " + role + " to roll (its key scheme is " + p.keys() + ")");
    }
    return roll(role, SigningKey.generate(origin, p.algorithm(), role.isSep()), now);
  }

  private ZoneKeys roll(KeyRole role, SigningKey key, Instant now) {
    DnssecPolicy p = policy();
    for (Key k : keys) {
      if (k.role() == role && (!k.ready(now) || k.leaving())) {
        throw new InvalidZoneException(
            "a " + role + " rollover of zone " + origin + " is under way already (key " + k.tag() + ")");
      }
    }
    List<Key> out = new ArrayList<>();
    for (Key k : keys) {
      out.add(k.role() == role && role.isSep() ? k.with(k.published(), true, null, k.clean(), k.remove()) : k);
    }
    out.add(new Key(key, role, now, null, now.plus(p.publishSafety()), false, null, null, null));
    return with(out).advance(now);
  }

  /** The operator says the parent's DS now points to the new KSK or CSK. */
  ZoneKeys confirmDs(Instant now) {
    Key successor = dsKey(now);
    boolean any = false;
    List<Key> out = new ArrayList<>();
    for (Key k : keys) {
      if (k.leaving() && k.confirmed() == null) {
        if (successor == null || successor == k) {
          throw new InvalidZoneException(
              "the new key of zone " + origin + " is not published long enough yet for its DS to be at the parent");
        }
        out.add(k.with(k.published(), true, now, k.clean(), k.remove()));
        any = true;
      } else {
        out.add(k);
      }
    }
    if (!any) {
      throw new InvalidZoneException("zone " + origin + " has no KSK or CSK rollover waiting for the parent's DS");
    }
    return with(out).advance(now);
  }

  /** The key events due by now: publications, withdrawals, automatic ZSK rollovers. */
  ZoneKeys advance(Instant now) {
    DnssecPolicy p = policy();
    Duration retireSafety = p.propagationDelay().plus(maxDuration(Duration.ofSeconds(sweep.maxTtl()), p.dnskeyTtl()));
    Duration dsSafety = p.propagationDelay().plus(p.parentDsTtl());
    Key signer = zoneSigner(now);
    Key ds = dsKey(now);
    List<Key> out = new ArrayList<>();
    for (Key k : keys) {
      Instant published = k.published();
      if (published == null && !k.publish().isAfter(now)) {
        published = now;
      }
      Instant confirmed = k.confirmed();
      if (k.leaving() && confirmed == null && p.dsWait() != null && ds != null && ds != k) {
        Instant waited = ds.effectiveActive().plus(p.dsWait());
        if (!waited.isAfter(now)) {
          confirmed = waited;
        }
      }
      Instant remove = k.remove();
      if (remove == null) {
        boolean superseded = signer != null && signer != k && k.role() == signer.role() && k.role() != KeyRole.KSK;
        if (k.role() == KeyRole.ZSK && superseded && k.clean() != null) {
          remove = k.clean().plus(retireSafety);
        } else if (k.role() == KeyRole.KSK && k.leaving() && confirmed != null) {
          remove = confirmed.plus(dsSafety);
        } else if (k.role() == KeyRole.CSK && k.leaving() && confirmed != null && superseded && k.clean() != null) {
          remove = later(k.clean().plus(retireSafety), confirmed.plus(dsSafety));
        }
      }
      if (remove != null && !remove.isAfter(now)) {
        continue; // withdrawn
      }
      out.add(k.with(published, k.leaving(), confirmed, k.clean(), remove));
    }
    ZoneKeys next = with(out);
    Instant roll = next.automaticRollover();
    if (roll != null && !roll.isAfter(now)) {
      next = next.roll(KeyRole.ZSK, SigningKey.generate(origin, p.algorithm(), false), now);
    }
    return next;
  }

  /** When the ZSK is to be replaced by the policy's lifetime, or null. */
  private @Nullable Instant automaticRollover() {
    DnssecPolicy p = policy();
    if (p.keys() != DnssecPolicy.KeyScheme.KSK_ZSK || p.zskLifetime() == null) {
      return null;
    }
    Key newest = null;
    for (Key k : keys) {
      if (k.role() == KeyRole.ZSK && (newest == null || k.publish().isAfter(newest.publish()))) {
        newest = k;
      }
    }
    if (newest == null || newest.published() == null) {
      return null;
    }
    return newest.effectiveActive().plus(p.zskLifetime()).minus(p.publishSafety());
  }

  /** The ZSK or CSK that signs the zone's data now: the newest ready one. */
  @Nullable Key zoneSigner(Instant now) {
    KeyRole role = policy().keys() == DnssecPolicy.KeyScheme.CSK ? KeyRole.CSK : KeyRole.ZSK;
    return newestReady(now, role, role);
  }

  /** The KSK or CSK whose DS the parent should hold now: the newest ready one. */
  @Nullable Key dsKey(Instant now) {
    return newestReady(now, KeyRole.KSK, KeyRole.CSK);
  }

  private @Nullable Key newestReady(Instant now, KeyRole a, KeyRole b) {
    Key best = null;
    Key fallback = null;
    for (Key k : keys) {
      if ((k.role() != a && k.role() != b) || !k.inZone(now)) {
        continue;
      }
      if (fallback == null) {
        fallback = k;
      }
      if (k.ready(now) && (best == null || k.effectiveActive().isAfter(best.effectiveActive()))) {
        best = k;
      }
    }
    return best != null ? best : fallback;
  }

  /** What signing the zone takes now. */
  Signer signer(Instant now) {
    DnssecPolicy p = policy();
    Key data = zoneSigner(now);
    Key ds = dsKey(now);
    if (data == null || ds == null) {
      throw new InvalidZoneException("zone " + origin + " has no published key to sign with");
    }
    List<SigningKey> keyKeys = new ArrayList<>();
    List<Record> apex = new ArrayList<>();
    long ttl = p.dnskeyTtl().getSeconds();
    for (Key k : keys) {
      if (k.inZone(now)) {
        DNSKEYRecord d = k.key().dnskey();
        apex.add(new DNSKEYRecord(origin, DClass.IN, ttl, d.getFlags(), d.getProtocol(), d.getAlgorithm(), d.getKey()));
        if (k.role().isSep()) {
          keyKeys.add(k.key());
        }
      }
    }
    // RFC 7344 and RFC 8078: the DS the parent should hold, so that it can follow by itself.
    DNSKEYRecord d = ds.key().dnskey();
    DNSKEYRecord own = new DNSKEYRecord(origin, DClass.IN, ttl, d.getFlags(), d.getProtocol(), d.getAlgorithm(), d.getKey());
    apex.add(new CDSRecord(origin, DClass.IN, ttl, DSRecord.SHA256_DIGEST_ID, own));
    apex.add(new CDNSKEYRecord(origin, DClass.IN, ttl, d.getFlags(), d.getProtocol(), d.getAlgorithm(), d.getKey()));
    return new Signer(p, List.of(data.key()), keyKeys, apex, now);
  }

  /**
   * After the whole zone was signed now: nothing is due before the new signatures' refresh, so
   * no sweep runs over them first.
   */
  ZoneKeys signedWhole(Instant now) {
    DnssecPolicy p = policy();
    Key signer = zoneSigner(now);
    int tag = signer == null ? -1 : signer.tag();
    Instant next = now.plus(p.signatureValidity()).minus(p.signatureJitter()).minus(p.signatureRefresh());
    return new ZoneKeys(origin, policy, keys, new Sweep(null, now, tag, null, 0, next, tag, sweep.maxTtl(), sweep.applied()));
  }

  /** Whether signatures are to be swept now: a pass is under way, one is due, or the signer changed. */
  boolean sweepDue(Instant now) {
    Key signer = zoneSigner(now);
    int tag = signer == null ? -1 : signer.tag();
    return sweep.cursor() != null || !sweep.next().isAfter(now) || tag != sweep.lastSigner();
  }

  /** The sweep state for the next batch, starting a pass when none is under way. */
  ZoneKeys startPass(Instant now) {
    if (sweep.cursor() != null) {
      return this;
    }
    Key signer = zoneSigner(now);
    Sweep s = new Sweep(origin, now, signer == null ? -1 : signer.tag(), null, 0, sweep.next(), sweep.lastSigner(), sweep.maxTtl(), sweep.applied());
    return new ZoneKeys(origin, policy, keys, s);
  }

  /** Notes a batch's progress; at the end of a pass, which replaced keys left no signature. */
  ZoneKeys afterBatch(Zone.Editor.Sweep batch, Instant now) {
    Sweep s = sweep;
    Instant earliest = s.passEarliest();
    if (batch.earliestKept() != null && (earliest == null || batch.earliestKept().isBefore(earliest))) {
      earliest = batch.earliestKept();
    }
    long maxTtl = Math.max(s.passMaxTtl(), batch.maxTtl());
    if (batch.next() != null) {
      return new ZoneKeys(origin, policy, keys,
          new Sweep(batch.next(), s.passStart(), s.passSigner(), earliest, maxTtl, s.next(), s.lastSigner(), s.maxTtl(), s.applied()));
    }
    DnssecPolicy p = policy();
    Instant next = earliest != null ? earliest.minus(p.signatureRefresh()) : now.plus(p.signatureValidity()).minus(p.signatureRefresh());
    if (next.isBefore(now.plusSeconds(60))) {
      next = now.plusSeconds(60); // never a busy loop on signatures that cannot be refreshed yet
    }
    List<Key> out = new ArrayList<>();
    Key signer = zoneSigner(now);
    for (Key k : keys) {
      boolean replaced = signer != null && signer != k && k.role() == signer.role()
          && !signer.effectiveActive().isAfter(s.passStart());
      out.add(replaced && k.clean() == null ? k.with(k.published(), k.leaving(), k.confirmed(), now, k.remove()) : k);
    }
    return new ZoneKeys(origin, policy, out, new Sweep(null, s.passStart(), s.passSigner(), null, 0, next, s.passSigner(), maxTtl, s.applied()))
        .advance(now);
  }

  /**
   * Which keys the zone holds and signs with at a moment: when it differs from what the zone was
   * last signed with, a commit is due to bring the apex and signatures up to date.
   */
  String keyState(Instant now) {
    StringBuilder out = new StringBuilder("dnskey");
    for (Key k : keys) {
      if (k.inZone(now)) {
        out.append(' ').append(k.tag());
      }
    }
    Key signer = zoneSigner(now);
    Key ds = dsKey(now);
    return out.append(" data ").append(signer == null ? -1 : signer.tag())
        .append(" ds ").append(ds == null ? -1 : ds.tag()).toString();
  }

  /** Notes that the zone was signed now with the keys of now. */
  ZoneKeys applied(Instant now) {
    return new ZoneKeys(origin, policy, keys, sweep.applied(keyState(now)));
  }

  /** When the zone next needs upkeep. */
  Instant nextEvent(Instant now) {
    if (policy == null) {
      return Instant.MAX;
    }
    if (sweepDue(now) || !keyState(now).equals(sweep.applied())) {
      return now;
    }
    Instant next = sweep.next();
    for (Key k : keys) {
      if (k.published() == null) {
        next = earlier(next, k.publish());
      } else if (!k.ready(now)) {
        next = earlier(next, k.effectiveActive());
      }
      if (k.remove() != null) {
        next = earlier(next, k.remove());
      }
    }
    DnssecPolicy p = policy;
    Key ds = dsKey(now);
    if (p.dsWait() != null && ds != null) {
      for (Key k : keys) {
        if (k.leaving() && k.confirmed() == null && ds != k) {
          next = earlier(next, ds.effectiveActive().plus(p.dsWait()));
        }
      }
    }
    Instant roll = automaticRollover();
    if (roll != null) {
      next = earlier(next, roll);
    }
    return next.isBefore(now) ? now : next;
  }

  DnssecStatus status(Instant now) {
    Key signer = zoneSigner(now);
    Key ds = dsKey(now);
    List<DnssecStatus.Key> out = new ArrayList<>();
    for (Key k : keys) {
      DnssecStatus.State state;
      if (!k.ready(now)) {
        state = DnssecStatus.State.PUBLISHED;
      } else if (k == signer || k == ds) {
        state = DnssecStatus.State.ACTIVE;
      } else {
        state = DnssecStatus.State.RETIRED;
      }
      out.add(new DnssecStatus.Key(k.tag(), k.key().algorithm(), k.role(), state, k.key().dnskey(),
          k.published() != null ? k.published() : k.publish(), k.effectiveActive().equals(Instant.MAX) ? k.active() : k.effectiveActive(),
          k.remove(), k.leaving() && k.confirmed() == null));
    }
    return new DnssecStatus(origin, policy(), out, nextEvent(now));
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Duration maxDuration(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Override
  public String toString() {
    return "ZoneKeys[" + origin + ", " + keys.size() + " key(s)]";
  }
}
