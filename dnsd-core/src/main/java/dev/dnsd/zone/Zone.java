package dev.dnsd.zone;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import dev.dnsd.dnssec.Signer;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * An immutable snapshot of one zone: what the responder reads. A change makes a new snapshot that
 * shares all unchanged names with the old one, so its cost does not grow with the zone's size and
 * readers holding the old snapshot never see half of it.
 *
 * <pre>{@code
 * Zone zone = Zone.empty(Name.fromString("example.com."))
 *     .edit()
 *     .add(soa).add(ns).add(Record.fromString(...))
 *     .build();
 * }</pre>
 */
public final class Zone {
  /** The most data a record holds: its RDLENGTH field has 16 bits (RFC 1035 §3.2.1). */
  private static final int MAX_RDATA_LENGTH = 65_535;

  private static final AtomicLong SNAPSHOTS = new AtomicLong();

  private final Name origin;
  /** Names to their nodes, as {@link Node#stored()} keeps them. */
  private final PersistentMap<Name, Object> nodes;
  private final int recordCount;
  /**
   * Every name, empty non-terminals included, in canonical order (RFC 4034 §6.1): kept while the
   * apex has a DNSKEY RRset, so that a signed zone's chain can be mended name by name; else null.
   */
  final @Nullable PersistentSortedSet<Name> names;
  /** The owners of NSEC RRsets, in canonical order: what the responder's NSEC proofs search. */
  final PersistentSortedSet<Name> nsec;
  /** The owners of NSEC3 RRsets, in canonical order, which for them is the order of the hashes. */
  final PersistentSortedSet<Name> nsec3;
  private final @Nullable NSEC3PARAMRecord nsec3Param;
  private final long snapshotId = SNAPSHOTS.incrementAndGet();

  private Zone(
      Name origin, PersistentMap<Name, Object> nodes, int recordCount,
      @Nullable PersistentSortedSet<Name> names, PersistentSortedSet<Name> nsec,
      PersistentSortedSet<Name> nsec3) {
    this.origin = origin;
    this.nodes = nodes;
    this.recordCount = recordCount;
    this.names = names;
    this.nsec = nsec;
    this.nsec3 = nsec3;
    RRset param = rrset(nodes, origin, Type.NSEC3PARAM);
    this.nsec3Param = param == null ? null : (NSEC3PARAMRecord) param.first();
  }

  /**
   * A zone with no data, only useful as the start of an {@link #edit()}.
   *
   * @param origin the zone's origin
   * @return the zone, with no record
   */
  public static Zone empty(Name origin) {
    if (!origin.isAbsolute()) {
      throw new InvalidZoneException("zone origin must be absolute: " + origin);
    }
    return new Zone(
        origin, PersistentMap.<Name, Object>empty().put(origin, Node.EMPTY), 0, null,
        PersistentSortedSet.empty(), PersistentSortedSet.empty());
  }

  /**
   * Builds a whole zone from records, checking every rule that a commit checks.
   *
   * @param origin the zone's origin
   * @param records its records
   * @return the zone
   */
  public static Zone of(Name origin, Collection<Record> records) {
    Builder builder = builder(origin);
    for (Record r : records) {
      builder.add(r);
    }
    return builder.build();
  }

  /**
   * A builder of a whole zone, for records that come grouped by owner name (as they come from a
   * store's index or from most zone files): with that order it makes each name's node once, where
   * an {@link Editor} remakes a node and its parent's for every record.
   *
   * @param origin the zone's origin
   * @return the builder
   */
  public static Builder builder(Name origin) {
    if (!origin.isAbsolute()) {
      throw new InvalidZoneException("zone origin must be absolute: " + origin);
    }
    return new Builder(origin);
  }

  /**
   * The zone's origin, its apex.
   *
   * @return the origin
   */
  public Name origin() {
    return origin;
  }

  /**
   * The SOA record at the apex.
   *
   * @return the SOA
   */
  public SOARecord soa() {
    RRset soa = rrset(origin, Type.SOA);
    if (soa == null) {
      throw new IllegalStateException("zone " + origin + " has no SOA");
    }
    return (SOARecord) soa.first();
  }

  /**
   * The SOA serial.
   *
   * @return the serial
   */
  public long serial() {
    return soa().getSerial();
  }

  /**
   * A number no other snapshot of any zone in this process has: whoever derived something from a
   * snapshot can tell it is still current by its number, without holding on to the snapshot.
   *
   * @return the identity
   */
  public long snapshotId() {
    return snapshotId;
  }

  /**
   * Records in the zone, glue and other data below cuts included.
   *
   * @return the count
   */
  public int recordCount() {
    return recordCount;
  }

