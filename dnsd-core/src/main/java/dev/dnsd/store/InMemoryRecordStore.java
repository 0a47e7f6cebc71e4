package dev.dnsd.store;

import dev.dnsd.zone.ZoneTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A {@link RecordStore} that keeps everything in memory: for tests, and for servers whose zones
 * come from files or a primary at every start. It keeps the last {@code historyLimit} changes for
 * replication catch-up and IXFR.
 *
 * <pre>{@code
 * RecordStore store = new InMemoryRecordStore();
 * store.commit(ChangeSet.builder().createZone(origin, records).build());
 * }</pre>
 */
public final class InMemoryRecordStore extends AbstractRecordStore {
  private final int historyLimit;
  // Guarded by the writer lock for appends; read under its own monitor.
  private final ArrayDeque<Change> history = new ArrayDeque<>();

  /** Keeps {@value RecordStore#DEFAULT_HISTORY} changes. */
  public InMemoryRecordStore() {
    this(DEFAULT_HISTORY);
  }

  /**
   * A store that keeps this many of the latest changes.
   *
   * @param historyLimit 0 or more
   */
  public InMemoryRecordStore(int historyLimit) {
    super(ZoneTable.empty());
    if (historyLimit < 0) {
      throw new IllegalArgumentException("historyLimit must be >= 0: " + historyLimit);
    }
    this.historyLimit = historyLimit;
  }

  @Override
  protected void persist(List<Change> batch) {
    synchronized (history) {
      for (Change change : batch) {
        history.addLast(change);
        if (history.size() > historyLimit) {
          history.removeFirst();
        }
      }
    }
  }

  @Override
  protected void closeStorage() {
    synchronized (history) {
      history.clear();
    }
  }

  @Override
  public Optional<List<Change>> changesSince(long afterVersion, int limit) {
    // Read the version before the log: a commit between the two only adds to what is found.
    long current = version();
    synchronized (history) {
      if (afterVersion > current) {
        return Optional.empty();
      }
      long oldest = history.isEmpty() ? current + 1 : history.peekFirst().version();
      if (afterVersion + 1 < oldest && afterVersion < current) {
        return Optional.empty();
      }
      List<Change> out = new ArrayList<>();
      for (Iterator<Change> it = history.iterator(); it.hasNext() && out.size() < limit; ) {
        Change change = it.next();
        if (change.version() > afterVersion) {
          out.add(change);
        }
      }
      return Optional.of(out);
    }
  }
}
