package dev.dnsd.zone;

import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.dnssec.Signer;
import dev.dnsd.zone.Zone.Editor;
import dev.dnsd.zone.Zone.RRsetKey;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Keeps a zone editor's zone signed (RFC 4035 §2): every authoritative RRset carries signatures
 * from the signer's keys, and the NSEC chain (RFC 4034 §4) or NSEC3 chain (RFC 5155 §7.1) links
 * every name that has authoritative data, delegation points included and names below cuts and
 * DNAMEs left out; an NSEC3 chain also holds empty non-terminals.
 *
 * <p>Incremental signing looks only at what the edit touched. The chain is found from the zone's
 * ordered indexes: a name joining or leaving the chain changes its own denial record and its
 * predecessor's next name, each found in O(log n). The predecessor's record is rewritten with its
 * type bitmap kept, which for NSEC3 is all that can be known without the name behind a hash.
 */
final class ZoneSigning {
  private static final byte[] NO_SALT = {};
  /** Above this many signatures, they are made on every core. */
  private static final int PARALLEL = 256;

  private final Editor e;
  private final Signer s;
  private final Name origin;
  private final boolean nsec3;
  private final NSEC3PARAMRecord param;
  private final long negativeTtl;
  /** Names whose signatures (and, for the data names, denial records) are worked out again. */
  private final Set<Name> owners = new LinkedHashSet<>();
  /** RRsets whose signatures are made anew, unless the zone before had them as they are now. */
  private final Set<RRsetKey> dirty = new HashSet<>();

  private ZoneSigning(Editor e, Signer s) {
    this.e = e;
    this.s = s;
    this.origin = e.base.origin();
    this.nsec3 = s.policy().denial() == DnssecPolicy.Denial.NSEC3;
    this.param = new NSEC3PARAMRecord(origin, DClass.IN, 0, DnssecPolicy.NSEC3_SHA1, 0, 0, NO_SALT);
    RRset soa = e.rrset(origin, Type.SOA);
    if (soa == null) {
      throw new InvalidZoneException("zone " + origin + " has no SOA record at its apex to sign");
    }
    SOARecord r = (SOARecord) soa.first();
    // RFC 9077: the TTL of denial records is what negative answers may be cached for.
    this.negativeTtl = Math.min(r.getTTL(), r.getMinimum());
  }

  /** The types whose records are the signer's to make: never edited as data. */
  static boolean isDnssecType(int type) {
    return type == Type.RRSIG || type == Type.NSEC || type == Type.NSEC3 || type == Type.NSEC3PARAM
        || Signer.isKeyType(type);
  }

  static void incremental(Editor e, Signer s) {
    if (needsFull(e, s)) {
      full(e, s);
      return;
    }
    ZoneSigning w = new ZoneSigning(e, s);
    List<RRsetKey> touched = new ArrayList<>(e.unsigned);
    e.unsigned.clear();
    w.apexKeys();
    for (RRsetKey key : touched) {
      w.dirty.add(key);
      w.owners.add(key.owner());
      boolean occluding = key.type() == Type.DNAME || (key.type() == Type.NS && !key.owner().equals(w.origin));
      if (occluding && (e.base.rrset(key.owner(), key.type()) == null) != (e.rrset(key.owner(), key.type()) == null)) {
        w.subtree(key.owner());
      }
    }
    w.dropOrphans(new ArrayList<>(w.owners));
    if (w.nsec3) {
      // A name coming or going can make or remove empty non-terminals above it, which NSEC3 covers.
      for (Name n : new ArrayList<>(w.owners)) {
        for (Name a = n; a.labels() > w.origin.labels(); ) {
          a = new Name(a, 1);
          w.owners.add(a);
        }
      }
      w.nsec3Chain(new ArrayList<>(w.owners));
    } else {
      w.nsecChain(new ArrayList<>(w.owners));
    }
    w.signatures();
  }

