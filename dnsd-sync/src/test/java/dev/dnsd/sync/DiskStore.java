package dev.dnsd.sync;

import dev.dnsd.store.AbstractRecordStore;
import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.zone.ZoneTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A durable store for in-JVM tests: what it persists lives in a {@link Disk} that outlives the
 * store, so a server can be stopped and another opened on the same data, as with SQLite. A disk
 * can also hold commits at a gate, to catch a secondary in the middle of applying.
 */
final class DiskStore extends AbstractRecordStore {
  static final class Disk {
    final List<Change> log = new ArrayList<>();
    final Map<String, String> meta = new HashMap<>();
    volatile CountDownLatch gate = new CountDownLatch(0);
    volatile CountDownLatch reachedGate = new CountDownLatch(1);

    /** Makes the next persists wait until {@link #release()} is called. */
    void hold() {
      gate = new CountDownLatch(1);
      reachedGate = new CountDownLatch(1);
    }

    void release() {
      gate.countDown();
    }
  }

  private final Disk disk;

  private DiskStore(Disk disk, ZoneTable table, Map<String, String> meta) {
    super(table, meta);
    this.disk = disk;
  }

  static DiskStore open(Disk disk) {
    synchronized (disk) {
      InMemoryRecordStore scratch = new InMemoryRecordStore(0);
      long version = 0;
      for (Change change : disk.log) {
        scratch.commit(ChangeSet.replaying(change));
        version = change.version();
      }
      return new DiskStore(disk, scratch.zones().withVersion(version), disk.meta);
    }
  }

  @Override
  protected void persist(List<Change> batch) {
    disk.reachedGate.countDown();
    try {
      if (!disk.gate.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("test gate never opened");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    synchronized (disk) {
      for (Change change : batch) {
        disk.log.add(change);
        disk.meta.putAll(change.meta());
      }
    }
  }

  @Override
  protected void closeStorage() {}

  @Override
  public Optional<List<Change>> changesSince(long afterVersion, int limit) {
    synchronized (disk) {
      if (afterVersion > version()) {
        return Optional.empty();
      }
      List<Change> out = new ArrayList<>();
      for (Change change : disk.log) {
        if (change.version() > afterVersion && out.size() < limit) {
          out.add(change);
        }
      }
      return Optional.of(out);
    }
  }
}
