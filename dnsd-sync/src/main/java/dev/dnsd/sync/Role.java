package dev.dnsd.sync;

/** What a peer of a {@link SyncPrimary} may do; a peer may have both roles. */
public enum Role {
  /** Receives every change in real time and keeps a copy of all zones. */
  SECONDARY(1),
  /** Commits change sets (creates and deletes zones, edits records) and reads zones. */
  CONTROL(2);

  final int bit;

  Role(int bit) {
    this.bit = bit;
  }
}