  /**
   * The RRset of this owner and type.
   *
   * @param owner the owner
   * @param type the type
   * @return the RRset, or null when there is none
   */
  public @Nullable RRset rrset(Name owner, int type) {
    return rrset(nodes, owner, type);
  }

  /** The RRset of this owner and type, without making a node for a name kept as one RRset. */
  static @Nullable RRset rrset(PersistentMap<Name, Object> nodes, Name owner, int type) {
    Object stored = nodes.get(owner);
    return stored == null ? null : Node.get(stored, type);
  }

  /**
   * The RRsets owned by a name, by type; empty for an empty non-terminal or a missing name.
   *
   * @param owner the owner
   * @return the RRsets, none when the name has no data
   */
  public List<RRset> rrsets(Name owner) {
    return rrsets(nodes, owner);
  }

  private static List<RRset> rrsets(PersistentMap<Name, Object> nodes, Name owner) {
    Object stored = nodes.get(owner);
    if (stored instanceof RRset set) {
      return List.of(set);
    }
    return stored == null ? List.of() : List.of(((Node) stored).rrsets);
  }

  /**
   * Whether the name exists: it owns data, or names below it do (an empty non-terminal). A name
   * that owns only NSEC3 records is not part of the zone's name space (RFC 5155 §7.2.8).
   *
   * @param name the name
   * @return whether it exists
   */
  public boolean exists(Name name) {
    Object stored = nodes.get(name);
    if (stored instanceof RRset set) {
      return set.type() != Type.NSEC3; // a name that owns only NSEC3 records is hashed
    }
    return stored != null && !((Node) stored).hashedOnly();
  }

  /**
   * Whether the zone is signed: its apex has a DNSKEY RRset, whether dnsd signs it or it arrived
   * signed. Only signed zones get signatures and denial proofs in answers to DNSSEC queries.
   *
   * @return whether it is signed
   */
  public boolean isSigned() {
    return names != null;
  }

  /**
   * The NSEC RRset that matches or covers a name: the one at the last NSEC owner at or before it
   * in canonical order; null when the zone has no NSEC records or none sorts before the name.
   *
   * @param name the name
   * @return the NSEC RRset, or null
   */
  public @Nullable RRset nsecAtOrBefore(Name name) {
    Name owner = nsec.floor(name);
    return owner == null ? null : rrset(owner, Type.NSEC);
  }

  /**
   * The apex's NSEC3PARAM record, which says how names are hashed; null in an NSEC zone.
   *
   * @return the record, or null
   */
  public @Nullable NSEC3PARAMRecord nsec3Param() {
    return nsec3Param;
  }

  /**
   * The NSEC3 owner name that stands for this name under the apex's NSEC3PARAM; null without one.
   *
   * @param name the name
   * @return the hashed owner name, or null
   */
  public @Nullable Name hashedOwner(Name name) {
    return nsec3Param == null ? null : Nsec3.owner(origin, nsec3Param, name);
  }

  /**
   * The NSEC3 RRset that matches or covers a hashed owner name: the one at the last NSEC3 owner at
   * or before it, or, when the name sorts before them all, the last, whose interval wraps around
   * to the first. Null when the zone has no NSEC3 records.
   *
   * @param hashedOwner a hashed owner name
   * @return the NSEC3 RRset, or null
   */
  public @Nullable RRset nsec3Covering(Name hashedOwner) {
    Name owner = nsec3.floor(hashedOwner);
    if (owner == null) {
      owner = nsec3.last();
    }
    return owner == null ? null : rrset(owner, Type.NSEC3);
  }

  /**
   * Runs the action on every RRset of the zone, in canonical order.
   *
   * @param action what to run
   */
  public void forEachRRset(Consumer<RRset> action) {
    forEachRRset(nodes, action);
  }

  private static void forEachRRset(PersistentMap<Name, Object> nodes, Consumer<RRset> action) {
    nodes.forEach((name, stored) -> {
      if (stored instanceof RRset set) {
        action.accept(set);
      } else {
        for (RRset set : ((Node) stored).rrsets) {
          action.accept(set);
        }
      }
    });
  }

  /**
   * Every record, SOA first, then in DNSSEC canonical order of owner and then by type.
   *
   * @return the records
   */
  public List<Record> records() {
    List<RRset> sets = new ArrayList<>();
    forEachRRset(sets::add);
    sets.sort(
        Comparator.comparing((RRset s) -> s.type() != Type.SOA)
            .thenComparing(RRset::owner)
            .thenComparingInt(RRset::type));
    List<Record> out = new ArrayList<>(recordCount);
    for (RRset set : sets) {
      set.addTo(out);
    }
    return out;
  }

