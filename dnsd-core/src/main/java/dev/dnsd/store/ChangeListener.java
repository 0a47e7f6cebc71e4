package dev.dnsd.store;

import dev.dnsd.zone.ZoneTable;

/**
 * Told of every commit, in version order, right after it is durable and visible to queries. It
 * runs on the committing thread while later commits wait, so it must be quick: hand work to
 * another thread rather than doing I/O here, and never commit from here (that commit fails).
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
}
