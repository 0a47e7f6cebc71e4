package dev.dnsd.store;

import dev.dnsd.zone.ZoneTable;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The durable, versioned source of truth for zones. A commit is atomic, gets the next version,
 * and is visible in {@link #zones()} when it returns; the zone table it publishes is what the
 * responder reads, without locks and without ever seeing half a change.
 *
 * <p>Implementations: {@link InMemoryRecordStore} here, {@code SqliteRecordStore} in dnsd-sqlite.
 * Most extend {@link AbstractRecordStore}, which implements validation, versioning, publication and
 * group commit, and leaves only persistence to the subclass. All methods are thread-safe.
 */
public interface RecordStore extends AutoCloseable {
  /**
   * How many of the latest changes a store's log keeps by default: what a secondary that was
   * away can catch up from (sync) and what IXFR can answer from, before a whole copy is needed.
   */
  int DEFAULT_HISTORY = 10_000;

  /**
   * Applies the change set atomically and durably.
   *
   * @return the committed change, with its version
   * @throws dev.dnsd.zone.InvalidZoneException when an edit breaks a zone rule; nothing changed
   * @throws StoreException when the change could not be made durable; nothing changed
   */
  Change commit(ChangeSet changes);

  /** The current zones; {@link ZoneTable#version()} is the version of the last commit. */
  ZoneTable zones();

  /**
   * The value a committed change set last set for this metadata key ({@link
   * ChangeSet.Builder#meta}), as durable as the zones; null when never set. Stores that keep no
   * metadata return null, which makes a secondary on them start from a full copy each time.
   */
  default @Nullable String meta(String key) {
    return null;
  }

  /** The version of the last commit, 0 before the first. */
  default long version() {
    return zones().version();
  }

  /**
   * The changes after a version, oldest first, at most {@code limit} of them.
   *
   * @return empty when the log no longer reaches back to {@code afterVersion} (or that version is
   *     newer than this store's): the caller then needs all of {@link #zones()} instead
   */
  Optional<List<Change>> changesSince(long afterVersion, int limit);

  /**
   * Registers a listener for every later commit. The subscription's {@link
   * Subscription#initial()} is the state that the first change it hears about follows, so nothing
   * falls between the two.
   */
  Subscription subscribe(ChangeListener listener);

  /**
   * Registers a hook that adds edits to every later commit that creates or deletes zones, in the
   * same change; closing the subscription removes it. Its {@link Subscription#initial()} is the
   * state from which on no such commit goes without it.
   *
   * @throws UnsupportedOperationException when the store cannot (every {@link
   *     AbstractRecordStore} can)
   */
  default Subscription addZoneListHook(ZoneListHook hook) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " takes no zone list hooks");
  }

  /** Releases the store; commits after close fail. Idempotent. */
  @Override
  void close();

  /** A registered listener; closing it unregisters it. */
  interface Subscription extends AutoCloseable {
    ZoneTable initial();

    @Override
    void close();
  }
}
