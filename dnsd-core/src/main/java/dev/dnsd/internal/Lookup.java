package dev.dnsd.internal;

import dev.dnsd.zone.RRset;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * The authoritative lookup of RFC 1034 §4.3.2 for one class IN question, against one snapshot of
 * the zone table: delegations, CNAME and DNAME (RFC 6672) followed across the zones served here,
 * wildcards with the closest-encloser rule (RFC 4592), and negative answers (RFC 2308).
 */
final class Lookup {
  /** CNAME and DNAME steps followed before giving the client what we have (loop protection). */
  static final int MAX_CHAIN = 16;

  private static final Name WILD = Name.fromConstantString("*");

  private final ZoneTable zones;
  private final Set<Name> expired;

  /** A lookup in the zones, of which the expired ones (RFC 1035 §3.3.13) are answered SERVFAIL. */
  Lookup(ZoneTable zones, Set<Name> expired) {
    this.zones = zones;
    this.expired = expired;
  }

  /**
   * Answers the question. AA is that of the first step: the client asked about qname, and
   * whatever a chain leads to later does not change who is authoritative for it.
   */
  Answer find(Name qname, int qtype, boolean tcp) {
    Zone zone = zoneFor(qname, qtype);
    if (zone == null) {
      return Answer.refused();
    }
    if (!expired.isEmpty() && expired.contains(zone.origin())) {
      // A secondary that lost its primary for the expire interval must not answer from stale data.
      return Answer.withRcode(Rcode.SERVFAIL);
    }
    Answer answer = new Answer();
    answer.authoritative = true;
    answer.readFrom(zone);
    Set<Name> seen = null; // most answers have no chain: allocate only for one
    Name name = qname;
    for (int step = 0; ; step++) {
      Name next = step(zone, name, qtype, tcp, answer, step == 0);
      if (next == null || step + 1 >= MAX_CHAIN) {
        return answer;
      }
      if (seen == null) {
        seen = new HashSet<>();
      }
      seen.add(name);
      if (seen.contains(next)) {
        return answer;
      }
      zone = zoneFor(next, qtype);
      if (zone == null || expired.contains(zone.origin())) {
        return answer; // the target is elsewhere (or stale): the resolver follows it
      }
      answer.readFrom(zone);
      name = next;
    }
  }

  /**
   * The zone that answers for the name: the longest suffix, except that a DS question for a zone
   * apex belongs to the parent side of the cut (RFC 4035 §3.1.4.1) when that is served here too.
   */
  private @Nullable Zone zoneFor(Name name, int qtype) {
    Zone zone = zones.find(name);
    if (zone != null && qtype == Type.DS && name.equals(zone.origin())) {
      Zone parent = zones.parentOf(zone.origin());
      if (parent != null) {
        return parent;
      }
    }
    return zone;
  }

  /** One name in one zone; returns the name a CNAME or DNAME leads to, or null when done. */
  private @Nullable Name step(Zone zone, Name name, int qtype, boolean tcp, Answer answer, boolean first) {
    int below = name.labels() - zone.origin().labels();
    Name encloser = zone.origin();
    boolean exists = false;
    // Walk down from the apex: a cut or a DNAME above the name decides before the name does.
    for (int skip = below; skip >= 0; skip--) {
      Name node = skip == 0 ? name : new Name(name, skip);
      if (!zone.exists(node)) {
        break;
      }
      encloser = node;
      exists = skip == 0;
      boolean apex = skip == below;
      RRset ns = apex ? null : zone.rrset(node, Type.NS);
      if (ns != null && !(skip == 0 && qtype == Type.DS)) {
        referral(zone, ns, answer, first);
        return null;
      }
      RRset dname = skip == 0 ? null : zone.rrset(node, Type.DNAME);
      if (dname != null) {
        Name target = substitute((DNAMERecord) dname.first(), name, answer);
        // The synthesized CNAME answers a CNAME question itself (RFC 1034 §4.3.2 step 3a).
        return qtype == Type.CNAME ? null : target;
      }
    }
    if (exists) {
      return answerAt(zone, name, name, false, qtype, tcp, answer);
    }
    Name source = wildcard(encloser);
    if (zone.exists(source)) {
      return answerAt(zone, source, name, true, qtype, tcp, answer);
    }
    answer.rcode = Rcode.NXDOMAIN;
    answer.authority.add(negativeSoa(zone));
    return null;
  }

