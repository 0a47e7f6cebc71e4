package dev.dnsd.store;

import java.util.List;
import java.util.Map;

/**
 * A committed change: its store version, when it was committed, and what it did to each zone. It
 * is the unit of the change log, of replication and of IXFR.
 *
 * @param version the store's version after this change; versions increase by one per commit
 * @param committedAtMillis wall-clock time of the commit, in milliseconds since the epoch
 * @param zones what happened to each zone the change touched, in the order first touched
 * @param meta the store metadata the change set set ({@link ChangeSet#meta()}); a store must make
 *     it durable with the change, but need not keep it in the log that {@link
 *     RecordStore#changesSince} reads
 */
public record Change(
    long version, long committedAtMillis, List<ZoneChange> zones, Map<String, String> meta) {
  /**
   * Copies the lists and the metadata.
   *
   * @param version the store's version after this change
   * @param committedAtMillis wall-clock time of the commit
   * @param zones what happened to each zone
   * @param meta the store metadata the change set set
   */
  public Change {
    zones = List.copyOf(zones);
    meta = Map.copyOf(meta);
  }

  /**
   * A change that set no metadata.
   *
   * @param version the store's version after this change
   * @param committedAtMillis wall-clock time of the commit
   * @param zones what happened to each zone
   */
  public Change(long version, long committedAtMillis, List<ZoneChange> zones) {
    this(version, committedAtMillis, zones, Map.of());
  }

  /**
   * Whether the change set changed nothing; such a change has the store's current version.
   *
   * @return whether nothing changed
   */
  public boolean isEmpty() {
    return zones.isEmpty() && meta.isEmpty();
  }
}
