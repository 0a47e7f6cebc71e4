package dev.dnsd.xfr;

import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.RRset;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Serial;
import org.xbill.DNS.Type;

/**
 * RFC 2136 UPDATE against one zone snapshot: the prerequisites (§3.2), the prescan of the update
 * section (§3.4.1) and its application (§3.4.2), giving either an rcode or the change set that
 * commits the update as one change.
 */
final class DynamicUpdate {
  /**
   * The outcome.
   *
   * @param rcode NOERROR, or the error to answer with
   * @param changes what to commit; null on error or when the update changes nothing
   */
  record Outcome(int rcode, @Nullable ChangeSet changes) {
    static Outcome error(int rcode) {
      return new Outcome(rcode, null);
    }
  }

  private DynamicUpdate() {}

  /**
   * Evaluates an UPDATE whose zone section names {@code zone}.
   *
   * @param allowed whether the requester may make the change a given update record asks for
   */
  static Outcome evaluate(Message request, Zone zone, Predicate<Record> allowed) {
    if (!encodable(request.getSection(Section.PREREQ)) || !encodable(request.getSection(Section.UPDATE))) {
      return Outcome.error(Rcode.FORMERR);
    }
    int rcode = checkPrerequisites(request.getSection(Section.PREREQ), zone);
    if (rcode != Rcode.NOERROR) {
      return Outcome.error(rcode);
    }
    List<Record> updates = request.getSection(Section.UPDATE);
    rcode = prescan(updates, zone.origin());
    if (rcode != Rcode.NOERROR) {
      return Outcome.error(rcode);
    }
    for (Record r : updates) {
      if (!allowed.test(r)) {
        return Outcome.error(Rcode.REFUSED);
      }
    }
    Zone.Editor editor = zone.edit();
    for (Record r : updates) {
      apply(r, zone, editor);
    }
    if (!editor.changed()) {
      return new Outcome(Rcode.NOERROR, null);
    }
    ChangeSet.Builder changes = ChangeSet.builder();
    editor.removedRecords().forEach(changes::remove);
    editor.addedRecords().forEach(changes::add);
    return new Outcome(Rcode.NOERROR, changes.build());
  }

  /** RFC 2136 §3.2: the first failing prerequisite decides the rcode. */
  static int checkPrerequisites(List<Record> prerequisites, Zone zone) {
    Map<RRsetKey, Set<Record>> required = new LinkedHashMap<>();
    for (Record r : prerequisites) {
      if (r.getTTL() != 0) {
        return Rcode.FORMERR;
      }
      Name name = r.getName();
      if (!name.subdomain(zone.origin())) {
        return Rcode.NOTZONE;
      }
      int type = r.getType();
      int dclass = r.getDClass();
      if (dclass == DClass.ANY || dclass == DClass.NONE) {
        if (hasData(r)) {
          return Rcode.FORMERR;
        }
        boolean exists = type == Type.ANY ? inUse(zone, name) : zone.rrset(name, type) != null;
        if (dclass == DClass.ANY && !exists) {
          return type == Type.ANY ? Rcode.NXDOMAIN : Rcode.NXRRSET;
        }
        if (dclass == DClass.NONE && exists) {
          return type == Type.ANY ? Rcode.YXDOMAIN : Rcode.YXRRSET;
        }
      } else if (dclass == DClass.IN) {
        if (!Type.isRR(type)) {
          return Rcode.FORMERR;
        }
        required.computeIfAbsent(new RRsetKey(name, type), k -> new HashSet<>()).add(r);
      } else {
        return Rcode.FORMERR;
      }
    }
    // Value-dependent: the zone's RRset must equal the prerequisite's, TTLs aside (§3.2.3).
    for (Map.Entry<RRsetKey, Set<Record>> e : required.entrySet()) {
      RRset actual = zone.rrset(e.getKey().name(), e.getKey().type());
      if (actual == null || !new HashSet<>(actual.records()).equals(e.getValue())) {
        return Rcode.NXRRSET;
      }
    }
    return Rcode.NOERROR;
  }