  /**
   * An editor that starts from this zone.
   *
   * @return the editor
   */
  public Editor edit() {
    return new Editor(this);
  }

  @Override
  public String toString() {
    return "Zone[" + origin + ", " + recordCount + " records]";
  }

  /**
   * Changes a zone into a new snapshot. Rules are checked at each step (owner inside the zone,
   * class IN, at most 65,535 bytes of data, no CNAME beside other data, SOA only at the apex) and
   * at {@link #build()} (one SOA and an NS RRset at the apex). Adding a record to an RRset gives
   * the whole RRset the new record's TTL (RFC 2181 §5.2), except in the RRSIG RRset, whose records
   * keep the TTLs of the RRsets they cover; adding an SOA, CNAME or DNAME replaces the one there,
   * as RFC 2136 §3.4.2.2 does. A refused edit changes nothing. Not thread-safe; the zone it came
   * from is never changed.
   *
   * <p>A zone with a DNSKEY RRset at its apex is signed: {@link #sign} then brings its signatures
   * and its NSEC or NSEC3 chain up to date with what the edit changed.
   */
  public static final class Editor {
    final Zone base;
    PersistentMap<Name, Object> nodes;
    private int recordCount;
    @Nullable PersistentSortedSet<Name> names;
    PersistentSortedSet<Name> nsec;
    PersistentSortedSet<Name> nsec3;
    private final Map<RRsetKey, @Nullable RRset> originals = new LinkedHashMap<>();
    /** RRsets of data (not signatures or denial records) changed since the last {@link #sign}. */
    final Set<RRsetKey> unsigned = new LinkedHashSet<>();
    /**
     * The token under which this editor changes the trie nodes it made itself in place. Replaced
     * whenever a state must stay as it is: one a refused edit returns to, and each built zone.
     */
    Object edit = new Object();

    private Editor(Zone base) {
      this.base = base;
      this.nodes = base.nodes;
      this.recordCount = base.recordCount;
      this.names = base.names;
      this.nsec = base.nsec;
      this.nsec3 = base.nsec3;
    }

    /**
     * The origin of the zone being edited.
     *
     * @return the origin
     */
    public Name origin() {
      return base.origin;
    }

    /**
     * The RRset as edited so far.
     *
     * @param owner the owner
     * @param type the type
     * @return the RRset, or null
     */
    public @Nullable RRset rrset(Name owner, int type) {
      return Zone.rrset(nodes, owner, type);
    }

    /**
     * The RRsets at a name as edited so far.
     *
     * @param owner the owner
     * @return the RRsets
     */
    public List<RRset> rrsets(Name owner) {
      return Zone.rrsets(nodes, owner);
    }

    /**
     * Adds a record; its RRset takes the record's TTL.
     *
     * @param record the record
     * @return this editor
     * @throws InvalidZoneException when the record breaks a zone rule
     */
    public Editor add(Record record) {
      check(record);
      Name owner = record.getName();
      int type = record.getType();
      Node node = Node.of(nodes.get(owner));
      if (node == null) {
        node = Node.EMPTY;
      }
      checkCnameRule(node, owner, type);
      RRset existing = node.get(type);
      List<Record> records = new ArrayList<>();
      if (existing != null && !isSingleton(type)) {
        for (Record r : existing.records()) {
          if (!r.equals(record)) {
            records.add(r);
          }
        }
      }
      records.add(record);
      put(owner, type, RRset.of(record.getTTL(), records));
      return this;
    }

    /**
     * Adds the records, all or (when one breaks a rule) none.
     *
     * @param records the records
     * @return this editor
     */
    public Editor addAll(Collection<? extends Record> records) {
      return atomically(() -> {
        for (Record r : records) {
          add(r);
        }
      });
    }

    /**
     * Removes the record with the same owner, type and data (the TTL is not compared).
     *
     * @param record the record
     * @return this editor
     */
    public Editor remove(Record record) {
      RRset existing = rrset(record.getName(), record.getType());
      if (existing == null) {
        return this;
      }
      List<Record> left = new ArrayList<>(existing.records().size());
      for (Record r : existing.records()) {
        if (!r.equals(record)) {
          left.add(r);
        }
      }
      if (left.size() == existing.records().size()) {
        return this;
      }
      put(record.getName(), record.getType(), left.isEmpty() ? null : RRset.of(existing.ttl(), left));
      return this;
    }

    /**
     * Removes an RRset.
     *
     * @param owner its owner
     * @param type its type
     * @return this editor
     */
    public Editor removeRRset(Name owner, int type) {
      if (rrset(owner, type) != null) {
        put(owner, type, null);
      }
      return this;
    }

