package dev.dnsd.store;

import dev.dnsd.dnssec.DnssecStatus;
import dev.dnsd.zone.ZoneTable;
import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * The part of a {@link RecordStore} that every implementation shares: applying change sets to the
 * zone table with every rule checked, numbering versions, publishing the new table, telling
 * listeners, and group commit. A subclass only makes batches of changes durable in {@link
 * #persist(List)}.
 *
 * <p>Group commit: committing threads queue their change sets; whichever holds the writer lock
 * applies everything queued and persists it as one batch, so a store that pays for each durable
 * write (an fsync) pays once for many commits, and none returns before its change is durable.
 *
 * <p>DNSSEC: the zones the store signs (see {@link ChangeSet.Sign}) are signed here, in the write
 * path, with their keys and policy kept as {@link SigningRow}s that a subclass persists with the
 * changes ({@link #persist(List, List)}) and hands back when it opens.
 *
 * <p>Every commit that changes something is logged at INFO through the logger {@value #AUDIT_LOG}:
 * its version, who made it ({@link ChangeSet#origin()}) and the zones it touched, e.g. {@code
 * version 42 by update key xfr-key from 192.0.2.8:5300: example.com. modified}. Commits are counted
 * and timed ({@link #commitStatistics()}).
 */
public abstract class AbstractRecordStore implements RecordStore {
  private static final Logger log = LoggerFactory.getLogger(AbstractRecordStore.class);

  /** The name of the logger of the audit lines, one per commit. */
  public static final String AUDIT_LOG = "dev.dnsd.audit";

  private static final Logger audit = LoggerFactory.getLogger(AUDIT_LOG);
  /** Zones an audit line names, at most; a commit of more says how many more. */
  private static final int AUDIT_ZONES = 100;

  private final ReentrantLock writer = new ReentrantLock();
  /** Guards {@link #writing} and {@link #waiting}. */
  private final Object turn = new Object();
  /** A committing thread is writing a batch, or was chosen to write the next one. */
  private boolean writing;
  /** The commits whose threads wait for the batch being written, in the order they came. */
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
  private final Clock clock;
  private final List<ZoneListHook> hooks = new CopyOnWriteArrayList<>();
  private volatile ZoneTable current;
  private volatile Map<String, String> meta;
  /** The DNSSEC state of each zone the store signs. */
  private volatile Map<Name, ZoneKeys> signing;
  private volatile boolean closed;
  /** The one writer allowed, or null for anyone; set and read under the writer lock. */
  private @Nullable Reservation reservation;
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong failedCommits = new AtomicLong();
  private final AtomicLong commitNanos = new AtomicLong();
  private final AtomicLong maxCommitNanos = new AtomicLong();

  /**
   * Starts from the state the subclass loaded; its version is the last durable commit's.
   *
   * @param initial the zones loaded, with the version of the last durable commit
   */
  protected AbstractRecordStore(ZoneTable initial) {
    this(initial, Map.of());
  }

  /**
   * Starts from the zones and the metadata the subclass loaded.
   *
   * @param initial the zones loaded, with the version of the last durable commit
   * @param initialMeta the metadata loaded
   */
  protected AbstractRecordStore(ZoneTable initial, Map<String, String> initialMeta) {
    this(initial, initialMeta, List.of(), Clock.systemUTC());
  }

  /**
   * Starts from the zones, metadata and DNSSEC state the subclass loaded.
   *
   * @param clock what commits are dated and signatures timed by
   * @param initial the zones loaded
   * @param initialMeta the store metadata loaded
   * @param signingRows the DNSSEC state of the signed zones
   * @throws StoreException when a signing row does not read (its text is not shown: it holds keys)
   */
  protected AbstractRecordStore(
      ZoneTable initial, Map<String, String> initialMeta, List<SigningRow> signingRows, Clock clock) {
    this.current = initial;
    this.meta = Map.copyOf(initialMeta);
    this.clock = clock;
    Map<Name, ZoneKeys> keys = new LinkedHashMap<>();
    for (SigningRow row : signingRows) {
      if (row.state() == null) {
        continue;
      }
      try {
        keys.put(row.origin(), ZoneKeysCodec.decode(row.origin(), row.state()));
      } catch (IllegalArgumentException e) {
        throw new StoreException(e.getMessage(), e);
      }
    }
    this.signing = Map.copyOf(keys);
  }

  /**
   * Makes the changes durable, in order, all or none, each with its {@link Change#meta()} (later
   * values of a key replace earlier ones). When this returns they must survive a crash; when it
   * throws, none may be visible after a restart.
   *
   * @param batch the changes, in version order
   */
  protected abstract void persist(List<Change> batch);

  /**
   * Makes the changes durable as {@link #persist(List)} does, with the DNSSEC state that changed
   * in the same batch (written in the same transaction; a row with a null state is deleted). The
   * batch may hold no change when only the DNSSEC state changed. This default, for stores that
   * keep no DNSSEC state, refuses to sign zones.
   *
   * @param batch the changes, oldest first
   * @param signingRows the DNSSEC state of the signed zones
   */
  protected void persist(List<Change> batch, List<SigningRow> signingRows) {
    if (!signingRows.isEmpty()) {
      throw new StoreException(getClass().getSimpleName() + " cannot keep DNSSEC keys, so it signs no zone");
    }
    if (!batch.isEmpty()) {
      persist(batch);
    }
  }

  /** Releases what the subclass holds; called once, under the writer lock. */
  protected abstract void closeStorage();

  @Override
  public final Change commit(ChangeSet changes) {
    return commit(changes, null);
  }

  @Override
  public final Committer reserve(String owner) {
    writer.lock();
    try {
      Reservation held = reservation;
      if (held != null) {
        throw new IllegalStateException("the store is reserved already, by " + held.owner);
      }
      Reservation r = new Reservation(owner);
      reservation = r;
      return r;
    } finally {
      writer.unlock();
    }
  }

  private Change commit(ChangeSet changes, @Nullable Reservation by) {
    if (writer.isHeldByCurrentThread()) {
      // The lock is reentrant: a commit from a listener would publish and announce its change
      // before the other listeners heard of the one being announced, out of version order.
      throw new IllegalStateException("a change listener may not commit; hand the work to another thread");
    }
    long start = System.nanoTime();
    Pending pending = new Pending(changes, by);
    queue.add(pending);
    writeOrAwait(pending);
    if (pending.error != null) {
      failedCommits.incrementAndGet();
      throw pending.error;
    }
    long took = System.nanoTime() - start;
    commits.incrementAndGet();
    commitNanos.addAndGet(took);
    maxCommitNanos.accumulateAndGet(took, Math::max);
    return pending.result;
  }

  /**
   * Writes everything queued, the pending commit with it, unless another thread is writing a
   * batch: then waits until that batch is done, and returns if it held the pending commit, or
   * writes the next batch. A thread whose commit was in a batch returns as soon as that batch is
   * done, without waiting for the writer lock, which the next batch may hold already for as long
   * as its fsync takes.
   *
   * <p>The writer of a batch wakes only the threads whose commits it wrote and the one that writes
   * next, never every thread waiting: with many committers, waking all of them after each batch,
   * most only to wait again, cost more CPU than the batch's own commits.
   */
  private void writeOrAwait(Pending pending) {
    boolean wait;
    synchronized (turn) {
      if (pending.done) {
        return;
      }
      wait = writing;
      if (wait) {
        waiting.add(pending);
      } else {
        writing = true;
      }
    }
    if (wait && !pending.awaitDoneOrTurn()) {
      return;
    }
    List<Pending> wake = new ArrayList<>();
    try {
      writer.lock();
      try {
        // Queued before any batch that is not done was taken, so this one takes it.
        drain();
      } finally {
        writer.unlock();
      }
    } finally {
      Pending next = null;
      synchronized (turn) {
        for (Iterator<Pending> it = waiting.iterator(); it.hasNext(); ) {
          Pending w = it.next();
          if (w.done) {
            it.remove();
            wake.add(w);
          }
        }
        next = waiting.poll();
        if (next == null) {
          writing = false; // a thread that queues from now on writes its commit itself
        }
      }
      for (Pending w : wake) {
        w.wake();
      }
      if (next != null) {
        next.yourTurn();
      }
    }
  }

  /**
   * The commits since the store was opened and the time they took, each from the call to its
   * return.
   *
   * @return the counts
   */
  @Override
  public final CommitStatistics commitStatistics() {
    return new CommitStatistics(commits.get(), failedCommits.get(), Duration.ofNanos(commitNanos.get()),
        Duration.ofNanos(maxCommitNanos.get()));
  }

  @Override
  public final ZoneTable zones() {
    return current;
  }

  @Override
  public final @Nullable String meta(String key) {
    return meta.get(key);
  }

  @Override
  public final Clock clock() {
    return clock;
  }

  @Override
  public final @Nullable DnssecStatus dnssec(Name origin) {
    ZoneKeys keys = signing.get(origin);
    return keys == null || keys.policy == null ? null : keys.status(clock.instant());
  }

  @Override
  public final Map<Name, DnssecStatus> dnssec() {
    Instant now = clock.instant();
    Map<Name, DnssecStatus> out = new LinkedHashMap<>();
    signing.forEach((origin, keys) -> {
      if (keys.policy != null) {
        out.put(origin, keys.status(now));
      }
    });
    return out;
  }

  @Override
  public final Subscription subscribe(ChangeListener listener) {
    writer.lock();
    try {
      listeners.add(listener);
      ZoneTable initial = current;
      return new Subscription() {
        @Override
        public ZoneTable initial() {
          return initial;
        }

        @Override
        public void close() {
          listeners.remove(listener);
        }
      };
    } finally {
      writer.unlock();
    }
  }

  @Override
  public final Subscription addZoneListHook(ZoneListHook hook) {
    writer.lock();
    try {
      hooks.add(hook);
      ZoneTable initial = current;
      return new Subscription() {
        @Override
        public ZoneTable initial() {
          return initial;
        }

        @Override
        public void close() {
          hooks.remove(hook);
        }
      };
    } finally {
      writer.unlock();
    }
  }

  @Override
  public final void close() {
    writer.lock();
    try {
      if (!closed) {
        closed = true;
        closeStorage();
      }
    } finally {
      writer.unlock();
    }
  }

  /**
   * Whether {@link #close()} was called.
   *
   * @return whether the store is closed
   */
  protected final boolean isClosed() {
    return closed;
  }

  private void drain() {
    List<Pending> batch = new ArrayList<>();
    for (Pending p; (p = queue.poll()) != null; ) {
      batch.add(p);
    }
    if (closed) {
      fail(batch, new StoreException("the store is closed"));
      return;
    }
    ZoneTable table = current;
    Map<Name, ZoneKeys> keys = signing;
    List<Change> changes = new ArrayList<>();
    List<String> origins = new ArrayList<>();
    List<ZoneTable> tables = new ArrayList<>();
    List<Pending> applied = new ArrayList<>();
    Map<Name, SigningRow> rows = new LinkedHashMap<>();
    Instant now = clock.instant();
    for (Pending p : batch) {
      RuntimeException refused = refusal(p.by);
      if (refused != null) {
        p.error = refused;
        p.done = true;
        continue;
      }
      try {
        ChangeApplier.Applied result =
            ChangeApplier.apply(table, keys, p.changes, table.version() + 1, now, hooks);
        table = result.table();
        keys = result.signing();
        p.result = result.change();
        if (!result.change().isEmpty()) {
          changes.add(result.change());
          origins.add(p.changes.origin());
          tables.add(table);
        }
        for (SigningRow row : result.rows()) {
          rows.put(row.origin(), row); // a later commit's state of a zone replaces an earlier one's
        }
        applied.add(p);
      } catch (RuntimeException e) {
        p.error = e;
        p.done = true;
      }
    }
    if (!changes.isEmpty() || !rows.isEmpty()) {
      try {
        persist(changes, List.copyOf(rows.values()));
      } catch (RuntimeException e) {
        fail(applied, e instanceof StoreException ? e : new StoreException("commit failed: " + e, e));
        return;
      }
    }
    signing = keys;
    @Nullable Map<String, String> newMeta = null;
    for (Change change : changes) {
      if (!change.meta().isEmpty()) {
        if (newMeta == null) {
          newMeta = new HashMap<>(meta);
        }
        newMeta.putAll(change.meta());
      }
    }
    if (newMeta != null) {
      meta = Map.copyOf(newMeta);
    }
    current = table;
    for (int i = 0; i < changes.size(); i++) {
      Change change = changes.get(i);
      for (ChangeListener listener : listeners) {
        try {
          listener.committed(change, tables.get(i));
        } catch (RuntimeException e) {
          log.error("change listener {} failed on version {}", listener, change.version(), e);
        }
      }
    }
    if (!changes.isEmpty()) {
      for (ChangeListener listener : listeners) {
        try {
          listener.endOfBatch();
        } catch (RuntimeException e) {
          log.error("change listener {} failed at the end of the batch up to version {}", listener,
              changes.get(changes.size() - 1).version(), e);
        }
      }
    }
    // After the listeners, which send the changes to secondaries: a log line written to a slow
    // terminal or pipe holds up none of them.
    for (int i = 0; i < changes.size(); i++) {
      audit(changes.get(i), origins.get(i));
    }
    for (Pending p : applied) {
      p.done = true;
    }
  }

  /** The audit line of one commit: version, who, and the zones touched or the metadata set. */
  private static void audit(Change change, String origin) {
    if (!audit.isInfoEnabled()) {
      return;
    }
    StringBuilder what = new StringBuilder();
    List<ZoneChange> zones = change.zones();
    for (int i = 0; i < zones.size() && i < AUDIT_ZONES; i++) {
      if (i > 0) {
        what.append(", ");
      }
      what.append(zones.get(i).origin()).append(' ').append(zones.get(i).kind().name().toLowerCase(Locale.ROOT));
    }
    if (zones.size() > AUDIT_ZONES) {
      what.append(" and ").append(zones.size() - AUDIT_ZONES).append(" more zone(s)");
    }
    if (zones.isEmpty()) {
      what.append("no zone changed; metadata ").append(String.join(", ", new TreeSet<>(change.meta().keySet())));
    }
    audit.info("version {} by {}: {}", change.version(), origin, what);
  }

  /** Why a commit by this writer (null: anyone) is refused now, or null when it is not. */
  private @Nullable RuntimeException refusal(@Nullable Reservation by) {
    Reservation held = reservation;
    if (held == by) {
      return null;
    }
    if (held == null) {
      return new IllegalStateException("commit refused: the store's reservation by " + by.owner + " was ended");
    }
    return new IllegalStateException(
        "commit refused: this store is written only by " + held.owner
            + "; a change committed beside it would make the store diverge from its source");
  }

  /** The reservation of {@link #reserve}: commits through it pass, others are refused. */
  private final class Reservation implements Committer {
    final String owner;

    Reservation(String owner) {
      this.owner = owner;
    }

    @Override
    public Change commit(ChangeSet changes) {
      return AbstractRecordStore.this.commit(changes, this);
    }

    @Override
    public void close() {
      writer.lock();
      try {
        if (reservation == this) {
          reservation = null;
        }
      } finally {
        writer.unlock();
      }
    }
  }

  private static void fail(List<Pending> batch, RuntimeException error) {
    for (Pending p : batch) {
      p.error = error;
      p.result = null;
      p.done = true;
    }
  }

  private static final class Pending {
    final ChangeSet changes;
    final @Nullable Reservation by;
    // Written under the writer lock, done last: a thread that reads done true sees the rest.
    volatile boolean done;
    @Nullable Change result;
    @Nullable RuntimeException error;
    /** The thread that committed this may write the next batch; guarded by this. */
    private boolean turn;

    Pending(ChangeSet changes, @Nullable Reservation by) {
      this.changes = changes;
      this.by = by;
    }

    /**
     * Waits until this commit was written by another thread (false) or its thread is to write
     * the next batch (true). An interrupt does not end the wait: the commit is queued and goes
     * ahead; the flag is kept for the caller.
     */
    synchronized boolean awaitDoneOrTurn() {
      boolean interrupted = false;
      while (!done && !turn) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return !done;
    }

    /** Done is set: the waiting thread returns. */
    synchronized void wake() {
      notifyAll();
    }

    synchronized void yourTurn() {
      turn = true;
      notifyAll();
    }
  }
}
