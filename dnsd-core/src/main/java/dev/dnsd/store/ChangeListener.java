package dev.dnsd.store;

import dev.dnsd.zone.ZoneTable;

/**
 * Told of every commit, in version order, right after it is durable and visible to queries. It
 * runs on the committing thread while later commits wait, so it must be quick: hand work to
 * another thread rather than doing I/O here, and never commit from here (that commit fails).
 */
@FunctionalInterface
public interface ChangeListener {
  void committed(Change change, ZoneTable after);
}