  /**
   * Whether the zone must be signed whole: it is not signed yet, its chain is of the other kind,
   * or the SOA's negative TTL, which every denial record carries, changed.
   */
  private static boolean needsFull(Editor e, Signer s) {
    Zone base = e.base;
    if (base.names == null || e.names == null) {
      return true;
    }
    boolean wantNsec3 = s.policy().denial() == DnssecPolicy.Denial.NSEC3;
    if (wantNsec3 != (base.nsec3Param() != null)
        || (wantNsec3 ? !base.nsec.isEmpty() : !base.nsec3.isEmpty())) {
      return true;
    }
    RRset before = base.rrset(base.origin(), Type.SOA);
    RRset now = e.rrset(base.origin(), Type.SOA);
    return before != null && now != null && negativeTtl(before) != negativeTtl(now);
  }

  private static long negativeTtl(RRset soa) {
    SOARecord r = (SOARecord) soa.first();
    return Math.min(r.getTTL(), r.getMinimum());
  }

  static void full(Editor e, Signer s) {
    e.unsigned.clear();
    ZoneSigning w = new ZoneSigning(e, s);
    w.apexKeys();
    List<Name> all = new ArrayList<>(e.names.size());
    e.names.forEach(all::add);
    w.dropOrphans(all);
    all.clear();
    e.names.forEach(all::add);
    // Canonical order puts every name right after its ancestors: one pass knows what is occluded.
    List<Name> members = new ArrayList<>();
    Name occluder = null;
    for (Name n : all) {
      Node node = e.node(n);
      if (node == null || node.hashedOnly()) {
        continue;
      }
      if (occluder != null && n.subdomain(occluder) && !n.equals(occluder)) {
        continue;
      }
      occluder = null;
      boolean cut = !n.equals(w.origin) && node.get(Type.NS) != null;
      if (cut || node.get(Type.DNAME) != null) {
        occluder = n;
      }
      if (hasData(node) || (w.nsec3 && node.children > 0)) {
        members.add(n);
      }
    }
    if (w.nsec3) {
      w.fullNsec3(members);
    } else {
      w.fullNsec(members);
    }
    w.owners.addAll(all);
    for (Name n : all) {
      Node node = e.node(n);
      if (node != null) {
        for (RRset set : node.rrsets) {
          w.dirty.add(new RRsetKey(n, set.type()));
        }
      }
    }
    e.names.forEach(w.owners::add); // the new chain's NSEC3 owners too
    w.signatures();
  }

  /** Removes every DNSSEC record from the zone. */
  static void strip(Editor e) {
    e.unsigned.clear();
    List<RRsetKey> gone = new ArrayList<>();
    e.nodes.forEach((name, stored) -> {
      for (RRset set : Node.of(stored).rrsets) {
        if (isDnssecType(set.type())) {
          gone.add(new RRsetKey(name, set.type()));
        }
      }
    });
    for (RRsetKey key : gone) {
      e.put(key.owner(), key.type(), null);
    }
  }

  static Editor.Sweep sweep(Editor e, Signer s, @Nullable Name from, int limit) {
    if (e.names == null) {
      return new Editor.Sweep(null, 0, null, 0);
    }
    ZoneSigning w = new ZoneSigning(e, s);
    Name n = from == null ? e.names.first() : e.names.ceiling(from);
    int examined = 0;
    int resigned = 0;
    Instant earliest = null;
    long maxTtl = 0;
    Map<Name, Map<Integer, List<RRSIGRecord>>> replace = new LinkedHashMap<>();
    List<Job> jobs = new ArrayList<>();
    int batch = s.policy().resignBatch();
    while (n != null && examined < limit && resigned < batch) {
      Node node = e.node(n);
      RRset sigs = node == null ? null : node.get(Type.RRSIG);
      if (sigs != null) {
        Map<Integer, List<RRSIGRecord>> byType = byCoveredType(sigs);
        for (Map.Entry<Integer, List<RRSIGRecord>> entry : byType.entrySet()) {
          RRset set = node.get(entry.getKey());
          if (set == null) {
            // Signatures of an RRset that is gone: written back without them.
            replace.computeIfAbsent(n, k -> new LinkedHashMap<>(byType)).remove(entry.getKey());
            continue;
          }
          maxTtl = Math.max(maxTtl, set.ttl());
          if (s.fresh(set.type(), entry.getValue())) {
            for (RRSIGRecord sig : entry.getValue()) {
              if (earliest == null || sig.getExpire().isBefore(earliest)) {
                earliest = sig.getExpire();
              }
            }
          } else {
            jobs.add(new Job(n, set.type(), set.records()));
            replace.computeIfAbsent(n, k -> new LinkedHashMap<>(byType)).remove(set.type());
            resigned++;
          }
        }
      }
      examined++;
      n = e.names.higher(n);
    }
    w.run(jobs);
    for (Job job : jobs) {
      replace.get(job.owner).put(job.type, job.sigs);
    }
    for (Map.Entry<Name, Map<Integer, List<RRSIGRecord>>> entry : replace.entrySet()) {
      List<Record> all = new ArrayList<>();
      entry.getValue().values().forEach(all::addAll);
      e.put(entry.getKey(), Type.RRSIG, RRset.of(0, all));
    }
    return new Editor.Sweep(n, resigned, earliest, maxTtl);
  }

