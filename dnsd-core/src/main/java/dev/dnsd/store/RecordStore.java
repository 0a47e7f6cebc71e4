package dev.dnsd.store;

import dev.dnsd.dnssec.DnssecStatus;
import dev.dnsd.zone.ZoneTable;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

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
   * @param changes what to change
   * @return the committed change, with its version
   * @throws dev.dnsd.zone.InvalidZoneException when an edit breaks a zone rule; nothing changed
   * @throws StoreException when the change could not be made durable; nothing changed
   */
  Change commit(ChangeSet changes);

  /**
   * The current zones; {@link ZoneTable#version()} is the version of the last commit.
   *
   * @return the zone table
   */
  ZoneTable zones();

  /**
   * The value a committed change set last set for this metadata key ({@link
   * ChangeSet.Builder#meta}), as durable as the zones; null when never set. Stores that keep no
   * metadata return null, which makes a secondary on them start from a full copy each time.
   *
   * @param key the key
   * @return the value, or null
   */
  default @Nullable String meta(String key) {
    return null;
  }

  /**
   * The DNSSEC state of a zone this store signs ({@link ChangeSet.Sign}): its policy, keys and
   * next event; null for a zone it does not sign (a zone that arrived signed included). Stores
   * that keep no keys sign no zone.
   *
   * @param origin the zone
   * @return its state, or null
   */
  default @Nullable DnssecStatus dnssec(Name origin) {
    return null;
  }

  /**
   * The DNSSEC state of every zone this store signs.
   *
   * @return the states by origin
   */
  default Map<Name, DnssecStatus> dnssec() {
    return Map.of();
  }

  /**
   * The clock that dates commits and times the signatures of the zones the store signs.
   *
   * @return the clock
   */
  default Clock clock() {
    return Clock.systemUTC();
  }

  /**
   * The version of the last commit, 0 before the first.
   *
   * @return the version
   */
  default long version() {
    return zones().version();
  }

  /**
   * The changes after a version, oldest first, at most {@code limit} of them.
   *
   * @param afterVersion the last version the caller has
   * @param limit the most changes returned
   * @return empty when the log no longer reaches back to {@code afterVersion} (or that version is
   *     newer than this store's): the caller then needs all of {@link #zones()} instead
   */
  Optional<List<Change>> changesSince(long afterVersion, int limit);

  /**
   * Registers a listener for every later commit. The subscription's {@link
   * Subscription#initial()} is the state that the first change it hears about follows, so nothing
   * falls between the two.
   *
   * @param listener the listener
   * @return the subscription
   */
  Subscription subscribe(ChangeListener listener);

  /**
   * Registers a hook that adds edits to every later commit that creates or deletes zones, in the
   * same change; closing the subscription removes it. Its {@link Subscription#initial()} is the
   * state from which on no such commit goes without it.
   *
   * @param hook the hook
   * @return the subscription; closing it removes the hook
   * @throws UnsupportedOperationException when the store cannot (every {@link
   *     AbstractRecordStore} can)
   */
  default Subscription addZoneListHook(ZoneListHook hook) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " takes no zone list hooks");
  }

  /**
   * Reserves this store's commits for one writer that keeps it a copy of another source, such as
   * a replication secondary: from now on {@link #commit} is refused with an {@link
   * IllegalStateException} naming the owner, since a change made beside the copy would make it
   * diverge from its source, and only the returned {@link Committer} commits, until it is closed.
   *
   * <pre>{@code
   * try (RecordStore.Committer committer = store.reserve("secondary ns2 of 192.0.2.1:5300")) {
   *   committer.commit(changesFromThePrimary);
   * }
   * }</pre>
   *
   * @param owner who writes the store, as the refusal names it
   * @return the only committer of the store until it is closed
   * @throws IllegalStateException when another owner holds it
   * @throws UnsupportedOperationException when the store cannot (every {@link
   *     AbstractRecordStore} can)
   */
  default Committer reserve(String owner) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be reserved for one writer");
  }

  /**
   * The commits since the store was opened and the time they took ({@link dev.dnsd.DnsServer#statistics()}
   * reports them). Every {@link AbstractRecordStore} counts; by default a store counts nothing.
   *
   * @return the counts
   */
  default CommitStatistics commitStatistics() {
    return CommitStatistics.NONE;
  }

  /** Releases the store; commits after close fail. Idempotent. */
  @Override
  void close();

  /** The one writer of a reserved store ({@link #reserve}); closing it ends the reservation. */
  interface Committer extends AutoCloseable {
    /**
     * Commits as {@link RecordStore#commit} does, as the store's owner.
     *
     * @param changes what to change
     * @return the committed change, with its version
     * @throws IllegalStateException when the reservation was ended
     */
    Change commit(ChangeSet changes);

    /** Ends the reservation: the store takes commits from anyone again. Idempotent. */
    @Override
    void close();
  }

  /** A registered listener; closing it unregisters it. */
  interface Subscription extends AutoCloseable {
    /**
     * The state before the first change the listener hears of.
     *
     * @return the zone table
     */
    ZoneTable initial();

    @Override
    void close();
  }
}
