package dev.dnsd.store;

import java.util.List;

/**
 * A committed change: its store version, when it was committed, and what it did to each zone. It
 * is the unit of the change log, of replication and of IXFR.
 *
 * @param version the store's version after this change; versions increase by one per commit
 * @param committedAtMillis wall-clock time of the commit, in milliseconds since the epoch
 * @param zones what happened to each zone the change touched, in the order first touched
 */
public record Change(long version, long committedAtMillis, List<ZoneChange> zones) {
  public Change {
    zones = List.copyOf(zones);
  }

  /** Whether the change set changed nothing; such a change has the store's current version. */
  public boolean isEmpty() {
    return zones.isEmpty();
  }
}