  /** The apex's DNSKEY, CDS, CDNSKEY and NSEC3PARAM RRsets as the signer has them. */
  private void apexKeys() {
    Map<Integer, List<Record>> want = new LinkedHashMap<>();
    for (int type : new int[] {Type.DNSKEY, Type.CDS, Type.CDNSKEY, Type.NSEC3PARAM}) {
      want.put(type, new ArrayList<>());
    }
    for (Record r : s.apexRecords()) {
      List<Record> list = want.get(r.getType());
      if (list == null || !r.getName().equals(origin)) {
        throw new IllegalArgumentException("not an apex key record of " + origin + ": " + r);
      }
      list.add(r.withName(origin));
    }
    if (nsec3) {
      want.get(Type.NSEC3PARAM).add(param);
    }
    long ttl = s.policy().dnskeyTtl().getSeconds();
    for (Map.Entry<Integer, List<Record>> entry : want.entrySet()) {
      int type = entry.getKey();
      List<Record> records = entry.getValue();
      RRset now = e.rrset(origin, type);
      RRset wanted = records.isEmpty() ? null : RRset.of(type == Type.NSEC3PARAM ? 0 : ttl, records);
      if (!same(now, wanted)) {
        e.put(origin, type, wanted);
        dirty.add(new RRsetKey(origin, type));
        owners.add(origin);
      } else if (wanted != null && Signer.isKeyType(type) && !freshAtApex(type)) {
        // The same records, but the keys that sign them changed (a KSK came or went).
        dirty.add(new RRsetKey(origin, type));
        owners.add(origin);
      }
    }
  }

  private boolean freshAtApex(int type) {
    RRset sigs = e.rrset(origin, Type.RRSIG);
    List<RRSIGRecord> covering = sigs == null ? null : byCoveredType(sigs).get(type);
    return covering != null && s.fresh(type, covering);
  }

  /**
   * Removes the signatures and denial records left at names whose data went, first: until they
   * go, the name still exists, and so, for NSEC3, would the empty non-terminals above it.
   */
  private void dropOrphans(List<Name> names) {
    for (Name n : names) {
      Node node = e.node(n);
      if (node == null || node.hashedOnly() || hasData(node)) {
        continue;
      }
      for (int type : new int[] {Type.RRSIG, Type.NSEC, Type.NSEC3}) {
        if (node.get(type) != null) {
          e.put(n, type, null);
        }
      }
    }
  }

  /** Adds every name strictly below {@code top}: a cut or DNAME there came or went. */
  private void subtree(Name top) {
    for (Name n = e.names.higher(top); n != null && n.subdomain(top); n = e.names.higher(n)) {
      owners.add(n);
      Node node = e.node(n);
      if (node != null) {
        for (RRset set : node.rrsets) {
          dirty.add(new RRsetKey(n, set.type()));
        }
      }
    }
  }

  // ---- NSEC (RFC 4034 §4, RFC 4035 §2.3)

