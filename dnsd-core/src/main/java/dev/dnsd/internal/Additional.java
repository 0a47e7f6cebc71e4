package dev.dnsd.internal;

import dev.dnsd.zone.RRset;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/**
 * Additional-section processing (RFC 1034 §4.3.2 step 6): the addresses of the NS, MX and SRV
 * targets in the answer, when a zone served here holds them. Only A and AAAA, nothing the answer
 * already carries, and for MX and SRV only authoritative data (not glue below a cut). For DO=1,
 * authoritative addresses from a signed zone come with their signatures (RFC 4035 §3.1.1).
 */
final class Additional {
  private Additional() {}

  static void addTargets(ZoneTable zones, Answer answer, boolean dnssecOk) {
    List<Record> records = answer.answer;
    for (int i = 0, n = records.size(); i < n; i++) {
      Record r = records.get(i);
      Name target = target(r);
      if (target != null) {
        // One call site: the JIT inlines addAddresses once, not once per record type.
        addAddresses(zones, target, r instanceof NSRecord, answer, dnssecOk);
      }
    }
  }

  private static @Nullable Name target(Record r) {
    if (r instanceof NSRecord ns) {
      return ns.getTarget();
    } else if (r instanceof MXRecord mx) {
      return mx.getTarget();
    } else if (r instanceof SRVRecord srv) {
      return srv.getTarget();
    }
    return null;
  }

  private static void addAddresses(
      ZoneTable zones, Name target, boolean glueToo, Answer answer, boolean dnssecOk) {
    if (target.labels() <= 1) {
      return; // "." means no service (RFC 7505, RFC 2782)
    }
    Zone zone = zones.find(target);
    if (zone == null) {
      return;
    }
    answer.readFrom(zone); // what it holds at the target decides, found or not
    if (!glueToo && Lookup.atOrBelowCut(zone, target)) {
      return;
    }
    // Glue is not the zone's data and has no signatures.
    boolean signed = dnssecOk && zone.isSigned() && !(glueToo && Lookup.atOrBelowCut(zone, target));
    for (int type : new int[] {Type.A, Type.AAAA}) {
      RRset set = zone.rrset(target, type);
      if (set != null
          && !Answer.holds(answer.answer, target, type)
          && !Answer.holds(answer.additional, target, type)) {
        set.addTo(answer.additional);
        if (signed) {
          Denial.signatures(zone, answer.additional, set, target, false);
        }
      }
    }
  }
}
