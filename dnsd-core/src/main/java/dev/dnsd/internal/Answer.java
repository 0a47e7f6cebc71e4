package dev.dnsd.internal;

import dev.dnsd.zone.Zone;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** What a lookup found, section by section, before it is encoded. */
final class Answer {
  int rcode = Rcode.NOERROR;
  boolean authoritative;
  /**
   * How many records at the start of {@link #additional} a referral cannot do without (glue for
   * name servers inside the delegated zone, RFC 9471): when they do not fit, the answer is TC.
   */
  int requiredAdditional;

  /** The zone snapshots the answer was read from, each once: what a cached copy depends on. */
  final List<Zone> sources = new ArrayList<>(2);

  final List<Record> answer = new ArrayList<>();
  final List<Record> authority = new ArrayList<>();
  final List<Record> additional = new ArrayList<>();

  /**
   * Whether the encoded answer depends on the case of the question's name beyond the question
   * itself: a CNAME synthesized from a DNAME carries the client's labels in its target.
   */
  boolean caseSensitive() {
    for (Record r : answer) {
      if (r.getType() == Type.DNAME) {
        return true;
      }
    }
    return false;
  }

  /** Notes that the answer depends on this zone's content, found or not found. */
  void readFrom(Zone zone) {
    for (int i = 0, n = sources.size(); i < n; i++) {
      if (sources.get(i) == zone) {
        return;
      }
    }
    sources.add(zone);
  }

  static Answer refused() {
    return withRcode(Rcode.REFUSED);
  }

  static Answer withRcode(int rcode) {
    Answer a = new Answer();
    a.rcode = rcode;
    return a;
  }

  /** Whether a section already holds records of this owner and type. */
  static boolean holds(List<Record> section, Name owner, int type) {
    for (Record r : section) {
      if (r.getType() == type && r.getName().equals(owner)) {
        return true;
      }
    }
    return false;
  }
}