  private void nsecChain(List<Name> names) {
    Set<Name> rewrite = new LinkedHashSet<>();
    List<Name> moved = new ArrayList<>();
    for (Name n : names) {
      Node node = e.node(n);
      boolean member = node != null && nsecMember(n, node);
      boolean has = node != null && node.get(Type.NSEC) != null;
      boolean had = e.base.rrset(n, Type.NSEC) != null;
      if (member && !has) {
        e.put(n, Type.NSEC, RRset.of(negativeTtl, List.of(new NSECRecord(n, DClass.IN, negativeTtl, n, new int[0]))));
      } else if (!member && has) {
        e.put(n, Type.NSEC, null);
      }
      if (member != has || member != had) {
        moved.add(n);
      }
      if (member) {
        rewrite.add(n);
      }
    }
    for (Name n : moved) {
      Name before = e.nsec.lower(n);
      rewrite.add(before != null ? before : e.nsec.last());
    }
    for (Name m : rewrite) {
      if (m == null) {
        continue;
      }
      Node node = e.node(m);
      RRset current = node == null ? null : node.get(Type.NSEC);
      if (current == null) {
        continue;
      }
      Name next = e.nsec.higher(m);
      NSECRecord record = new NSECRecord(m, DClass.IN, negativeTtl, next != null ? next : e.nsec.first(), nsecTypes(m, node));
      putDenial(m, Type.NSEC, current, record);
    }
  }

  private void fullNsec(List<Name> members) {
    // The other chain goes first: its owners are names of their own.
    for (Name h : snapshot(e.nsec3)) {
      e.put(h, Type.NSEC3, null);
      e.put(h, Type.RRSIG, null);
    }
    Set<Name> keep = new HashSet<>(members);
    for (Name n : snapshot(e.nsec)) {
      if (!keep.contains(n)) {
        e.put(n, Type.NSEC, null);
      }
    }
    for (int i = 0; i < members.size(); i++) {
      Name n = members.get(i);
      Node node = e.node(n);
      Name next = members.get((i + 1) % members.size());
      putDenial(n, Type.NSEC, node.get(Type.NSEC), new NSECRecord(n, DClass.IN, negativeTtl, next, nsecTypes(n, node)));
    }
  }

  private boolean nsecMember(Name n, Node node) {
    return hasData(node) && !node.hashedOnly() && !occluded(n);
  }

  /** The types at a name, with RRSIG and NSEC; at a cut only those the parent is authoritative for. */
  private int[] nsecTypes(Name n, Node node) {
    List<Integer> types = new ArrayList<>();
    boolean cut = isCut(n, node);
    for (RRset set : node.rrsets) {
      int t = set.type();
      if (t == Type.NSEC3 || t == Type.RRSIG || t == Type.NSEC) {
        continue;
      }
      if (!cut || t == Type.NS || t == Type.DS) {
        types.add(t);
      }
    }
    types.add(Type.RRSIG);
    types.add(Type.NSEC);
    return toArray(types);
  }

  // ---- NSEC3 (RFC 5155 §7.1)

  private void nsec3Chain(List<Name> names) {
    Set<Name> rewrite = new LinkedHashSet<>();
    Map<Name, Name> originals = new HashMap<>();
    List<Name> moved = new ArrayList<>();
    for (Name n : names) {
      Node node = e.node(n);
      if (node != null && node.hashedOnly()) {
        continue;
      }
      boolean member = node != null && nsec3Member(n, node);
      Name h = Nsec3.owner(origin, param, n);
      boolean has = e.rrset(h, Type.NSEC3) != null;
      boolean had = e.base.rrset(h, Type.NSEC3) != null;
      if (member && !has) {
        e.put(h, Type.NSEC3, RRset.of(negativeTtl, List.of(nsec3Record(h, Nsec3.hash(h), new int[0]))));
      } else if (!member && has) {
        e.put(h, Type.NSEC3, null);
        e.put(h, Type.RRSIG, null);
      }
      if (member != has || member != had) {
        moved.add(h);
      }
      if (member) {
        rewrite.add(h);
        originals.put(h, n);
      }
    }
    for (Name h : moved) {
      Name before = e.nsec3.lower(h);
      rewrite.add(before != null ? before : e.nsec3.last());
    }
    for (Name h : rewrite) {
      if (h == null) {
        continue;
      }
      RRset current = e.rrset(h, Type.NSEC3);
      if (current == null) {
        continue;
      }
      Name n = originals.get(h);
      int[] types = n != null ? nsec3Types(n, e.node(n)) : ((NSEC3Record) current.first()).getTypes();
      Name next = e.nsec3.higher(h);
      putDenial(h, Type.NSEC3, current, nsec3Record(h, Nsec3.hash(next != null ? next : e.nsec3.first()), types));
    }
  }

