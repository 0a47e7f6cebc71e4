package dev.dnsd.sync;

import java.util.List;

/**
 * The outcome of a commit that waited for secondaries ({@link SyncPrimary#commitAndWait}, {@link
 * ControlClient#commit(dev.dnsd.store.ChangeSet, java.time.Duration)}).
 *
 * @param version the primary's version after the commit
 * @param applied the configured secondaries (by peer name) that applied it in time
 * @param notApplied the configured secondaries that had not applied it when the wait ended,
 *     connected or not; empty when every one did
 */
public record CommitResult(long version, List<String> applied, List<String> notApplied) {
  /**
   * Copies the lists.
   *
   * @param version the primary's version after the commit
   * @param applied the secondaries that applied it
   * @param notApplied the secondaries that had not
   */
  public CommitResult {
    applied = List.copyOf(applied);
    notApplied = List.copyOf(notApplied);
  }

  /**
   * Whether every configured secondary applied the change in time.
   *
   * @return whether none was left out
   */
  public boolean allApplied() {
    return notApplied.isEmpty();
  }
}
