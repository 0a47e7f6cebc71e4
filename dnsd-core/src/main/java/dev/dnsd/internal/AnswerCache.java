package dev.dnsd.internal;

import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
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
 * <p>Invalidation is per zone: an entry remembers the snapshot number of each zone its answer
 * was read from (the zone of the name, those of CNAME targets and of additional-section targets)
 * and is served only while each of those zones is still that snapshot, so a commit to one zone
 * leaves the answers of every other zone cached. What zone a name falls in, and which zones
 * answer SERVFAIL, is decided before any zone is read; entries carry the generation of that state
 * and the first query after a zone is created, deleted, expired or revived finds every old entry
 * stale. Entries hold origins and numbers, not snapshots, so stale entries keep no old zone alive
 * and are overwritten in time. An entry also remembers the {@link Generation#version() version}
 * it was made under: while the table is that one, its zones are those snapshots, and a hit
 * checks nothing more, which spares every hit a search of the table while no zone changes.
 *
 * <p>Thread-safe without locks: entries are immutable and published whole.
 */
final class AnswerCache {
  /**
   * Bytes an entry costs beyond its answer's bytes: the entry and the array's header. The question
   * name is the answer's own, read in place.
   */
  private static final int ENTRY_OVERHEAD = 112;
  /** Bytes each zone beyond the first that an entry depends on costs, with its arrays' headers. */
  private static final int PER_MORE_SOURCE = 24;
  /** What an entry is assumed to cost on average when the number of slots is chosen. */
  private static final int TYPICAL_ENTRY = 256;

  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Entry[].class);

  private final Entry[] slots;
  private final int setMask;
  /**
   * By set, the last question refused admission ({@link #admit}), its hash with the lowest bit
   * set (0: none). Racy by design: a lost write costs one more miss.
   */
  private final int[] doorkeeper;
  private final long budget;
  private final int maxAnswer;
  private final AtomicLong used = new AtomicLong();
  private final AtomicReference<Generation> generation =
      new AtomicReference<>(new Generation(null, Set.of(), 0, OriginFilter.of(ZoneTable.empty()), 0));

  /**
   * The state that decides which zone answers a name: the table's origins and the expired set,
   * compared by identity, with its number and the filter of its origins; {@code table} is the
   * latest table of that state, whose zones entries are checked against. {@code version} is this
   * object's own number, one more than its predecessor's: the same version means the same table.
   */
  record Generation(@Nullable ZoneTable table, Set<Name> expired, int id, OriginFilter origins, long version) {}

  static final class Entry {
    final int hash;
    final int generation;
    /** The {@link Generation#version()} the answer was read under: its table's zones are the sources. */
    final long version;
    final int qtype;
    final int qclass;
    final int shape;
    /** The encoded answer; its question holds the name, in the case of the query it was made for. */
    final byte[] answer;
    // Most answers are read from one zone: its origin and snapshot number sit in the entry, and
    // arrays are made only for answers that read more zones, to keep the cache's heap small.
    final @Nullable Name source;
    final long sourceSnapshot;
    final Name @Nullable [] moreSources;
    final long @Nullable [] moreSnapshots;
    /** Where the answer's OPT record starts, or -1 without one: where a cookie is added. */
    final int optStart;
    /** What the rate limiter counts the answer as, and by which name ({@link RateLimiter}). */
    final int rrlKind;
    final long rrlName;
    /**
     * Set on a hit, cleared when an insert passes the entry over: a second chance that keeps hot
     * answers when names seen once collide with them. Racy by design; a lost update only costs
     * a miss.
     */
    boolean referenced;

    Entry(
        int hash, int generation, long version, int qtype, int qclass, int shape, byte[] answer,
        List<Zone> sources, int optStart, int rrlKind, long rrlName) {
      this.optStart = optStart;
      this.rrlKind = rrlKind;
      this.rrlName = rrlName;
      this.hash = hash;
      this.generation = generation;
      this.version = version;
      this.qtype = qtype;
      this.qclass = qclass;
      this.shape = shape;
      this.answer = answer;
      int n = sources.size();
      this.source = n == 0 ? null : sources.get(0).origin();
      this.sourceSnapshot = n == 0 ? 0 : sources.get(0).snapshotId();
      this.moreSources = n <= 1 ? null : new Name[n - 1];
      this.moreSnapshots = n <= 1 ? null : new long[n - 1];
      for (int i = 1; i < n; i++) {
        moreSources[i - 1] = sources.get(i).origin();
        moreSnapshots[i - 1] = sources.get(i).snapshotId();
      }
    }

    long cost() {
      int more = moreSources == null ? 0 : moreSources.length;
      return ENTRY_OVERHEAD + answer.length + (long) PER_MORE_SOURCE * more;
    }

    /** Whether this entry answers the question {@code q} read from {@code packet}. */
    boolean sameKey(byte[] packet, WireQuery q, int otherShape) {
      return hash == q.hash
          && qtype == q.qtype
          && qclass == q.qclass
          && shape == otherShape
          && q.nameEquals(packet, answer);
    }

    /** Whether every zone the answer was read from is still the same snapshot in the table. */
    boolean current(ZoneTable table) {
      if (source != null && !same(table, source, sourceSnapshot)) {
        return false;
      }
      if (moreSources != null) {
        for (int i = 0; i < moreSources.length; i++) {
          if (!same(table, moreSources[i], moreSnapshots[i])) {
            return false;
          }
        }
      }
      return true;
    }

    private static boolean same(ZoneTable table, Name origin, long snapshot) {
      Zone zone = table.get(origin);
      return zone != null && zone.snapshotId() == snapshot;
    }
  }

  /** @param budget bytes the entries may take, at least 64 KiB */
  AnswerCache(long budget) {
    if (budget < ServerConfig.MIN_ANSWER_CACHE_BYTES) {
      throw new IllegalArgumentException("answer cache budget below 64 KiB: " + budget);
    }
    long wanted = Math.min(budget / TYPICAL_ENTRY, 1 << 24);
    int size = Integer.highestOneBit((int) wanted);
    this.slots = new Entry[size];
    this.setMask = size / 2 - 1;
    this.doorkeeper = new int[size / 2];
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
      boolean sameOrigins = g.table() != null && g.table().origins() == table.origins();
      Generation next =
          sameOrigins && g.expired() == expired
              ? new Generation(table, expired, g.id(), g.origins(), g.version() + 1) // only zone content changed
              : new Generation(
                  table, expired, g.id() + 1, sameOrigins ? g.origins() : OriginFilter.of(table),
                  g.version() + 1);
      if (generation.compareAndSet(g, next)) {
        return next;
      }
    }
  }

  /**
   * The entry cached for this question under this generation, or null: its table is the query's,
   * whose zones must still be the snapshots the answer was read from.
   *
   * @param g what {@link #generation} returned for the query's table
   */
  @Nullable Entry get(Generation g, byte[] packet, WireQuery q) {
    int base = (q.hash & setMask) << 1;
    int shape = q.shape();
    ZoneTable table = g.table();
    for (int way = 0; way < 2; way++) {
      Entry e = slots[base + way];
      if (e != null
          && e.generation == g.id()
          && e.sameKey(packet, q, shape)
          && (e.version == g.version() || (table != null && e.current(table)))) {
        if (!e.referenced) {
          e.referenced = true; // written once, so that hot entries do not bounce between cores
        }
        return e;
      }
    }
    return null;
  }

  /**
   * Whether to cache an answer to a name its zone does not hold (NXDOMAIN, a wildcard's records,
   * a referral for a name below the cut): only when the same question missed once lately, since
   * its set's last refusal. Names asked once, such as a flood of random labels, would otherwise
   * fill the cache with answers never asked again, each copied, kept and then collected, and
   * displace answers that are.
   */
  boolean admit(WireQuery q) {
    int set = q.hash & setMask;
    int mark = q.hash | 1;
    if (doorkeeper[set] == mark) {
      return true;
    }
    doorkeeper[set] = mark;
    return false;
  }

  /**
   * Caches an answer read from these zone snapshots; skipped when it is too large or the budget
   * does not allow it.
   */
  void put(
      Generation g, byte[] packet, WireQuery q, byte[] answer, List<Zone> sources, int optStart,
      int rrlKind, long rrlName) {
    if (answer.length > maxAnswer) {
      return;
    }
    Entry entry =
        new Entry(
            q.hash, g.id(), g.version(), q.qtype, q.qclass, q.shape(), answer, sources, optStart,
            rrlKind, rrlName);
    int base = (q.hash & setMask) << 1;
    int way = chooseWay(base, g.id(), entry, packet, q);
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
   * The way holding the same question (an answer gone stale with its zone), else an empty or stale
   * way, else one not hit since it was last passed over (the other then loses its mark), else the
   * one the hash picks.
   */
  private int chooseWay(int base, int generationId, Entry entry, byte[] packet, WireQuery q) {
    Entry first = slots[base];
    Entry second = slots[base + 1];
    for (int way = 0; way < 2; way++) {
      Entry e = way == 0 ? first : second;
      if (e != null && e.sameKey(packet, q, entry.shape)) {
        return way;
      }
    }
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
    return (entry.hash >>> 31) & 1;
  }

  /** Estimated bytes the entries take now. */
  long usedBytes() {
    return used.get();
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