  private void fullNsec3(List<Name> members) {
    for (Name n : snapshot(e.nsec)) {
      e.put(n, Type.NSEC, null);
    }
    Map<Name, Name> chain = new HashMap<>();
    Name[] hashed = new Name[members.size()];
    for (int i = 0; i < hashed.length; i++) {
      hashed[i] = Nsec3.owner(origin, param, members.get(i));
      chain.put(hashed[i], members.get(i));
    }
    Arrays.sort(hashed);
    for (Name h : snapshot(e.nsec3)) {
      if (!chain.containsKey(h)) {
        e.put(h, Type.NSEC3, null);
        e.put(h, Type.RRSIG, null);
      }
    }
    for (int i = 0; i < hashed.length; i++) {
      Name h = hashed[i];
      Name n = chain.get(h);
      byte[] next = Nsec3.hash(hashed[(i + 1) % hashed.length]);
      putDenial(h, Type.NSEC3, e.rrset(h, Type.NSEC3), nsec3Record(h, next, nsec3Types(n, e.node(n))));
    }
  }

  private boolean nsec3Member(Name n, Node node) {
    return (hasData(node) || node.children > 0) && !occluded(n);
  }

  /** The types at the name behind a hash: no NSEC3 bit, RRSIG when something there is signed. */
  private int[] nsec3Types(Name n, @Nullable Node node) {
    if (node == null) {
      return new int[0];
    }
    List<Integer> types = new ArrayList<>();
    boolean cut = isCut(n, node);
    boolean signed = false;
    for (RRset set : node.rrsets) {
      int t = set.type();
      if (t == Type.NSEC3 || t == Type.RRSIG || t == Type.NSEC) {
        continue;
      }
      if (!cut || t == Type.NS || t == Type.DS) {
        types.add(t);
        signed |= !cut || t == Type.DS;
      }
    }
    if (signed) {
      types.add(Type.RRSIG);
    }
    return toArray(types);
  }

  private NSEC3Record nsec3Record(Name owner, byte[] next, int[] types) {
    return new NSEC3Record(owner, DClass.IN, negativeTtl, DnssecPolicy.NSEC3_SHA1, 0, 0, NO_SALT, next, types);
  }

  // ---- shared

  private void putDenial(Name owner, int type, @Nullable RRset current, Record record) {
    RRset wanted = RRset.of(negativeTtl, List.of(record));
    if (!same(current, wanted)) {
      e.put(owner, type, wanted);
      dirty.add(new RRsetKey(owner, type));
      owners.add(owner);
    }
  }

  /** Whether a cut or a DNAME above the name makes its data not the zone's (RFC 4035 §2.2). */
  private boolean occluded(Name n) {
    for (Name a = n; a.labels() > origin.labels(); ) {
      a = new Name(a, 1);
      Node node = e.node(a);
      if (node != null
          && (node.get(Type.DNAME) != null || (!a.equals(origin) && node.get(Type.NS) != null))) {
        return true;
      }
    }
    return false;
  }

  private boolean isCut(Name n, Node node) {
    return !n.equals(origin) && node.get(Type.NS) != null;
  }

  /** Whether a node holds data other than DNSSEC's own records about it. */
  private static boolean hasData(Node node) {
    for (RRset set : node.rrsets) {
      int t = set.type();
      if (t != Type.RRSIG && t != Type.NSEC && t != Type.NSEC3) {
        return true;
      }
    }
    return false;
  }

