package dev.dnsd.internal;

import dev.dnsd.ServerStatistics;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The responder's counters: queries by transport, opcode, type and rcode, the answer cache's hits
 * and misses, the REFUSED fast path, rate limiting, requests taken by extensions. Cheap enough to
 * be always on: each worker thread counts into an array of its own ({@link #worker()}), with plain
 * stores that other threads read without a lock or a fence, so the hot path neither contends nor
 * allocates. Requests answered off the workers (those that may block) count into one shared array
 * with atomic adds. A snapshot ({@link #queries()} and the others) sums the arrays.
 *
 * <pre>{@code
 * QueryCounters counters = new QueryCounters();
 * QueryCounters.Cell mine = counters.worker();   // one per thread, kept
 * mine.query(false, Opcode.QUERY, Type.A, Rcode.NOERROR, QueryCounters.CACHE_HIT, QueryCounters.NONE);
 * long hits = counters.total(QueryCounters.CACHE_HIT);
 * }</pre>
 */
public final class QueryCounters {
  /** No path or rate-limit verdict to count. */
  public static final int NONE = -1;

  static final int UDP = 0;
  static final int TCP = 1;
  /** Answered from the answer cache. */
  public static final int CACHE_HIT = 2;
  /** Looked up in the answer cache, not there, answered by the full path. */
  public static final int CACHE_MISS = 3;
  /** Refused from the query's bytes: the name is in no zone here. */
  public static final int REFUSED = 4;
  /** Rate limiting dropped the answer. */
  public static final int RRL_DROPPED = 5;
  /** Rate limiting sent an empty answer with TC instead. */
  public static final int RRL_SLIPPED = 6;
  /** Rate limiting sent BADCOOKIE with a fresh cookie instead (RFC 7873 §5.2.3). */
  public static final int RRL_BADCOOKIE = 7;
  static final int EXTENSION = 8;
  private static final int OPCODE = 9;
  private static final int OPCODES = 16;
  private static final int RCODE = OPCODE + OPCODES;
  /** Rcodes 0 to 23 have a slot each (the extended ones dnsd sends are 16 and 23); then others. */
  private static final int RCODES = 25;
  private static final int QTYPE = RCODE + RCODES;

  /** The types counted one by one; every other is counted as OTHER. */
  private static final int[] TYPES = {
    Type.A, Type.NS, Type.CNAME, Type.SOA, Type.PTR, Type.HINFO, Type.MX, Type.TXT, Type.AAAA,
    Type.LOC, Type.SRV, Type.NAPTR, Type.CERT, Type.DNAME, Type.DS, Type.SSHFP, Type.IPSECKEY,
    Type.RRSIG, Type.NSEC, Type.DNSKEY, Type.DHCID, Type.NSEC3, Type.NSEC3PARAM, Type.TLSA,
    Type.SMIMEA, Type.CDS, Type.CDNSKEY, Type.OPENPGPKEY, Type.CSYNC, Type.ZONEMD, Type.SVCB,
    Type.HTTPS, Type.SPF, Type.IXFR, Type.AXFR, Type.ANY, Type.URI, Type.CAA
  };
  /** Slot of each type below 512 (OTHER for those not in {@link #TYPES}); above, OTHER. */
  private static final byte[] TYPE_SLOT = new byte[512];
  private static final int OTHER_TYPE = TYPES.length;
  private static final int SIZE = QTYPE + TYPES.length + 1;
  /** Unused longs around each array, so that two threads' counters never share a cache line. */
  private static final int PAD = 16;

  private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);

  static {
    java.util.Arrays.fill(TYPE_SLOT, (byte) OTHER_TYPE);
    for (int i = 0; i < TYPES.length; i++) {
      TYPE_SLOT[TYPES[i]] = (byte) i;
    }
  }

  private final List<Cell> cells = new CopyOnWriteArrayList<>();
  private final Cell shared = new Cell(true);

  /** Counters at zero, with no worker's array yet. */
  public QueryCounters() {}

  /** The counters of one thread (or, for the shared one, of any). */
  public static final class Cell {
    private final long[] counts = new long[PAD + SIZE + PAD];
    private final boolean atomic;

    private Cell(boolean atomic) {
      this.atomic = atomic;
    }

    private void add(int slot) {
      int i = PAD + slot;
      if (atomic) {
        COUNTS.getAndAdd(counts, i, 1L);
      } else {
        // Only this cell's thread writes: a plain read and an opaque store lose no count, and the
        // store is visible to a snapshot's opaque read without a fence.
        COUNTS.setOpaque(counts, i, counts[i] + 1);
      }
    }

    private long get(int slot) {
      return (long) COUNTS.getOpaque(counts, PAD + slot);
    }

    /**
     * Counts one request.
     *
     * @param tcp whether it came over TCP
     * @param opcode the header's opcode
     * @param qtype the question's type, or -1 when it has no readable question
     * @param rcode the answer's rcode with its extended bits, or -1 when the responder sent none
     * @param path {@link #CACHE_HIT}, {@link #CACHE_MISS}, {@link #REFUSED} or {@link #NONE}
     * @param limited {@link #RRL_DROPPED}, {@link #RRL_SLIPPED}, {@link #RRL_BADCOOKIE} or {@link #NONE}
     */
    public void query(boolean tcp, int opcode, int qtype, int rcode, int path, int limited) {
      add(tcp ? TCP : UDP);
      add(OPCODE + opcode);
      if (qtype >= 0) {
        add(QTYPE + (qtype < TYPE_SLOT.length ? TYPE_SLOT[qtype] : OTHER_TYPE));
      }
      if (rcode >= 0) {
        add(RCODE + Math.min(rcode, RCODES - 1));
      } else if (limited == NONE) {
        add(EXTENSION);
      }
      if (path != NONE) {
        add(path);
      }
      if (limited != NONE) {
        add(limited);
      }
    }
  }

  /**
   * A new cell for one thread, counted in every later snapshot.
   *
   * @return the cell; the calling thread must be its only writer
   */
  public Cell worker() {
    Cell c = new Cell(false);
    cells.add(c);
    return c;
  }

  /**
   * The cell any thread may count into, with atomic adds: for requests answered off the workers.
   *
   * @return the shared cell
   */
  public Cell shared() {
    return shared;
  }

  /**
   * One counter summed over every cell.
   *
   * @param slot the counter, such as {@link #CACHE_HIT}
   * @return the sum
   */
  public long total(int slot) {
    long sum = shared.get(slot);
    for (Cell c : cells) {
      sum += c.get(slot);
    }
    return sum;
  }

  private long[] totals() {
    long[] sums = new long[SIZE];
    for (int i = 0; i < SIZE; i++) {
      sums[i] = total(i);
    }
    return sums;
  }

  /**
   * The cheap path's counters as the snapshot has them.
   *
   * @return cache hits and misses, REFUSED from the wire
   */
  public ServerStatistics.FastPath fastPath() {
    return new ServerStatistics.FastPath(total(CACHE_HIT), total(CACHE_MISS), total(REFUSED));
  }

  /**
   * The rate limiter's verdicts as the snapshot has them.
   *
   * @return answers dropped, slipped and sent as BADCOOKIE
   */
  public ServerStatistics.RateLimiting rateLimiting() {
    return new ServerStatistics.RateLimiting(total(RRL_DROPPED), total(RRL_SLIPPED), total(RRL_BADCOOKIE));
  }

  /**
   * The query counters as the snapshot has them.
   *
   * @return the queries part of a snapshot
   */
  public ServerStatistics.Queries queries() {
    long[] t = totals();
    Map<String, Long> opcodes = new LinkedHashMap<>();
    long otherOpcodes = 0;
    for (int op = 0; op < OPCODES; op++) {
      boolean named = op == Opcode.QUERY || op == Opcode.IQUERY || op == Opcode.STATUS
          || op == Opcode.NOTIFY || op == Opcode.UPDATE || op == Opcode.DSO;
      if (named) {
        opcodes.put(Opcode.string(op), t[OPCODE + op]);
      } else {
        otherOpcodes += t[OPCODE + op];
      }
    }
    opcodes.put(ServerStatistics.OTHER, otherOpcodes);
    Map<String, Long> types = new LinkedHashMap<>();
    for (int i = 0; i < TYPES.length; i++) {
      types.put(Type.string(TYPES[i]), t[QTYPE + i]);
    }
    types.put(ServerStatistics.OTHER, t[QTYPE + OTHER_TYPE]);
    Map<String, Long> rcodes = new LinkedHashMap<>();
    long otherRcodes = 0;
    for (int r = 0; r < RCODES; r++) {
      boolean named = r <= Rcode.NOTZONE || r == Rcode.BADVERS || r == Rcode.BADCOOKIE;
      if (named) {
        rcodes.put(Rcode.string(r), t[RCODE + r]);
      } else {
        otherRcodes += t[RCODE + r];
      }
    }
    rcodes.put(ServerStatistics.OTHER, otherRcodes);
    return new ServerStatistics.Queries(t[UDP], t[TCP], opcodes, types, rcodes, t[EXTENSION]);
  }
}
