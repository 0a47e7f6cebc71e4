package dev.dnsd.zone;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * The immutable set of zones a server answers for, found by longest suffix. A parent zone and its
 * child zone may both be here; a name in the child is answered from the child.
 */
public final class ZoneTable {
  private static final ZoneTable EMPTY = new ZoneTable(PersistentMap.empty(), 0);

  private final PersistentMap<Name, Zone> zones;
  private final long version;

  private ZoneTable(PersistentMap<Name, Zone> zones, long version) {
    this.zones = zones;
    this.version = version;
  }

  public static ZoneTable empty() {
    return EMPTY;
  }

  /** The zone whose origin is the longest suffix of the name, or null when none is. */
  public @Nullable Zone find(Name name) {
    int labels = name.labels();
    for (int skip = 0; skip < labels; skip++) {
      Zone zone = zones.get(skip == 0 ? name : new Name(name, skip));
      if (zone != null) {
        return zone;
      }
    }
    return null;
  }

  /** The zone with exactly this origin. */
  public @Nullable Zone get(Name origin) {
    return zones.get(origin);
  }

  /** The closest zone strictly above the origin (the parent side of a cut), or null. */
  public @Nullable Zone parentOf(Name origin) {
    return origin.labels() <= 1 ? null : find(new Name(origin, 1));
  }

  /** The store version whose commit produced this table; 0 for a store that never committed. */
  public long version() {
    return version;
  }

  public ZoneTable withVersion(long newVersion) {
    return new ZoneTable(zones, newVersion);
  }

  public ZoneTable with(Zone zone) {
    return new ZoneTable(zones.put(zone.origin(), zone), version);
  }

  public ZoneTable without(Name origin) {
    return new ZoneTable(zones.remove(origin), version);
  }

  public int size() {
    return zones.size();
  }

  public boolean isEmpty() {
    return zones.size() == 0;
  }

  /** The zones, in canonical order of their origins. */
  public List<Zone> zones() {
    List<Zone> out = new ArrayList<>(zones.size());
    zones.forEach((origin, zone) -> out.add(zone));
    out.sort((a, b) -> a.origin().compareTo(b.origin()));
    return out;
  }
}