  /**
   * Works out the RRSIG RRset of every name in {@link #owners}: signatures for each authoritative
   * RRset there, kept from the current zone when the RRset is not dirty, from the zone before when
   * it is dirty but as it was and its signatures are fresh, else made anew.
   */
  private void signatures() {
    Map<Name, List<Object>> plan = new LinkedHashMap<>();
    List<Job> jobs = new ArrayList<>();
    for (Name n : owners) {
      Node node = e.node(n);
      if (node == null) {
        continue;
      }
      RRset currentSigs = node.get(Type.RRSIG);
      Map<Integer, List<RRSIGRecord>> current =
          currentSigs == null ? Map.of() : byCoveredType(currentSigs);
      Map<Integer, List<RRSIGRecord>> before = null;
      List<Object> parts = new ArrayList<>();
      boolean occluded = !node.hashedOnly() && occluded(n);
      boolean cut = isCut(n, node);
      for (RRset set : node.rrsets) {
        int t = set.type();
        if (t == Type.RRSIG || occluded || (cut && t != Type.DS && t != Type.NSEC)) {
          continue;
        }
        List<RRSIGRecord> kept = current.get(t);
        if (dirty.contains(new RRsetKey(n, t))) {
          kept = null;
          RRset old = e.base.rrset(n, t);
          if (old != null && same(old, set)) {
            if (before == null) {
              RRset oldSigs = e.base.rrset(n, Type.RRSIG);
              before = oldSigs == null ? Map.of() : byCoveredType(oldSigs);
            }
            List<RRSIGRecord> oldCover = before.get(t);
            if (oldCover != null && s.fresh(t, oldCover)) {
              kept = oldCover;
            }
          }
        }
        if (kept != null) {
          parts.add(kept);
        } else {
          Job job = new Job(n, t, set.records());
          jobs.add(job);
          parts.add(job);
        }
      }
      plan.put(n, parts);
    }
    run(jobs);
    for (Map.Entry<Name, List<Object>> entry : plan.entrySet()) {
      List<Record> sigs = new ArrayList<>();
      for (Object part : entry.getValue()) {
        @SuppressWarnings("unchecked")
        List<RRSIGRecord> list = part instanceof Job job ? job.sigs : (List<RRSIGRecord>) part;
        sigs.addAll(list);
      }
      Name n = entry.getKey();
      RRset current = e.rrset(n, Type.RRSIG);
      RRset wanted = sigs.isEmpty() ? null : RRset.of(0, sigs);
      if (!same(current, wanted)) {
        e.put(n, Type.RRSIG, wanted);
      }
    }
  }

  /** One RRset to sign; its signatures once made. */
  private static final class Job {
    final Name owner;
    final int type;
    final List<Record> records;
    List<RRSIGRecord> sigs = List.of();

    Job(Name owner, int type, List<Record> records) {
      this.owner = owner;
      this.type = type;
      this.records = records;
    }
  }

  private void run(List<Job> jobs) {
    if (jobs.size() < PARALLEL) {
      for (Job job : jobs) {
        job.sigs = s.sign(job.owner, job.type, job.records);
      }
    } else {
      jobs.parallelStream().forEach(job -> job.sigs = s.sign(job.owner, job.type, job.records));
    }
  }

  private static Map<Integer, List<RRSIGRecord>> byCoveredType(RRset sigs) {
    Map<Integer, List<RRSIGRecord>> out = new LinkedHashMap<>();
    for (Record r : sigs.records()) {
      RRSIGRecord sig = (RRSIGRecord) r;
      out.computeIfAbsent(sig.getTypeCovered(), k -> new ArrayList<>(2)).add(sig);
    }
    return out;
  }

  /** Whether two RRsets hold the same records, TTLs and case of names included. */
  static boolean same(@Nullable RRset a, @Nullable RRset b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null || a.records().size() != b.records().size()
        || (a.type() != Type.RRSIG && a.ttl() != b.ttl())) {
      return false;
    }
    Set<ByteBuffer> wires = new HashSet<>();
    for (Record r : a.records()) {
      wires.add(ByteBuffer.wrap(r.toWire(Section.ANSWER)));
    }
    for (Record r : b.records()) {
      if (!wires.contains(ByteBuffer.wrap(r.toWire(Section.ANSWER)))) {
        return false;
      }
    }
    return true;
  }

  private static List<Name> snapshot(PersistentSortedSet<Name> set) {
    List<Name> out = new ArrayList<>(set.size());
    set.forEach(out::add);
    return out;
  }

  private static int[] toArray(List<Integer> list) {
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }
}