    /**
     * Removes every RRset the name owns; the name may remain as an empty non-terminal.
     *
     * @param owner the owner
     * @return this editor
     */
    public Editor removeName(Name owner) {
      for (RRset set : rrsets(owner)) {
        put(owner, set.type(), null);
      }
      return this;
    }

    /**
     * Removes every RRset in the zone, to refill it.
     *
     * @return this editor
     */
    public Editor clear() {
      List<RRset> all = new ArrayList<>();
      forEachRRset(nodes, all::add);
      for (RRset set : all) {
        put(set.owner(), set.type(), null);
      }
      return this;
    }

    /**
     * Replaces an RRset with the given records (none: removes it).
     *
     * @param owner the owner
     * @param type the type
     * @param records the new records
     * @return this editor
     */
    public Editor setRRset(Name owner, int type, Collection<? extends Record> records) {
      return atomically(() -> {
        removeRRset(owner, type);
        for (Record r : records) {
          if (!r.getName().equals(owner) || r.getType() != type) {
            throw new InvalidZoneException(
                "record " + r + " is not of RRset " + owner + " " + Type.string(type));
          }
          add(r);
        }
      });
    }

    /**
     * Signs what was changed since the editor was made (or since the last call): the RRsets
     * changed get new signatures, the NSEC or NSEC3 records whose chain or type bitmap the change
     * altered are mended, and the apex gets the signer's DNSKEY, CDS and CDNSKEY records. The work
     * grows with the size of the change, not of the zone, except where a delegation or DNAME
     * appears above (or goes from above) existing names: they then leave (or join) the signed data.
     *
     * @param signer what signing takes now
     * @return the signatures
     */
    public Editor sign(Signer signer) {
      ZoneSigning.incremental(this, signer);
      return this;
    }

    /**
     * Signs the whole zone: every authoritative RRset and a complete chain of the signer's kind,
     * replacing any other DNSSEC records. Signatures of RRsets that are as they were and whose
     * signatures are still fresh are kept. Its work grows with the zone.
     *
     * @param signer what signing takes now
     * @return this editor
     */
    public Editor signAll(Signer signer) {
      ZoneSigning.full(this, signer);
      return this;
    }

    /**
     * Removes every DNSSEC record: signatures, NSEC and NSEC3 chains, and the apex's keys.
     *
     * @return this editor
     */
    public Editor unsign() {
      ZoneSigning.strip(this);
      return this;
    }

    /**
     * Makes anew, in canonical order from {@code from}, the signatures that are no longer fresh
     * for the signer (close to expiry, or made by keys that no longer sign), looking at most
     * {@code names} names and stopping once the policy's {@code resignBatch} signatures are made.
     *
     * @param from where to start in canonical order, or null for the apex
     * @param names the most names to look at
     * @param signer what signing takes now
     * @return how far it got
     */
    public Sweep resign(Signer signer, @Nullable Name from, int names) {
      return ZoneSigning.sweep(this, signer, from, names);
    }

    /**
     * How far one {@link #resign} got.
     *
     * @param next where the next call starts, or null when it reached the end of the zone
     * @param resigned the RRsets it signed anew
     * @param earliestKept the earliest expiration among the signatures it looked at and kept, or
     *     null when it kept none
     * @param maxTtl the largest TTL of the signed RRsets it looked at
     */
    public record Sweep(@Nullable Name next, int resigned, java.time.@Nullable Instant earliestKept, long maxTtl) {}

    /**
     * Runs steps that each check their rules, undoing them all when one fails, so that a refused
     * edit leaves the editor as it was. Entries left in {@code originals} are harmless: the
     * difference is computed against the current state.
     */
    private Editor atomically(Runnable steps) {
      PersistentMap<Name, Object> savedNodes = nodes;
      int savedCount = recordCount;
      PersistentSortedSet<Name> savedNames = names;
      PersistentSortedSet<Name> savedNsec = nsec;
      PersistentSortedSet<Name> savedNsec3 = nsec3;
      edit = new Object();
      try {
        steps.run();
      } catch (RuntimeException e) {
        nodes = savedNodes;
        recordCount = savedCount;
        names = savedNames;
        nsec = savedNsec;
        nsec3 = savedNsec3;
        throw e;
      }
      return this;
    }

    /**
     * Checks the apex and returns the new snapshot, or the zone edited when nothing changed.
     *
     * @return the new zone
     */
    public Zone build() {
      Name origin = base.origin;
      checkApex(origin, nodes);
      if (nodes == base.nodes) {
        return base; // untouched: the same snapshot, so nothing derived from it goes stale
      }
      edit = new Object(); // the zone is published: edits after this copy its nodes
      return new Zone(origin, nodes, recordCount, names, nsec, nsec3);
    }

