package dev.dnsd.zone;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
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
  private final PersistentMap<Name, Node> nodes;
  private final int recordCount;
  private final long snapshotId = SNAPSHOTS.incrementAndGet();

  private Zone(Name origin, PersistentMap<Name, Node> nodes, int recordCount) {
    this.origin = origin;
    this.nodes = nodes;
    this.recordCount = recordCount;
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
    return new Zone(origin, PersistentMap.<Name, Node>empty().put(origin, Node.EMPTY), 0);
  }

  /**
   * Builds a whole zone from records, checking every rule that a commit checks.
   *
   * @param origin the zone's origin
   * @param records its records
   * @return the zone
   */
  public static Zone of(Name origin, Collection<Record> records) {
    Editor editor = empty(origin).edit();
    for (Record r : records) {
      editor.add(r);
    }
    return editor.build();
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
    Node node = nodes.get(owner);
    return node == null ? null : node.get(type);
  }

  /**
   * The RRsets owned by a name, by type; empty for an empty non-terminal or a missing name.
   *
   * @param owner the owner
   * @return the RRsets, none when the name has no data
   */
  public List<RRset> rrsets(Name owner) {
    Node node = nodes.get(owner);
    return node == null ? List.of() : List.of(node.rrsets);
  }

  /**
   * Whether the name exists: it owns data, or names below it do (an empty non-terminal).
   *
   * @param name the name
   * @return whether it exists
   */
  public boolean exists(Name name) {
    return nodes.get(name) != null;
  }

  /**
   * Runs the action on every RRset of the zone, in canonical order.
   *
   * @param action what to run
   */
  public void forEachRRset(Consumer<RRset> action) {
    forEachRRset(nodes, action);
  }

  private static void forEachRRset(PersistentMap<Name, Node> nodes, Consumer<RRset> action) {
    nodes.forEach((name, node) -> {
      for (RRset set : node.rrsets) {
        action.accept(set);
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
      out.addAll(set.records());
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
   * the whole RRset the new record's TTL (RFC 2181 §5.2); adding an SOA, CNAME or DNAME replaces
   * the one there, as RFC 2136 §3.4.2.2 does. A refused edit changes nothing. Not thread-safe; the
   * zone it came from is never changed.
   */
  public static final class Editor {
    private final Zone base;
    private PersistentMap<Name, Node> nodes;
    private int recordCount;
    private final Map<RRsetKey, @Nullable RRset> originals = new LinkedHashMap<>();
    /**
     * The token under which this editor changes the trie nodes it made itself in place. Replaced
     * whenever a state must stay as it is: one a refused edit returns to, and each built zone.
     */
    private Object edit = new Object();

    private Editor(Zone base) {
      this.base = base;
      this.nodes = base.nodes;
      this.recordCount = base.recordCount;
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
      Node node = nodes.get(owner);
      return node == null ? null : node.get(type);
    }

    /**
     * The RRsets at a name as edited so far.
     *
     * @param owner the owner
     * @return the RRsets
     */
    public List<RRset> rrsets(Name owner) {
      Node node = nodes.get(owner);
      return node == null ? List.of() : List.of(node.rrsets);
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
      Node node = nodes.get(owner);
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
      nodes.forEach((name, node) -> all.addAll(List.of(node.rrsets)));
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
     * Runs steps that each check their rules, undoing them all when one fails, so that a refused
     * edit leaves the editor as it was. Entries left in {@code originals} are harmless: the
     * difference is computed against the current state.
     */
    private Editor atomically(Runnable steps) {
      PersistentMap<Name, Node> savedNodes = nodes;
      int savedCount = recordCount;
      edit = new Object();
      try {
        steps.run();
      } catch (RuntimeException e) {
        nodes = savedNodes;
        recordCount = savedCount;
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
      Node apex = nodes.get(origin);
      RRset soa = apex == null ? null : apex.get(Type.SOA);
      if (soa == null) {
        throw new InvalidZoneException("zone " + origin + " has no SOA record at its apex");
      }
      if (apex.get(Type.NS) == null) {
        throw new InvalidZoneException("zone " + origin + " has no NS records at its apex");
      }
      if (nodes == base.nodes) {
        return base; // untouched: the same snapshot, so nothing derived from it goes stale
      }
      edit = new Object(); // the zone is published: edits after this copy its nodes
      return new Zone(origin, nodes, recordCount);
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
        forEachRRset(nodes, set -> out.addAll(set.records()));
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
      if (minus == null || minus.ttl() != from.ttl()) {
        out.addAll(from.records());
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
      Name origin = base.origin;
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
        int length = record.rdataToWireCanonical().length;
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

    private static void checkCnameRule(Node node, Name owner, int type) {
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

    private static boolean isSingleton(int type) {
      return type == Type.SOA || type == Type.CNAME || type == Type.DNAME;
    }

    /** Puts or removes (null) an RRset, keeping empty non-terminals and child counts right. */
    private void put(Name owner, int type, @Nullable RRset set) {
      // Against an empty zone the difference is simply what is there now: nothing to track.
      if (base.recordCount > 0) {
        RRsetKey key = new RRsetKey(owner, type);
        if (!originals.containsKey(key)) {
          Node before = base.nodes.get(owner);
          originals.put(key, before == null ? null : before.get(type));
        }
      }
      Node node = nodes.get(owner);
      RRset old = node == null ? null : node.get(type);
      recordCount += (set == null ? 0 : set.records().size()) - (old == null ? 0 : old.records().size());
      if (set != null) {
        if (node == null) {
          nodes = nodes.put(owner, Node.EMPTY.with(set), edit);
          linkToParent(owner);
        } else {
          nodes = nodes.put(owner, node.with(set), edit);
        }
      } else if (node != null) {
        Node left = node.without(type);
        if (!left.hasData() && left.children == 0 && !owner.equals(base.origin)) {
          nodes = nodes.remove(owner, edit);
          unlinkFromParent(owner);
        } else {
          nodes = nodes.put(owner, left, edit);
        }
      }
    }

    private void linkToParent(Name child) {
      Name name = child;
      while (!name.equals(base.origin)) {
        Name parent = new Name(name, 1);
        Node node = nodes.get(parent);
        if (node != null) {
          nodes = nodes.put(parent, node.withChildren(node.children + 1), edit);
          return;
        }
        nodes = nodes.put(parent, Node.EMPTY.withChildren(1), edit);
        name = parent;
      }
    }

    private void unlinkFromParent(Name child) {
      Name name = child;
      while (!name.equals(base.origin)) {
        Name parent = new Name(name, 1);
        Node node = nodes.get(parent);
        if (node == null) {
          return;
        }
        if (node.children > 1 || node.hasData() || parent.equals(base.origin)) {
          nodes = nodes.put(parent, node.withChildren(node.children - 1), edit);
          return;
        }
        nodes = nodes.remove(parent, edit);
        name = parent;
      }
    }
  }

  private record RRsetKey(Name owner, int type) {}
}
