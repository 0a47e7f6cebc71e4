package dev.dnsd.internal;

import dev.dnsd.zone.RRset;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.Name;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * The answers that most often miss the answer cache (random names: NXDOMAIN, a wildcard's
 * records, a referral below a delegation), encoded straight from the zone snapshot into the
 * worker's buffer, with no dnsjava message or record built for the query.
 *
 * <pre>{@code
 * DirectAnswer direct = new DirectAnswer(memo);   // one per worker
 * int n = direct.answer(table, expired, packet, wireQuery, out, limit, opt);
 * if (n == DirectAnswer.FALLBACK) { ... the full path ... }
 * }</pre>
 *
 * <p>It takes only what it can answer exactly as {@link Lookup} and the dnsjava encoder would,
 * byte for byte: class IN queries that the wire reader took, with no DNSSEC records to add (DO=0,
 * or an unsigned zone), whose answer is NXDOMAIN, NODATA (empty non-terminals too), the records
 * of the name or of the wildcard that covers it (RFC 4592 §3.3.1: the query name as owner), or a
 * referral with its glue; and only when the whole answer fits the limit. Everything else (ANY,
 * DS, a CNAME or DNAME to follow, records whose targets go into the additional section, a type
 * whose data it does not encode, an expired zone, an answer to cut) is {@link #FALLBACK}, left
 * to the full path, which knows every rule. A test compares both paths' bytes over many names.
 *
 * <p>Names are compressed as dnsjava compresses them, so that the bytes are the same: every
 * suffix written in full (at an offset below 0x4000) can be pointed to, and a name points to the
 * first earlier suffix equal to it ignoring ASCII case; names in the data of NS, CNAME and SOA
 * records are compressed, others are not.
 *
 * <p>Not thread-safe: one per worker. The {@link Memo} of encoded RRsets is shared.
 */
final class DirectAnswer {
  /** What {@link #answer} returns when the full path must answer. */
  static final int FALLBACK = -1;

  private static final Name WILD = Name.fromConstantString("*");
  private static final int POINTER = 0xC0;
  private static final int MAX_POINTER = 0x3FFF;
  /** Compression targets per answer; an answer with more goes the full path. */
  private static final int MAX_TARGETS = 512;
  /** Glue RRsets per referral; a referral with more goes the full path. */
  private static final int MAX_GLUE = 32;

  private final Memo memo;
  private final int[] targets = new int[MAX_TARGETS];
  private int targetCount;
  private final RRset[] glue = new RRset[MAX_GLUE];
  /** The question name's suffixes made so far, by labels removed: the zone search's, reused by the walk. */
  private final @Nullable Name[] suffixes = new Name[128];

  /** After an answer: what the rate limiter counts it as ({@link RateLimiter}). */
  int rrlKind;
  /** After an answer: the zone it was read from. */
  @Nullable Zone zone;
  /**
   * After an answer: whether the question's name is a node of the zone; not for NXDOMAIN, a
   * wildcard's records or a referral for a name below the cut, which names asked once get.
   */
  boolean nameHeld;

  DirectAnswer(Memo memo) {
    this.memo = memo;
  }

  /**
   * The answer into {@code out}, or {@link #FALLBACK}.
   *
   * @param q the query as the wire reader took it
   * @param limit the most bytes the answer may have
   * @param opt our OPT record to end the answer with, or null when the query had none
   */
  int answer(
      ZoneTable table, Set<Name> expired, byte[] packet, WireQuery q, byte[] out, int limit,
      byte @Nullable [] opt) {
    int qtype = q.qtype;
    if (q.qclass != DClass.IN || qtype == Type.ANY || qtype == Type.DS || limit > out.length) {
      return FALLBACK; // DS at an apex belongs to the parent zone; ANY has rules of its own
    }
    Name qname = qname(packet);
    if (qname == null) {
      return FALLBACK;
    }
    try {
      return walk(table, expired, qname, packet, q, out, limit, opt);
    } finally {
      Arrays.fill(suffixes, 0, qname.labels(), null);
    }
  }

  /** The question's name without its first {@code skip} labels, made once per query. */
  private Name suffix(Name qname, int skip) {
    Name s = suffixes[skip];
    if (s == null) {
      s = skip == 0 ? qname : new Name(qname, skip);
      suffixes[skip] = s;
    }
    return s;
  }

  private int walk(
      ZoneTable table, Set<Name> expired, Name qname, byte[] packet, WireQuery q, byte[] out, int limit,
      byte @Nullable [] opt) {
    Zone z = null;
    // The longest suffix that is a zone's origin, as ZoneTable.find finds it.
    for (int skip = 0, labels = qname.labels(); skip < labels && z == null; skip++) {
      z = table.get(suffix(qname, skip));
    }
    if (z == null || (!expired.isEmpty() && expired.contains(z.origin())) || (q.dnssecOk && z.isSigned())) {
      return FALLBACK;
    }
    zone = z;
    int below = qname.labels() - z.origin().labels();
    Name encloser = z.origin();
    boolean exists = false;
    // Walk down from the apex as Lookup does: a cut or a DNAME above the name decides first.
    for (int skip = below; skip >= 0; skip--) {
      Name node = skip == below ? z.origin() : suffix(qname, skip);
      if (!z.exists(node)) {
        break;
      }
      encloser = node;
      exists = skip == 0;
      RRset ns = skip == below ? null : z.rrset(node, Type.NS);
      if (ns != null) {
        nameHeld = skip == 0;
        return referral(z, ns, packet, q, out, limit, opt);
      }
      if (skip != 0 && z.rrset(node, Type.DNAME) != null) {
        return FALLBACK;
      }
    }
    nameHeld = exists;
    if (exists) {
      return answerAt(z, qname, packet, q, out, limit, opt);
    }
    Name source = encloser == z.origin() ? memo.wildcard(encloser) : wildcard(encloser);
    if (source == null) {
      return FALLBACK;
    }
    if (z.exists(source)) {
      return answerAt(z, source, packet, q, out, limit, opt);
    }
    return negative(z, Rcode.NXDOMAIN, packet, q, out, limit, opt);
  }

  /** The wildcard child of the closest encloser; null when too long, which a valid name never is. */
  static @Nullable Name wildcard(Name encloser) {
    try {
      return Name.concatenate(WILD, encloser);
    } catch (NameTooLongException e) {
      return null;
    }
  }

  /** The question's name as dnsjava reads it, which keeps the client's case; null if unreadable. */
  private static @Nullable Name qname(byte[] packet) {
    DNSInput in = new DNSInput(packet);
    in.jump(WireQuery.QNAME);
    try {
      return new Name(in);
    } catch (WireParseException e) {
      return null;
    }
  }

  /** The records at the node (the name, or its wildcard) with the query name as owner, or NODATA. */
  private int answerAt(Zone z, Name node, byte[] packet, WireQuery q, byte[] out, int limit, byte @Nullable [] opt) {
    if (q.qtype != Type.CNAME && z.rrset(node, Type.CNAME) != null) {
      return FALLBACK; // a chain to follow
    }
    RRset set = z.rrset(node, q.qtype);
    if (set == null) {
      return negative(z, Rcode.NOERROR, packet, q, out, limit, opt);
    }
    if (set.type() == Type.NS || set.type() == Type.MX || set.type() == Type.SRV) {
      return FALLBACK; // their targets' addresses go into the additional section
    }
    Wire wire = memo.get(set);
    if (wire == null) {
      return FALLBACK;
    }
    int pos = start(packet, q, out, Rcode.NOERROR, true);
    for (int i = 0; i < wire.records.length && pos >= 0; i++) {
      pos = record(wire, i, packet, WireQuery.QNAME, -1, out, pos, limit);
    }
    rrlKind = RateLimiter.POSITIVE;
    return finish(out, pos, wire.records.length, 0, 0, limit, opt);
  }

  /** NXDOMAIN or NODATA: the zone's SOA in authority, with the negative TTL of RFC 2308 §3. */
  private int negative(Zone z, int rcode, byte[] packet, WireQuery q, byte[] out, int limit, byte @Nullable [] opt) {
    RRset set = z.rrset(z.origin(), Type.SOA);
    Wire wire = set == null ? null : memo.get(set);
    if (wire == null) {
      return FALLBACK;
    }
    SOARecord soa = (SOARecord) set.first(); // what Zone.soa() is
    int pos = start(packet, q, out, rcode, true);
    pos = record(wire, 0, wire.records[0], 0, Math.min(soa.getTTL(), soa.getMinimum()), out, pos, limit);
    rrlKind = rcode == Rcode.NXDOMAIN ? RateLimiter.NXDOMAIN : RateLimiter.NODATA;
    return finish(out, pos, 0, 1, 0, limit, opt);
  }

  /**
   * The child's NS RRset in authority, AA=0, and its glue: first the addresses of name servers
   * inside the child, then those elsewhere in this zone, each RRset once, as {@link Lookup} adds
   * them. Cutting required glue would need TC; an answer that does not fit goes the full path.
   */
  private int referral(Zone z, RRset ns, byte[] packet, WireQuery q, byte[] out, int limit, byte @Nullable [] opt) {
    Wire nsWire = memo.get(ns);
    if (nsWire == null) {
      return FALLBACK;
    }
    int glueCount = 0;
    for (int pass = 0; pass < 2; pass++) {
      boolean required = pass == 0;
      List<Record> records = ns.records();
      for (int i = 0, n = records.size(); i < n; i++) {
        Name target = ((NSRecord) records.get(i)).getTarget();
        if (target.subdomain(ns.owner()) != required || !target.subdomain(z.origin())) {
          continue;
        }
        for (int type = Type.A; ; type = Type.AAAA) {
          RRset set = z.rrset(target, type);
          if (set != null && !holds(glue, glueCount, set)) {
            if (glueCount == MAX_GLUE) {
              return FALLBACK;
            }
            glue[glueCount++] = set;
          }
          if (type == Type.AAAA) {
            break;
          }
        }
      }
    }
    int pos = start(packet, q, out, Rcode.NOERROR, false);
    for (int i = 0; i < nsWire.records.length && pos >= 0; i++) {
      pos = record(nsWire, i, nsWire.records[i], 0, -1, out, pos, limit);
    }
    int additional = 0;
    for (int g = 0; g < glueCount && pos >= 0; g++) {
      Wire wire = memo.get(glue[g]);
      if (wire == null) {
        pos = FALLBACK;
        break;
      }
      for (int i = 0; i < wire.records.length && pos >= 0; i++) {
        pos = record(wire, i, wire.records[i], 0, -1, out, pos, limit);
      }
      additional += wire.records.length;
    }
    for (int g = 0; g < glueCount; g++) {
      glue[g] = null; // keep no RRset of an old snapshot alive
    }
    rrlKind = RateLimiter.REFERRAL;
    return finish(out, pos, 0, nsWire.records.length, additional, limit, opt);
  }

  private static boolean holds(RRset[] sets, int count, RRset set) {
    for (int i = 0; i < count; i++) {
      if (sets[i] == set) {
        return true;
      }
    }
    return false;
  }

  /**
   * The header and the question: ID, opcode, RD and CD and the question copied from the query,
   * QR set; every suffix of the question's name a compression target. Returns the position after.
   */
  private int start(byte[] packet, WireQuery q, byte[] out, int rcode, boolean authoritative) {
    int n = q.questionEnd;
    System.arraycopy(packet, 0, out, 0, n);
    out[2] = (byte) (0x80 | (authoritative ? 0x04 : 0) | (packet[2] & 0x01));
    out[3] = (byte) ((packet[3] & 0x10) | rcode);
    targetCount = 0;
    for (int label = 0; label < q.labels - 1; label++) {
      targets[targetCount++] = q.labelStarts[label];
    }
    return n;
  }

  /** The counts and our OPT record; FALLBACK when the answer does not fit whole. */
  private static int finish(
      byte[] out, int pos, int answers, int authority, int additional, int limit, byte @Nullable [] opt) {
    if (pos < 0) {
      return FALLBACK;
    }
    if (opt != null) {
      if (pos + opt.length > limit) {
        return FALLBACK;
      }
      System.arraycopy(opt, 0, out, pos, opt.length);
      pos += opt.length;
      additional++;
    }
    out[4] = 0;
    out[5] = 1;
    u16(out, 6, answers);
    u16(out, 8, authority);
    u16(out, 10, additional);
    return pos;
  }

  /**
   * One record of an RRset: its owner (the name at {@code owner} in {@code ownerSource},
   * compressed), type, class and TTL ({@code ttl}, or the record's own when negative), and its
   * data with the names in it compressed where dnsjava compresses them. FALLBACK when it would
   * pass the limit or the compression table is full.
   */
  private int record(Wire wire, int i, byte[] ownerSource, int owner, long ttl, byte[] out, int pos, int limit) {
    if (pos < 0) {
      return FALLBACK;
    }
    byte[] rec = wire.records[i];
    // Compression never makes a name longer, so the uncompressed record bounds what is written.
    if (pos + rec.length > limit) {
      return FALLBACK;
    }
    pos = name(ownerSource, owner, out, pos);
    if (pos < 0) {
      return FALLBACK;
    }
    int at = wire.ownerLength;
    System.arraycopy(rec, at, out, pos, 8); // type, class, TTL
    if (ttl >= 0) {
      u16(out, pos + 4, (int) (ttl >>> 16));
      u16(out, pos + 6, (int) ttl);
    }
    pos += 8;
    int lengthAt = pos;
    pos += 2;
    int from = at + 10;
    for (int nameAt : wire.names[i]) {
      System.arraycopy(rec, from, out, pos, nameAt - from);
      pos += nameAt - from;
      pos = name(rec, nameAt, out, pos);
      if (pos < 0) {
        return FALLBACK;
      }
      from = nameEnd(rec, nameAt);
    }
    System.arraycopy(rec, from, out, pos, rec.length - from);
    pos += rec.length - from;
    u16(out, lengthAt, pos - lengthAt - 2);
    return pos;
  }

  /** Writes an uncompressed name from {@code src}, pointing to the first earlier equal suffix. */
  private int name(byte[] src, int at, byte[] out, int pos) {
    while (true) {
      int len = src[at] & 0xFF;
      if (len == 0) {
        out[pos] = 0;
        return pos + 1;
      }
      int target = find(src, at, out);
      if (target >= 0) {
        out[pos] = (byte) (POINTER | target >>> 8);
        out[pos + 1] = (byte) target;
        return pos + 2;
      }
      if (pos <= MAX_POINTER) {
        if (targetCount == MAX_TARGETS) {
          return FALLBACK;
        }
        targets[targetCount++] = pos;
      }
      System.arraycopy(src, at, out, pos, len + 1);
      pos += len + 1;
      at += len + 1;
    }
  }

  private int find(byte[] src, int at, byte[] out) {
    for (int i = 0; i < targetCount; i++) {
      if (sameName(src, at, out, targets[i])) {
        return targets[i];
      }
    }
    return -1;
  }

  /** Whether the uncompressed name at {@code p} equals the one written at {@code w}, ignoring case. */
  private static boolean sameName(byte[] src, int p, byte[] out, int w) {
    while (true) {
      int lw = out[w] & 0xFF;
      while ((lw & POINTER) == POINTER) {
        w = (lw & 0x3F) << 8 | (out[w + 1] & 0xFF);
        lw = out[w] & 0xFF;
      }
      int lp = src[p] & 0xFF;
      if (lp != lw) {
        return false;
      }
      if (lp == 0) {
        return true;
      }
      for (int k = 1; k <= lp; k++) {
        if (WireNames.lower(src[p + k]) != WireNames.lower(out[w + k])) {
          return false;
        }
      }
      p += lp + 1;
      w += lw + 1;
    }
  }

  private static int nameEnd(byte[] src, int at) {
    while (src[at] != 0) {
      at += (src[at] & 0xFF) + 1;
    }
    return at + 1;
  }

  private static void u16(byte[] out, int at, int value) {
    out[at] = (byte) (value >>> 8);
    out[at + 1] = (byte) value;
  }

  /**
   * An RRset's records in uncompressed wire form, with where the names to compress sit in each
   * record's data: made once per RRset and kept by the {@link Memo}.
   */
  static final class Wire {
    final RRset set;
    final int ownerLength;
    /** Each record as dnsjava writes it alone: owner, type, class, TTL, RDLENGTH, data. */
    final byte[][] records;
    /** For each record, the offsets in it of the names in its data that are compressed. */
    final int[][] names;

    private Wire(RRset set, int ownerLength, byte[][] records, int[][] names) {
      this.set = set;
      this.ownerLength = ownerLength;
      this.records = records;
      this.names = names;
    }

    int bytes() {
      int n = 0;
      for (byte[] r : records) {
        n += r.length;
      }
      return n;
    }

    /** The RRset's wire form, or null for a type whose data this encoder does not write. */
    static @Nullable Wire of(RRset set) {
      if (!encodes(set.type())) {
        return null;
      }
      List<Record> list = set.records();
      int ownerLength = set.owner().length();
      byte[][] records = new byte[list.size()][];
      int[][] names = new int[list.size()][];
      for (int i = 0; i < records.length; i++) {
        Record r = list.get(i);
        records[i] = r.toWire(Section.ANSWER);
        int data = ownerLength + 10;
        names[i] =
            switch (set.type()) {
              case Type.NS, Type.CNAME -> new int[] {data};
              case Type.SOA -> new int[] {data, data + ((SOARecord) r).getHost().length()};
              default -> new int[0];
            };
      }
      return new Wire(set, ownerLength, records, names);
    }

    /**
     * The types whose data dnsjava writes the same with or without a compression table, or with
     * names that this encoder compresses as dnsjava does (NS, CNAME, SOA).
     */
    private static boolean encodes(int type) {
      switch (type) {
        case Type.A, Type.AAAA, Type.TXT, Type.SPF, Type.CAA, Type.HINFO, Type.SSHFP, Type.TLSA,
            Type.NS, Type.CNAME, Type.SOA:
          return true;
        default:
          return false;
      }
    }
  }

  /**
   * The wire forms of the RRsets answered lately, by the RRset's identity: RRsets are immutable
   * and a change to one makes a new one, so an entry never goes stale, only unused. A fixed
   * array of two-way sets, the older way overwritten by the next RRset, and only RRsets of up to
   * {@link #MAX_BYTES} kept, so that it holds a few MiB at most; shared by the workers without
   * locks (entries are immutable, and a lost write only costs an encoding).
   */
  static final class Memo {
    private static final int SLOTS = 4096;
    private static final int MAX_BYTES = 1024;
    private static final int WILDCARDS = 1024;
    private final @Nullable Wire[] slots = new Wire[SLOTS];
    /** {@code *.origin} by the zone origin's identity: the commonest closest encloser. */
    private final @Nullable Wildcard[] wildcards = new Wildcard[WILDCARDS];

    private record Wildcard(Name origin, Name name) {}

    @Nullable Name wildcard(Name origin) {
      int i = System.identityHashCode(origin) & (WILDCARDS - 1);
      Wildcard w = wildcards[i];
      if (w != null && w.origin() == origin) {
        return w.name();
      }
      Name name = DirectAnswer.wildcard(origin);
      if (name != null) {
        wildcards[i] = new Wildcard(origin, name);
      }
      return name;
    }

    @Nullable Wire get(RRset set) {
      int base = System.identityHashCode(set) & (SLOTS - 2);
      Wire first = slots[base];
      if (first != null && first.set == set) {
        return first;
      }
      Wire second = slots[base + 1];
      if (second != null && second.set == set) {
        return second; // no write on a hit: hot slots are read by every worker
      }
      Wire w = Wire.of(set);
      if (w != null && w.bytes() <= MAX_BYTES) {
        slots[base + 1] = first;
        slots[base] = w;
      }
      return w;
    }
  }
}