    /**
     * Records that were in the original zone and are not now, TTL and case changes included.
     *
     * @return the records
     */
    public List<Record> removedRecords() {
      if (base.recordCount == 0) {
        return List.of();
      }
      List<Record> out = new ArrayList<>();
      originals.forEach((key, before) -> difference(before, rrset(key.owner, key.type), out));
      return out;
    }

    /**
     * Records that are in the zone now and were not in the original, TTL and case changes included.
     *
     * @return the records
     */
    public List<Record> addedRecords() {
      List<Record> out = new ArrayList<>();
      if (base.recordCount == 0) {
        forEachRRset(nodes, set -> set.addTo(out));
        return out;
      }
      originals.forEach((key, before) -> difference(rrset(key.owner, key.type), before, out));
      return out;
    }

    /**
     * Whether the edit changed anything, comparing records, TTLs and the case of names.
     *
     * @return whether it changed
     */
    public boolean changed() {
      return !removedRecords().isEmpty() || !addedRecords().isEmpty();
    }

    private static void difference(@Nullable RRset from, @Nullable RRset minus, List<Record> out) {
      if (from == null) {
        return;
      }
      // An RRSIG RRset's records keep their own TTLs: compared one by one below.
      if (minus == null || (from.type() != Type.RRSIG && minus.ttl() != from.ttl())) {
        from.addTo(out);
        return;
      }
      // A set, because a list's contains made one change to an RRset of n records cost n² record
      // comparisons. Keyed by the exact wire form: Record.equals ignores the case of names, but
      // the zone keeps and serves the case it was given, so a change of case only is a change, or
      // a store or secondary replaying the diff would keep the old case.
      Set<ByteBuffer> kept = new HashSet<>();
      for (Record r : minus.records()) {
        kept.add(ByteBuffer.wrap(r.toWire(Section.ANSWER)));
      }
      for (Record r : from.records()) {
        if (!kept.contains(ByteBuffer.wrap(r.toWire(Section.ANSWER)))) {
          out.add(r);
        }
      }
    }

    private void check(Record record) {
      check(base.origin, record);
    }

    static void check(Name origin, Record record) {
      Name owner = record.getName();
      if (!owner.subdomain(origin)) {
        throw new InvalidZoneException("record " + record + " is outside zone " + origin);
      }
      if (record.getDClass() != DClass.IN) {
        throw new InvalidZoneException(
            "record " + record + " has class " + DClass.string(record.getDClass()) + ", zones hold IN");
      }
      int type = record.getType();
      if (!Type.isRR(type)) {
        throw new InvalidZoneException("record " + record + " has a meta type that zones cannot hold");
      }
      if (type == Type.SOA && !owner.equals(origin)) {
        throw new InvalidZoneException("SOA record " + record + " is not at the apex of " + origin);
      }
      if (!isSmall(type)) {
        int length;
        try {
          length = record.rdataToWireCanonical().length;
        } catch (RuntimeException e) {
          // dnsjava reads some data it cannot write again: a WKS with no port throws from its
          // writer. Such a record would fail every answer that holds it, so no zone takes it.
          throw new InvalidZoneException(
              "record " + owner + " " + Type.string(type) + " has data that cannot be encoded: " + e);
        }
        if (length > MAX_RDATA_LENGTH) {
          // Named by owner and type: the record's text would be as long as its data.
          throw new InvalidZoneException(
              "record " + owner + " " + Type.string(type) + " has " + length
                  + " bytes of data; a record holds at most " + MAX_RDATA_LENGTH
                  + " (RFC 1035 §3.2.1)");
        }
      }
    }

    /** Types whose data cannot exceed the limit, whatever it holds: no need to encode them. */
    private static boolean isSmall(int type) {
      return switch (type) {
        case Type.A, Type.AAAA, Type.NS, Type.CNAME, Type.DNAME, Type.PTR, Type.MX, Type.SOA,
            Type.SRV -> true;
        default -> false;
      };
    }

    static void checkCnameRule(Node node, Name owner, int type) {
      // RFC 2181 §10.1: a CNAME owner has no other data, except the DNSSEC records about it.
      if (isDnssecMeta(type)) {
        return;
      }
      for (RRset set : node.rrsets) {
        boolean clash =
            type == Type.CNAME
                ? set.type() != Type.CNAME && !isDnssecMeta(set.type())
                : set.type() == Type.CNAME;
        if (clash) {
          throw new InvalidZoneException(
              "CNAME at " + owner + " cannot stand beside other data (RFC 2181 §10.1): adding "
                  + Type.string(type) + " where " + Type.string(set.type()) + " exists");
        }
      }
    }

