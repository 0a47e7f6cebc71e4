package dev.dnsd.store;

import dev.dnsd.zone.ZoneTable;

/**
 * Told of every commit, in version order, right after it is durable and visible to queries. It
 * runs on the committing thread while later commits wait, so it must be quick: hand work to
 * another thread rather than doing I/O here, and never commit from here (that commit fails).
 *
 * <p>Commits that were made durable together (group commit) are told one after another, then
 * {@link #endOfBatch()} once.
 */
@FunctionalInterface
public interface ChangeListener {
  /**
   * Hears of one commit.
   *
   * @param change the committed change
   * @param after the zone table the change published
   */
  void committed(Change change, ZoneTable after);

  /**
   * Hears that every commit of one durable write has been told to {@link #committed}, on the same
   * thread and under the same rules. A listener that passes changes on can pass the whole batch on
   * here at once: one write to a peer's socket, and one wakeup of the peer, instead of one per
   * commit.
   */
  default void endOfBatch() {}
}
