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
  private static final ZoneTable EMPTY = new ZoneTable(PersistentMap.empty(), 0, new Object());

  private final PersistentMap<Name, Zone> zones;
  private final long version;
  private final Object origins;

  private ZoneTable(PersistentMap<Name, Zone> zones, long version, Object origins) {
    this.zones = zones;
    this.version = version;
    this.origins = origins;
  }

  /**
   * A table with no zone.
   *
   * @return the table
   */
  public static ZoneTable empty() {
    return EMPTY;
  }

  /**
   * The zone whose origin is the longest suffix of the name, or null when none is.
   *
   * @param name the name
   * @return the zone, or null
   */
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

  /**
   * The zone with exactly this origin.
   *
   * @param origin the origin
   * @return the zone, or null
   */
  public @Nullable Zone get(Name origin) {
    return zones.get(origin);
  }

  /**
   * The closest zone strictly above the origin (the parent side of a cut), or null.
   *
   * @param origin the origin
   * @return the zone, or null
   */
  public @Nullable Zone parentOf(Name origin) {
    return origin.labels() <= 1 ? null : find(new Name(origin, 1));
  }

  /**
   * What stands for this table's set of origins, compared by identity: tables made from one
   * another by changes to zones' content share it, and creating or deleting a zone gives a new
   * one, so that whoever caches what {@link #find} returned can tell when that may differ now.
   *
   * @return the identity of the origin set
   */
  public Object origins() {
    return origins;
  }

  /**
   * The store version whose commit produced this table; 0 for a store that never committed.
   *
   * @return the version
   */
  public long version() {
    return version;
  }

  /**
   * A copy with another version.
   *
   * @param newVersion the version
   * @return the copy
   */
  public ZoneTable withVersion(long newVersion) {
    return new ZoneTable(zones, newVersion, origins);
  }

  /**
   * A copy with this zone, replacing the one of its origin.
   *
   * @param zone the zone
   * @return the copy
   */
  public ZoneTable with(Zone zone) {
    Object sameOrNew = zones.get(zone.origin()) != null ? origins : new Object();
    return new ZoneTable(zones.put(zone.origin(), zone), version, sameOrNew);
  }

  /**
   * A copy without the zone of this origin.
   *
   * @param origin the origin
   * @return the copy
   */
  public ZoneTable without(Name origin) {
    PersistentMap<Name, Zone> left = zones.remove(origin);
    return left == zones ? this : new ZoneTable(left, version, new Object());
  }

  /**
   * How many zones it holds.
   *
   * @return the count
   */
  public int size() {
    return zones.size();
  }

  /**
   * Whether it holds no zone.
   *
   * @return whether it is empty
   */
  public boolean isEmpty() {
    return zones.size() == 0;
  }

  /**
   * The zones, in canonical order of their origins.
   *
   * @return the zones
   */
  public List<Zone> zones() {
    List<Zone> out = new ArrayList<>(zones.size());
    zones.forEach((origin, zone) -> out.add(zone));
    out.sort((a, b) -> a.origin().compareTo(b.origin()));
    return out;
  }
}