  /** RFC 2136 §3.4.1.3: every update record is checked before any is applied. */
  static int prescan(List<Record> updates, Name origin) {
    for (Record r : updates) {
      if (!r.getName().subdomain(origin)) {
        return Rcode.NOTZONE;
      }
      int type = r.getType();
      int dclass = r.getDClass();
      if (dclass == DClass.IN) {
        if (!Type.isRR(type) || !wellFormed(r)) {
          return Rcode.FORMERR;
        }
      } else if (dclass == DClass.ANY) {
        if (r.getTTL() != 0 || hasData(r) || (type != Type.ANY && !Type.isRR(type))) {
          return Rcode.FORMERR;
        }
      } else if (dclass == DClass.NONE) {
        if (r.getTTL() != 0 || !Type.isRR(type)) {
          return Rcode.FORMERR;
        }
      } else {
        return Rcode.FORMERR;
      }
    }
    return Rcode.NOERROR;
  }

  /** RFC 2136 §3.4.2, with its rules for the SOA, the apex NS RRset and CNAMEs. */
  private static void apply(Record r, Zone zone, Zone.Editor editor) {
    Name name = r.getName();
    int type = r.getType();
    boolean apex = name.equals(zone.origin());
    switch (r.getDClass()) {
      case DClass.IN -> {
        if (type == Type.SOA) {
          RRset soa = editor.rrset(zone.origin(), Type.SOA);
          // Only an SOA at the apex with a newer serial replaces the SOA (§3.4.2.2).
          if (!apex || soa == null
              || Serial.compare(((SOARecord) r).getSerial(), ((SOARecord) soa.first()).getSerial()) <= 0) {
            return;
          }
        } else if (clashesWithCname(editor, name, type)) {
          return;
        }
        editor.add(r);
      }
      case DClass.ANY -> {
        if (type == Type.ANY) {
          for (RRset set : editor.rrsets(name)) {
            if (!apex || (set.type() != Type.SOA && set.type() != Type.NS)) {
              editor.removeRRset(name, set.type());
            }
          }
        } else if (!(apex && (type == Type.SOA || type == Type.NS))) {
          editor.removeRRset(name, type);
        }
      }
      case DClass.NONE -> {
        if (type == Type.SOA) {
          return;
        }
        Record inZone = Record.newRecord(name, type, DClass.IN, 0, r.rdataToWireCanonical());
        if (inZone == null) {
          // Data that no record of this type can have (an empty MX): no such record to delete,
          // which §3.4.2.4 says is ignored.
          return;
        }
        if (apex && type == Type.NS) {

          RRset ns = editor.rrset(name, Type.NS);
          if (ns != null && ns.records().size() == 1 && ns.records().contains(inZone)) {
            return; // the last apex NS stays (§3.4.2.4)
          }
        }
        editor.remove(inZone);
      }
      default -> throw new IllegalStateException("prescan let class " + r.getDClass() + " through");
    }
  }

  /** A CNAME cannot join other data, nor other data a CNAME; such an add is ignored (§3.4.2.2). */
  private static boolean clashesWithCname(Zone.Editor editor, Name name, int type) {
    if (type == Type.RRSIG || type == Type.NSEC) {
      return false;
    }
    for (RRset set : editor.rrsets(name)) {
      int existing = set.type();
      if (existing == Type.RRSIG || existing == Type.NSEC) {
        continue;
      }
      if ((type == Type.CNAME) != (existing == Type.CNAME)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the name owns at least one RRset; an empty non-terminal owns none. */
  private static boolean inUse(Zone zone, Name name) {
    return !zone.rrsets(name).isEmpty();
  }

  /**
   * Whether dnsjava can write every record again. Some data it reads it cannot: a WKS with no port
   * bitmap throws from its writer, in any class, and every step below (data present, equality,
   * deletion) writes the data.
   */
  private static boolean encodable(List<Record> records) {
    for (Record r : records) {
      try {
        r.rdataToWireCanonical();
      } catch (RuntimeException e) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether an added record's data is data of its type: an UPDATE may carry an A with no address,
   * which dnsjava reads (update sections allow empty data) but no zone can hold.
   */
  private static boolean wellFormed(Record r) {
    try {
      Record.fromWire(r.toWire(Section.ANSWER), Section.ANSWER);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean hasData(Record r) {
    return r.rdataToWireCanonical().length > 0;
  }

  private record RRsetKey(Name name, int type) {}
}
