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
 * wildcards with the closest-encloser rule (RFC 4592), and negative answers (RFC 2308). For a
 * query with DO=1, answers from signed zones carry their signatures and proofs ({@link Denial}).
 */
final class Lookup {
  /** CNAME and DNAME steps followed before giving the client what we have (loop protection). */
  static final int MAX_CHAIN = 16;

  private static final Name WILD = Name.fromConstantString("*");

  private final ZoneTable zones;
  private final Set<Name> expired;
  private final boolean dnssecOk;

  /**
   * A lookup in the zones, of which the expired ones (RFC 1035 §3.3.13) are answered SERVFAIL.
   *
   * @param dnssecOk whether the query had DO=1: answers from signed zones are then signed
   */
  Lookup(ZoneTable zones, Set<Name> expired, boolean dnssecOk) {
    this.zones = zones;
    this.expired = expired;
    this.dnssecOk = dnssecOk;
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
    // DirectAnswer repeats this walk for the answers it encodes itself; DirectAnswerTest holds
    // the two to the same bytes.
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
        referral(zone, ns, answer, first, signed(zone));
        return null;
      }
      RRset dname = skip == 0 ? null : zone.rrset(node, Type.DNAME);
      if (dname != null) {
        Name target = substitute(zone, dname, name, answer, signed(zone));
        // The synthesized CNAME answers a CNAME question itself (RFC 1034 §4.3.2 step 3a).
        return qtype == Type.CNAME ? null : target;
      }
    }
    boolean signed = signed(zone);
    if (exists) {
      return answerAt(zone, name, name, null, qtype, tcp, answer, signed);
    }
    Name source = wildcard(encloser);
    if (zone.exists(source)) {
      return answerAt(zone, source, name, encloser, qtype, tcp, answer, signed);
    }
    answer.rcode = Rcode.NXDOMAIN;
    addNegativeSoa(zone, answer, signed);
    if (signed) {
      Denial.nxdomain(zone, name, encloser, answer);
    }
    return null;
  }

  /** Whether this answer from the zone gets signatures and proofs: DO=1 and a signed zone. */
  private boolean signed(Zone zone) {
    return dnssecOk && zone.isSigned();
  }

  /**
   * The answer from the data at node: the name itself, or the wildcard that covers it, whose
   * records are then synthesized with the name as owner (RFC 4592 §3.3.1).
   *
   * @param encloser the closest encloser, whose wildcard {@code node} is; null for the name itself
   * @param signed whether to add signatures and proofs
   */
  private static @Nullable Name answerAt(
      Zone zone, Name node, Name name, @Nullable Name encloser, int qtype, boolean tcp, Answer answer,
      boolean signed) {
    boolean synthesize = encloser != null;
    answer.rcode = Rcode.NOERROR;
    if (qtype == Type.ANY) {
      // RFC 8482: over UDP one RRset (the lowest type, so the choice is stable); TCP gets all.
      List<RRset> sets = zone.rrsets(node);
      for (RRset set : sets) {
        if (signed && set.type() == Type.RRSIG) {
          continue; // each RRset comes with its own signatures
        }
        add(zone, answer.answer, set, name, synthesize, signed);
        if (!tcp) {
          break;
        }
      }
      if (sets.isEmpty()) {
        addNegativeSoa(zone, answer, signed);
        if (signed) {
          Denial.nodata(zone, node, answer);
        }
      } else if (signed && synthesize) {
        Denial.wildcardAnswer(zone, name, encloser, answer);
      }
      return null;
    }
    RRset cname = zone.rrset(node, Type.CNAME);
    if (cname != null && qtype != Type.CNAME) {
      add(zone, answer.answer, cname, name, synthesize, signed);
      if (signed && synthesize) {
        Denial.wildcardAnswer(zone, name, encloser, answer);
      }
      return ((CNAMERecord) cname.first()).getTarget();
    }
    RRset set = zone.rrset(node, qtype);
    if (set == null) {
      addNegativeSoa(zone, answer, signed);
      if (signed) {
        if (synthesize) {
          Denial.wildcardNodata(zone, name, encloser, answer);
        } else {
          Denial.nodata(zone, node, answer);
        }
      }
    } else {
      add(zone, answer.answer, set, name, synthesize, signed);
      if (signed && synthesize) {
        Denial.wildcardAnswer(zone, name, encloser, answer);
      }
    }
    return null;
  }

  /** The negative answer's SOA (RFC 2308 §3), with its signatures when signed. */
  private static void addNegativeSoa(Zone zone, Answer answer, boolean signed) {
    SOARecord soa = negativeSoa(zone);
    answer.authority.add(soa);
    if (signed) {
      Denial.signatures(zone, answer.authority, zone.origin(), Type.SOA, zone.origin(), false, soa.getTTL());
    }
  }

  /**
   * RFC 6672 §3.1: the DNAME, a CNAME made from it with its TTL, and the substituted name. The
   * DNAME is signed, the synthesized CNAME is not (RFC 6672 §5.3.1).
   */
  private static @Nullable Name substitute(Zone zone, RRset dnameSet, Name name, Answer answer, boolean signed) {
    DNAMERecord dname = (DNAMERecord) dnameSet.first();
    answer.answer.add(dname);
    if (signed) {
      Denial.signatures(zone, answer.answer, dnameSet, dnameSet.owner(), false);
    }
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
  private static void referral(Zone zone, RRset ns, Answer answer, boolean first, boolean signed) {
    if (first) {
      answer.authoritative = false;
    }
    answer.rcode = Rcode.NOERROR;
    ns.addTo(answer.authority);
    if (signed) {
      // RFC 4035 §3.1.4: the DS RRset, signed, or the proof that there is none.
      RRset ds = zone.rrset(ns.owner(), Type.DS);
      if (ds != null) {
        ds.addTo(answer.authority);
        Denial.signatures(zone, answer.authority, ds, ds.owner(), false);
      } else {
        Denial.noDs(zone, ns.owner(), answer);
      }
    }
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
            glue.addTo(answer.additional);
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

  private static void add(Zone zone, List<Record> section, RRset set, Name name, boolean synthesize, boolean signed) {
    if (!synthesize) {
      set.addTo(section);
    } else {
      for (Record r : set.records()) {
        section.add(r.withName(name));
      }
    }
    if (signed) {
      Denial.signatures(zone, section, set, name, synthesize);
    }
  }
}
