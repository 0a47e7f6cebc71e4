package dev.dnsd.internal;

import dev.dnsd.zone.ZoneTable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * Encoded answers by question, valid for one zone table: a hit costs a copy and a patch of the
 * ID, the RD and CD bits and the question's case instead of a parse, a lookup and an encoding.
 *
 * <p>Bounded: a fixed array of two-way sets, indexed by the question's hash, with an entry
 * overwritten when its set is full, and a byte budget that the entries' estimated heap size never
 * exceeds (by more than one entry per racing thread). A flood of names seen once therefore
 * displaces entries but never grows the cache.
 *
 * <p>Invalidation is by generation: each zone table the responder reads, with the set of expired
 * zones it answers SERVFAIL, gets the next number; an entry is stored with the number of the state
 * it was computed from and only served while that state is the current one. A commit publishes a
 * new table, and expiry a new set, so the first query after either finds every old entry stale;
 * stale entries hold no reference to old tables and are overwritten in time.
 *
 * <p>Thread-safe without locks: entries are immutable and published whole.
 */
final class AnswerCache {
  /** Bytes an entry costs beyond its name and answer arrays: the entry and two array headers. */
  static final int ENTRY_OVERHEAD = 96;
  /** What an entry is assumed to cost on average when the number of slots is chosen. */
  private static final int TYPICAL_ENTRY = 256;

  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Entry[].class);

  private final Entry[] slots;
  private final int setMask;
  private final long budget;
  private final int maxAnswer;
  private final AtomicLong used = new AtomicLong();
  private final AtomicReference<Generation> generation =
      new AtomicReference<>(new Generation(null, Set.of(), 0, OriginFilter.of(ZoneTable.empty())));

  /** The current table, its number, and the filter of its origins. */
  /** The state answers are computed from; tables and expired sets are compared by identity. */
  record Generation(@Nullable ZoneTable table, Set<Name> expired, int id, OriginFilter origins) {}

  static final class Entry {
    final int hash;
    final int generation;
    final int qtype;
    final int qclass;
    final int shape;
    final byte[] name;
    final byte[] answer;
    /**
     * Set on a hit, cleared when an insert passes the entry over: a second chance that keeps hot
     * answers when names seen once collide with them. Racy by design; a lost update only costs
     * a miss.
     */
    boolean referenced;

    Entry(int hash, int generation, int qtype, int qclass, int shape, byte[] name, byte[] answer) {
      this.hash = hash;
      this.generation = generation;
      this.qtype = qtype;
      this.qclass = qclass;
      this.shape = shape;
      this.name = name;
      this.answer = answer;
    }

    long cost() {
      return ENTRY_OVERHEAD + name.length + answer.length;
    }
  }

  /** @param budget bytes the entries may take, at least 64 KiB */
  AnswerCache(long budget) {
    if (budget < ResponderConfig.MIN_ANSWER_CACHE_BYTES) {
      throw new IllegalArgumentException("answer cache budget below 64 KiB: " + budget);
    }
    long wanted = Math.min(budget / TYPICAL_ENTRY, 1 << 24);
    int size = Integer.highestOneBit((int) wanted);
    this.slots = new Entry[size];
    this.setMask = size / 2 - 1;
    this.budget = budget;
    this.maxAnswer = (int) Math.min(65535, budget / 64);
  }

  /** The generation of this state, starting a new one when it is not the current one. */
  Generation generation(ZoneTable table, Set<Name> expired) {
    while (true) {
      Generation g = generation.get();
      if (g.table() == table && g.expired() == expired) {
        return g;
      }
      OriginFilter origins = g.table() == table ? g.origins() : OriginFilter.of(table);
      Generation next = new Generation(table, expired, g.id() + 1, origins);
      if (generation.compareAndSet(g, next)) {
        return next;
      }
    }
  }

  /** The answer cached for this question under this generation, or null. */
  byte @Nullable [] get(int generationId, byte[] packet, WireQuery q) {
    int base = (q.hash & setMask) << 1;
    int shape = q.shape();
    for (int way = 0; way < 2; way++) {
      Entry e = slots[base + way];
      if (e != null
          && e.hash == q.hash
          && e.generation == generationId
          && e.qtype == q.qtype
          && e.qclass == q.qclass
          && e.shape == shape
          && q.nameEquals(packet, e.name)) {
        if (!e.referenced) {
          e.referenced = true; // written once, so that hot entries do not bounce between cores
        }
        return e.answer;
      }
    }
    return null;
  }

  /** Caches an answer; skipped when it is too large or the budget does not allow it. */
  void put(int generationId, byte[] packet, WireQuery q, byte[] answer) {
    if (answer.length > maxAnswer) {
      return;
    }
    Entry entry =
        new Entry(q.hash, generationId, q.qtype, q.qclass, q.shape(), q.lowerName(packet), answer);
    int base = (q.hash & setMask) << 1;
    int way = chooseWay(base, generationId, q.hash);
    Entry old = slots[base + way];
    long delta = entry.cost() - (old == null ? 0 : old.cost());
    if (used.get() + delta > budget) {
      return;
    }
    if (SLOTS.compareAndSet(slots, base + way, old, entry)) {
      used.addAndGet(delta);
    }
  }

  /**
   * An empty or stale way if there is one, else one not hit since it was last passed over (the
   * other then loses its mark), else the one the hash picks.
   */
  private int chooseWay(int base, int generationId, int hash) {
    Entry first = slots[base];
    Entry second = slots[base + 1];
    if (first == null || first.generation != generationId) {
      return 0;
    }
    if (second == null || second.generation != generationId) {
      return 1;
    }
    if (first.referenced != second.referenced) {
      Entry kept = first.referenced ? first : second;
      kept.referenced = false;
      return kept == first ? 1 : 0;
    }
    first.referenced = false;
    second.referenced = false;
    return (hash >>> 31) & 1;
  }

  /** Estimated bytes the entries take now. */
  long usedBytes() {
    return used.get();
  }

  long budget() {
    return budget;
  }

  int slotCount() {
    return slots.length;
  }

  /** Entries in place, stale ones too; walks the whole array. */
  int entryCount() {
    int n = 0;
    for (int i = 0; i < slots.length; i++) {
      if (SLOTS.getVolatile(slots, i) != null) {
        n++;
      }
    }
    return n;
  }
}