    private static boolean isDnssecMeta(int type) {
      return type == Type.RRSIG || type == Type.NSEC;
    }

    static boolean isSingleton(int type) {
      return type == Type.SOA || type == Type.CNAME || type == Type.DNAME;
    }

    /**
     * Puts or removes (null) an RRset, keeping empty non-terminals, child counts and the ordered
     * indexes right.
     */
    void put(Name owner, int type, @Nullable RRset set) {
      // Against an empty zone the difference is simply what is there now: nothing to track.
      if (base.recordCount > 0) {
        RRsetKey key = new RRsetKey(owner, type);
        if (!originals.containsKey(key)) {
          originals.put(key, Zone.rrset(base.nodes, owner, type));
        }
      }
      // Only an edit of a zone signed already can be signed RRset by RRset; loading one need not
      // remember every RRset it made.
      if (base.names != null && !ZoneSigning.isDnssecType(type)) {
        unsigned.add(new RRsetKey(owner, type));
      }
      Node node = Node.of(nodes.get(owner));
      RRset old = node == null ? null : node.get(type);
      recordCount += (set == null ? 0 : set.records().size()) - (old == null ? 0 : old.records().size());
      if (set != null) {
        if (node == null) {
          nodes = nodes.put(owner, Node.EMPTY.with(set).stored(), edit);
          nameAdded(owner);
          linkToParent(owner);
        } else {
          nodes = nodes.put(owner, node.with(set).stored(), edit);
        }
      } else if (node != null) {
        Node left = node.without(type);
        if (!left.hasData() && left.children == 0 && !owner.equals(base.origin)) {
          nodes = nodes.remove(owner, edit);
          nameRemoved(owner);
          unlinkFromParent(owner);
        } else {
          nodes = nodes.put(owner, left.stored(), edit);
        }
      }
      if ((old == null) != (set == null)) {
        indexed(owner, type, set != null);
      }
    }

    private void indexed(Name owner, int type, boolean present) {
      if (type == Type.NSEC) {
        nsec = present ? nsec.add(owner, edit) : nsec.remove(owner, edit);
      } else if (type == Type.NSEC3) {
        nsec3 = present ? nsec3.add(owner, edit) : nsec3.remove(owner, edit);
      } else if (type == Type.DNSKEY && owner.equals(base.origin)) {
        if (present && names == null) {
          names = allNames();
        } else if (!present) {
          names = null;
        }
      }
    }

    /** Every name in the zone as an ordered set: the zone has just become signed. */
    private PersistentSortedSet<Name> allNames() {
      Name[] all = new Name[nodes.size()];
      int[] n = {0};
      nodes.forEach((name, node) -> all[n[0]++] = name);
      java.util.Arrays.sort(all);
      return PersistentSortedSet.ofSorted(all, edit);
    }

    private void nameAdded(Name name) {
      if (names != null) {
        names = names.add(name, edit);
      }
    }

    private void nameRemoved(Name name) {
      if (names != null) {
        names = names.remove(name, edit);
      }
    }

    private void linkToParent(Name child) {
      Name name = child;
      while (!name.equals(base.origin)) {
        Name parent = new Name(name, 1);
        Node node = Node.of(nodes.get(parent));
        if (node != null) {
          nodes = nodes.put(parent, node.withChildren(node.children + 1).stored(), edit);
          return;
        }
        nodes = nodes.put(parent, Node.EMPTY.withChildren(1), edit);
        nameAdded(parent);
        name = parent;
      }
    }

    private void unlinkFromParent(Name child) {
      Name name = child;
      while (!name.equals(base.origin)) {
        Name parent = new Name(name, 1);
        Node node = Node.of(nodes.get(parent));
        if (node == null) {
          return;
        }
        if (node.children > 1 || node.hasData() || parent.equals(base.origin)) {
          nodes = nodes.put(parent, node.withChildren(node.children - 1).stored(), edit);
          return;
        }
        nodes = nodes.remove(parent, edit);
        nameRemoved(parent);
        name = parent;
      }
    }

    /** The node at a name as edited so far: what the signer reads. */
    @Nullable Node node(Name name) {
      return Node.of(nodes.get(name));
    }
  }

