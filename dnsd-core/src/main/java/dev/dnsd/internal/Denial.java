package dev.dnsd.internal;

import dev.dnsd.zone.RRset;
import dev.dnsd.zone.Zone;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The DNSSEC parts of an answer to a query with DO=1 (RFC 4035 §3.1): the signatures of the
 * RRsets it carries, and the NSEC (RFC 4035 §3.1.3) or NSEC3 (RFC 5155 §7.2) records that prove a
 * name or type does not exist, a wildcard was expanded, or a delegation has no DS. Everything is
 * read from the zone's own records, so a zone that arrived signed from elsewhere is proved as
 * well as one dnsd signs.
 */
final class Denial {
  private static final Name WILD = Name.fromConstantString("*");

  private Denial() {}

  /** Adds the RRset's signatures to a section, owned by {@code owner} (the query name for a wildcard). */
  static void signatures(Zone zone, List<Record> section, RRset set, Name owner, boolean synthesized) {
    signatures(zone, section, set.owner(), set.type(), owner, synthesized, -1);
  }

  /**
   * @param ttl the TTL the covered RRset is given in this answer (the negative SOA's), or -1 for
   *     the signatures' own
   */
  static void signatures(
      Zone zone, List<Record> section, Name node, int type, Name owner, boolean synthesized, long ttl) {
    RRset sigs = zone.rrset(node, Type.RRSIG);
    if (sigs == null) {
      return;
    }
    for (Record r : sigs.records()) {
      RRSIGRecord sig = (RRSIGRecord) r;
      if (sig.getTypeCovered() != type) {
        continue;
      }
      Record out = sig;
      if (ttl >= 0 && ttl != sig.getTTL()) {
        out = new RRSIGRecord(sig.getName(), DClass.IN, ttl, sig.getTypeCovered(), sig.getAlgorithm(),
            sig.getOrigTTL(), sig.getExpire(), sig.getTimeSigned(), sig.getFootprint(), sig.getSigner(),
            sig.getSignature());
      }
      section.add(synthesized ? out.withName(owner) : out);
    }
  }

  /** Name error (RFC 4035 §3.1.3.2, RFC 5155 §7.2.2): the name and the wildcard do not exist. */
  static void nxdomain(Zone zone, Name qname, Name encloser, Answer answer) {
    Name wildcard = wildcard(encloser);
    if (nsec3(zone)) {
      closestEncloserProof(zone, qname, encloser, answer);
      addNsec3(zone, covering(zone, wildcard), answer);
    } else {
      addNsec(zone, zone.nsecAtOrBefore(qname), answer);
      addNsec(zone, zone.nsecAtOrBefore(wildcard), answer);
    }
  }

  /**
   * No data of the type at a name that exists, or at an empty non-terminal (RFC 4035 §3.1.3.1,
   * RFC 5155 §7.2.3 and §7.2.4). For DS at a delegation the name is the delegation point.
   */
  static void nodata(Zone zone, Name name, Answer answer) {
    if (nsec3(zone)) {
      RRset match = matching(zone, name);
      if (match != null) {
        addNsec3(zone, match, answer);
      } else {
        // An opt-out zone has no NSEC3 for an unsigned delegation (RFC 5155 §7.2.4).
        closestProvableEncloser(zone, name, answer);
      }
    } else {
      RRset own = zone.rrset(name, Type.NSEC);
      addNsec(zone, own != null ? own : zone.nsecAtOrBefore(name), answer);
    }
  }

  /** A delegation without DS in a referral (RFC 4035 §3.1.4, RFC 5155 §7.2.7). */
  static void noDs(Zone zone, Name cut, Answer answer) {
    nodata(zone, cut, answer);
  }

  /**
   * An answer synthesized from {@code *.encloser}: proof that the query name itself does not
   * exist (RFC 4035 §3.1.3.3, RFC 5155 §7.2.6).
   */
  static void wildcardAnswer(Zone zone, Name qname, Name encloser, Answer answer) {
    if (nsec3(zone)) {
      addNsec3(zone, covering(zone, nextCloser(qname, encloser)), answer);
    } else {
      addNsec(zone, zone.nsecAtOrBefore(qname), answer);
    }
  }

  /** No data of the type at the wildcard that would answer (RFC 4035 §3.1.3.4, RFC 5155 §7.2.5). */
  static void wildcardNodata(Zone zone, Name qname, Name encloser, Answer answer) {
    Name wildcard = wildcard(encloser);
    if (nsec3(zone)) {
      closestEncloserProof(zone, qname, encloser, answer);
      addNsec3(zone, matching(zone, wildcard), answer);
    } else {
      addNsec(zone, zone.nsecAtOrBefore(qname), answer);
      addNsec(zone, zone.rrset(wildcard, Type.NSEC), answer);
    }
  }

  private static boolean nsec3(Zone zone) {
    return zone.nsec3Param() != null;
  }

  /** RFC 5155 §7.2.1: the encloser exists, the next closer name does not. */
  private static void closestEncloserProof(Zone zone, Name qname, Name encloser, Answer answer) {
    addNsec3(zone, matching(zone, encloser), answer);
    if (qname.labels() > encloser.labels()) {
      addNsec3(zone, covering(zone, nextCloser(qname, encloser)), answer);
    }
  }

  /** The nearest ancestor with a matching NSEC3, and the NSEC3 covering the next name down. */
  private static void closestProvableEncloser(Zone zone, Name name, Answer answer) {
    for (int skip = 1; skip < name.labels() - zone.origin().labels() + 1; skip++) {
      Name candidate = new Name(name, skip);
      RRset match = matching(zone, candidate);
      if (match != null) {
        addNsec3(zone, match, answer);
        addNsec3(zone, covering(zone, nextCloser(name, candidate)), answer);
        return;
      }
    }
  }

  private static @Nullable RRset matching(Zone zone, Name name) {
    Name hashed = zone.hashedOwner(name);
    return hashed == null ? null : zone.rrset(hashed, Type.NSEC3);
  }

  private static @Nullable RRset covering(Zone zone, Name name) {
    Name hashed = zone.hashedOwner(name);
    return hashed == null ? null : zone.nsec3Covering(hashed);
  }

  /** The ancestor of the query name one label below the encloser. */
  private static Name nextCloser(Name qname, Name encloser) {
    return new Name(qname, qname.labels() - encloser.labels() - 1);
  }

  private static void addNsec(Zone zone, @Nullable RRset nsec, Answer answer) {
    add(zone, nsec, answer);
  }

  private static void addNsec3(Zone zone, @Nullable RRset nsec3, Answer answer) {
    add(zone, nsec3, answer);
  }

  /** The denial RRset and its signatures, once even when two proofs need the same record. */
  private static void add(Zone zone, @Nullable RRset set, Answer answer) {
    if (set == null || Answer.holds(answer.authority, set.owner(), set.type())) {
      return;
    }
    set.addTo(answer.authority);
    signatures(zone, answer.authority, set, set.owner(), false);
  }

  private static Name wildcard(Name encloser) {
    try {
      return Name.concatenate(WILD, encloser);
    } catch (NameTooLongException e) {
      throw new IllegalStateException(e); // the encloser has a proper descendant, so two bytes fit
    }
  }
}