  /**
   * The answer from the data at node: the name itself, or the wildcard that covers it, whose
   * records are then synthesized with the name as owner (RFC 4592 §3.3.1).
   */
  private static @Nullable Name answerAt(
      Zone zone, Name node, Name name, boolean synthesize, int qtype, boolean tcp, Answer answer) {
    answer.rcode = Rcode.NOERROR;
    if (qtype == Type.ANY) {
      // RFC 8482: over UDP one RRset (the lowest type, so the choice is stable); TCP gets all.
      List<RRset> sets = zone.rrsets(node);
      for (RRset set : sets) {
        add(answer.answer, set, name, synthesize);
        if (!tcp) {
          break;
        }
      }
      if (sets.isEmpty()) {
        answer.authority.add(negativeSoa(zone));
      }
      return null;
    }
    RRset cname = zone.rrset(node, Type.CNAME);
    if (cname != null && qtype != Type.CNAME) {
      add(answer.answer, cname, name, synthesize);
      return ((CNAMERecord) cname.first()).getTarget();
    }
    RRset set = zone.rrset(node, qtype);
    if (set == null) {
      answer.authority.add(negativeSoa(zone));
    } else {
      add(answer.answer, set, name, synthesize);
    }
    return null;
  }

  /** RFC 6672 §3.1: the DNAME, a CNAME made from it with its TTL, and the substituted name. */
  private static @Nullable Name substitute(DNAMERecord dname, Name name, Answer answer) {
    answer.answer.add(dname);
    Name target;
    try {
      target = name.fromDNAME(dname);
    } catch (NameTooLongException e) {
      answer.rcode = Rcode.YXDOMAIN;
      return null;
    }
    answer.rcode = Rcode.NOERROR;
    answer.answer.add(new CNAMERecord(name, DClass.IN, dname.getTTL(), target));
    return target;
  }

  /**
   * A referral: the child's NS in authority and their addresses as glue. Glue inside the child
   * zone comes first and is required (the child cannot be reached without it); sibling glue
   * elsewhere in this zone is added after it as space allows.
   */
  private static void referral(Zone zone, RRset ns, Answer answer, boolean first) {
    if (first) {
      answer.authoritative = false;
    }
    answer.rcode = Rcode.NOERROR;
    answer.authority.addAll(ns.records());
    int start = answer.additional.size();
    for (boolean required : new boolean[] {true, false}) {
      for (Record r : ns.records()) {
        Name target = r.getAdditionalName();
        if (target == null || target.subdomain(ns.owner()) != required || !target.subdomain(zone.origin())) {
          continue;
        }
        for (int type : new int[] {Type.A, Type.AAAA}) {
          RRset glue = zone.rrset(target, type);
          if (glue != null && !Answer.holds(answer.additional, target, type)) {
            answer.additional.addAll(glue.records());
          }
        }
      }
      if (required) {
        answer.requiredAdditional = answer.additional.size() - start;
      }
    }
  }

  /** Whether the name is at or below a zone cut inside the zone (data there is not ours). */
  static boolean atOrBelowCut(Zone zone, Name name) {
    int below = name.labels() - zone.origin().labels();
    for (int skip = below - 1; skip >= 0; skip--) {
      Name node = skip == 0 ? name : new Name(name, skip);
      if (!zone.exists(node)) {
        return false;
      }
      if (zone.rrset(node, Type.NS) != null) {
        return true;
      }
    }
    return false;
  }

  /** RFC 2308 §3: the zone's SOA, with TTL the lesser of its own and its MINIMUM field. */
  static SOARecord negativeSoa(Zone zone) {
    SOARecord soa = zone.soa();
    long ttl = Math.min(soa.getTTL(), soa.getMinimum());
    if (ttl == soa.getTTL()) {
      return soa;
    }
    return new SOARecord(
        soa.getName(), DClass.IN, ttl, soa.getHost(), soa.getAdmin(), soa.getSerial(),
        soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum());
  }

  private static Name wildcard(Name encloser) {
    try {
      return Name.concatenate(WILD, encloser);
    } catch (NameTooLongException e) {
      // The encloser is a proper ancestor of a valid name, so two more bytes always fit.
      throw new IllegalStateException(e);
    }
  }

  private static void add(List<Record> section, RRset set, Name name, boolean synthesize) {
    if (!synthesize) {
      section.addAll(set.records());
      return;
    }
    for (Record r : set.records()) {
      section.add(r.withName(name));
    }
  }
}