  /**
   * Builds a whole zone from its records, with the rules and the result of an {@link Editor} that
   * adds them one by one to an empty zone. Records of one owner that come together (in any order
   * of types) make that owner's node at once, and the trie gets each name once, at {@link
   * #build()}, with each parent's count of children once per run of its children; an owner that
   * comes back after others still works, by the editor's slower way.
   * Not thread-safe, and used once.
   *
   * <pre>{@code
   * Zone.Builder builder = Zone.builder(origin);
   * for (Record r : recordsByOwner) {
   *   builder.add(r);
   * }
   * Zone zone = builder.build();
   * }</pre>
   */
  public static final class Builder {
    /** From this many owners on, two threads build the trie (see {@code putOwners}). */
    static final int PARALLEL_PUTS = 32_768;

    private final Name origin;
    private Name[] owners = new Name[64];
    /** The owners' nodes, as the zone's map keeps them ({@link Node#stored()}). */
    private Object[] nodes = new Object[64];
    private int size;
    private int recordCount;
    private @Nullable Name owner;
    /** The owner's first RRset while it is its only one: most owners get no node of their own. */
    private @Nullable RRset only;
    private Node node = Node.EMPTY;
    private int runType = -1;
    private final List<Record> run = new ArrayList<>();
    private boolean built;

    private Builder(Name origin) {
      this.origin = origin;
    }

    /**
     * Adds a record; its RRset takes the record's TTL, as {@link Editor#add} says.
     *
     * @param record the record
     * @return this builder
     * @throws InvalidZoneException when the record breaks a zone rule
     */
    public Builder add(Record record) {
      if (built) {
        throw new IllegalStateException("the zone was built already");
      }
      Editor.check(origin, record);
      Name name = record.getName();
      if (owner == null || !name.equals(owner)) {
        endRun();
        endOwner();
        owner = name;
      } else if (record.getType() != runType) {
        endRun();
      }
      runType = record.getType();
      run.add(record);
      return this;
    }

    /** Turns the records of one owner and type that came in a row into (or into part of) an RRset. */
    private void endRun() {
      if (run.isEmpty()) {
        return;
      }
      Name name = owner;
      int type = runType;
      if (only != null) {
        node = Node.EMPTY.with(only);
        only = null;
      }
      Editor.checkCnameRule(node, name, type);
      RRset existing = node.get(type);
      List<Record> records;
      if (existing == null && run.size() == 1) {
        records = run;
      } else {
        // What the editor's add does record by record: an equal record is replaced and goes last.
        records = new ArrayList<>();
        if (existing != null && !Editor.isSingleton(type)) {
          records.addAll(existing.records());
        }
        for (Record r : run) {
          if (Editor.isSingleton(type)) {
            records.clear();
          } else {
            records.removeIf(r::equals);
          }
          records.add(r);
        }
      }
      RRset set = RRset.of(run.get(run.size() - 1).getTTL(), records);
      recordCount += set.records().size() - (existing == null ? 0 : existing.records().size());
      if (node == Node.EMPTY) {
        only = set;
      } else {
        node = node.with(set);
      }
      run.clear();
    }

    private void endOwner() {
      if (owner == null) {
        return;
      }
      if (size == owners.length) {
        owners = java.util.Arrays.copyOf(owners, size * 2);
        nodes = java.util.Arrays.copyOf(nodes, size * 2);
      }
      owners[size] = owner;
      nodes[size] = only != null ? only : node.stored();
      size++;
      only = null;
      node = Node.EMPTY;
    }

    /**
     * Checks the apex and returns the zone.
     *
     * @return the zone
     * @throws InvalidZoneException when the apex has no SOA or no NS RRset
     */
    public Zone build() {
      if (built) {
        throw new IllegalStateException("the zone was built already");
      }
      endRun();
      endOwner();
      built = true;
      Object edit = new Object();
      PersistentMap<Name, Object> map = putOwners(edit);
      if (map.size() < size) {
        return slowly();
      }
      if (map.get(origin) == null) {
        map = map.put(origin, Node.EMPTY, edit);
      }
      map = linkParents(map, edit);
      List<Name> nsecOwners = new ArrayList<>();
      List<Name> nsec3Owners = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        if (Node.get(nodes[i], Type.NSEC) != null) {
          nsecOwners.add(owners[i]);
        }
        if (Node.get(nodes[i], Type.NSEC3) != null) {
          nsec3Owners.add(owners[i]);
        }
      }
      PersistentSortedSet<Name> names = null;
      if (Zone.rrset(map, origin, Type.DNSKEY) != null) {
        Name[] all = new Name[map.size()];
        int[] n = {0};
        map.forEach((name, ignored) -> all[n[0]++] = name);
        names = PersistentSortedSet.ofSorted(sorted(all), edit);
      }
      Zone zone =
          new Zone(origin, map, recordCount, names,
              PersistentSortedSet.ofSorted(sorted(nsecOwners.toArray(new Name[0])), edit),
              PersistentSortedSet.ofSorted(sorted(nsec3Owners.toArray(new Name[0])), edit));
      checkApex(origin, map);
      owners = new Name[0];
      nodes = new Object[0];
      return zone;
    }

