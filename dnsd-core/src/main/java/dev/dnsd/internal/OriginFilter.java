package dev.dnsd.internal;

import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;

/**
 * Tells, from the wire bytes of a name and without building a dnsjava {@code Name}, that no zone
 * served here holds the name, so that the query can be refused at once. It keeps 64-bit hashes of
 * the zone origins: "no" is certain, "maybe" (a collision, a hash in common) sends the query on to
 * the exact lookup. Built once per zone table.
 */
final class OriginFilter {
  private final long[] slots; // open addressing; 0 is empty (a hash of 0 is stored as 1)
  private final int mask;

  private OriginFilter(long[] slots) {
    this.slots = slots;
    this.mask = slots.length - 1;
  }

  static OriginFilter of(ZoneTable table) {
    long[] slots = new long[Integer.highestOneBit(Math.max(4, table.size() * 4 - 1)) << 1];
    OriginFilter filter = new OriginFilter(slots);
    for (Zone zone : table.zones()) {
      byte[] wire = zone.origin().toWireCanonical();
      filter.add(WireNames.hash64(wire, 0, wire.length));
    }
    return filter;
  }

  private void add(long hash) {
    for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
      if (slots[i] == 0 || slots[i] == hash) {
        slots[i] = hash;
        return;
      }
    }
  }

  /** Whether some zone's origin may be a suffix of the question's name. */
  boolean mayHold(byte[] packet, WireQuery q) {
    for (int label = 0; label < q.labels; label++) {
      if (contains(WireNames.hash64(packet, q.labelStarts[label], q.nameEnd))) {
        return true;
      }
    }
    return false;
  }

  private boolean contains(long hash) {
    for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
      long s = slots[i];
      if (s == hash) {
        return true;
      }
      if (s == 0) {
        return false;
      }
    }
  }
}
