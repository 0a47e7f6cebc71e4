package dev.dnsd.store;

import java.time.Duration;

/**
 * What a {@link RecordStore}'s commits have cost since it was opened: how many returned, how many
 * failed, and the time they took, measured from the call of {@link RecordStore#commit} to its
 * return (the wait for the writer lock, the edits, the durable write, the listeners). Counted by
 * every {@link AbstractRecordStore}; a store that counts nothing has {@link #NONE}.
 *
 * <pre>{@code
 * CommitStatistics c = store.commitStatistics();
 * Duration average = c.commits() == 0 ? Duration.ZERO : c.totalTime().dividedBy(c.commits());
 * }</pre>
 *
 * @param commits commits that returned, a change set that changed nothing included
 * @param failed commits that threw: refused by a zone rule, or not made durable
 * @param totalTime the time every commit that returned took, added up
 * @param maxTime the longest any of them took
 */
public record CommitStatistics(long commits, long failed, Duration totalTime, Duration maxTime) {
  /** No commit counted. */
  public static final CommitStatistics NONE = new CommitStatistics(0, 0, Duration.ZERO, Duration.ZERO);
}