    /**
     * Puts every owner's node in a new trie. Puts under one edit token change the trie's nodes in
     * place: as fast, measured, as sorting the names by hash and making each branch once. A large
     * zone is put by two threads, each its half of the root's slots ({@link
     * PersistentMap#rootPart}) under a token of its own, and the halves are joined: the loader
     * has read every record by now, so the second core would be idle.
     */
    private PersistentMap<Name, Object> putOwners(Object edit) {
      if (size < PARALLEL_PUTS || Runtime.getRuntime().availableProcessors() < 2) {
        return putOwners(-1, edit);
      }
      FutureTask<PersistentMap<Name, Object>> other = new FutureTask<>(() -> putOwners(1, new Object()));
      Thread helper = new Thread(other, "dnsd-zone-build");
      helper.setDaemon(true);
      helper.start();
      PersistentMap<Name, Object> half = putOwners(0, new Object());
      return PersistentMap.joinDisjoint(half, await(other), edit);
    }

    /** The trie of the owners whose {@link PersistentMap#rootPart} is {@code part}, or all (-1). */
    private PersistentMap<Name, Object> putOwners(int part, Object edit) {
      PersistentMap<Name, Object> map = PersistentMap.empty();
      for (int i = 0; i < size; i++) {
        if (part < 0 || PersistentMap.rootPart(owners[i]) == part) {
          map = map.put(owners[i], nodes[i], edit);
        }
      }
      return map;
    }

    /** The helper's half; waits on through interrupts, as the helper still reads this builder. */
    private static PersistentMap<Name, Object> await(FutureTask<PersistentMap<Name, Object>> task) {
      boolean interrupted = false;
      try {
        while (true) {
          try {
            return task.get();
          } catch (InterruptedException e) {
            interrupted = true;
          } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
              throw r;
            }
            if (cause instanceof Error err) {
              throw err;
            }
            throw new IllegalStateException("building the trie failed", cause);
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private static Name[] sorted(Name[] names) {
      java.util.Arrays.sort(names);
      return names;
    }

    /**
     * Counts every name's children and adds the empty non-terminals: names that own no data but
     * have names below them. Owners of one parent mostly come together, so that is one count per
     * run of them rather than one change of the parent's node per name.
     */
    private PersistentMap<Name, Object> linkParents(PersistentMap<Name, Object> map, Object edit) {
      Name parent = null;
      int count = 0;
      for (int i = 0; i < size; i++) {
        Name name = owners[i];
        if (name.equals(origin)) {
          continue;
        }
        if (parent != null && name.labels() == parent.labels() + 1 && name.subdomain(parent)) {
          count++;
          continue;
        }
        if (parent != null) {
          map = addChildren(map, parent, count, edit);
        }
        parent = new Name(name, 1);
        count = 1;
      }
      if (parent != null) {
        map = addChildren(map, parent, count, edit);
      }
      return map;
    }

    private PersistentMap<Name, Object> addChildren(
        PersistentMap<Name, Object> map, Name parent, int count, Object edit) {
      Name name = parent;
      int children = count;
      while (true) {
        Node node = Node.of(map.get(name));
        if (node != null) {
          return map.put(name, node.withChildren(node.children + children).stored(), edit);
        }
        map = map.put(name, Node.EMPTY.withChildren(children), edit);
        if (name.equals(origin)) {
          return map;
        }
        name = new Name(name, 1);
        children = 1;
      }
    }

    /** An owner came back after others: the editor adds the RRsets, as it would have all along. */
    private Zone slowly() {
      Editor editor = empty(origin).edit();
      for (int i = 0; i < size; i++) {
        for (RRset set : Node.of(nodes[i]).rrsets) {
          for (Record r : set.records()) {
            editor.add(r);
          }
        }
      }
      owners = new Name[0];
      nodes = new Object[0];
      return editor.build();
    }
  }

  /** What every published zone has at its apex. */
  private static void checkApex(Name origin, PersistentMap<Name, Object> nodes) {
    if (rrset(nodes, origin, Type.SOA) == null) {
      throw new InvalidZoneException("zone " + origin + " has no SOA record at its apex");
    }
    if (rrset(nodes, origin, Type.NS) == null) {
      throw new InvalidZoneException("zone " + origin + " has no NS records at its apex");
    }
  }

  record RRsetKey(Name owner, int type) {}
}
