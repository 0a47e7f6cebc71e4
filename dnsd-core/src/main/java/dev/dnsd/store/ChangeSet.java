package dev.dnsd.store;

import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.dnssec.KeyRole;
import dev.dnsd.dnssec.SigningKey;
import dev.dnsd.zone.Zone;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * An ordered list of edits that a {@link RecordStore} commits atomically: all of them, or none when
 * one breaks a rule. Record edits go to the zone whose origin is the longest suffix of the owner,
 * counting zones created earlier in the same change set.
 *
 * <pre>{@code
 * Name origin = Name.fromString("example.com.");
 * try (RecordStore store = new InMemoryRecordStore()) {
 *   store.commit(ChangeSet.builder()
 *       .createZone(origin, List.of(
 *           Record.fromString(origin, Type.SOA, DClass.IN, 3600, "ns1 hostmaster 1 7200 3600 1209600 300", origin),
 *           Record.fromString(origin, Type.NS, DClass.IN, 3600, "ns1", origin)))
 *       .build());
 *   store.commit(ChangeSet.builder()    // both edits, or neither
 *       .add(Record.fromString(Name.fromString("www", origin), Type.A, DClass.IN, 300, "192.0.2.1", origin))
 *       .removeRRset(origin, Type.TXT)
 *       .build());
 * }
 * }</pre>
 *
 * <p>Each zone a change set modifies gets its SOA serial increased by one (RFC 1982 arithmetic),
 * unless the change set itself edits that zone's SOA.
 *
 * <p>A change set may also set store metadata ({@link Builder#meta}): small key/value strings
 * committed atomically with the edits and read back with {@link RecordStore#meta(String)}, so that
 * bookkeeping such as "which primary version this secondary has applied" can never disagree with
 * the zone data after a crash. A change set that sets metadata is a change even when it edits no
 * zone.
 *
 * <p>A change set says who made it ({@link Builder#origin}, {@value #DEFAULT_ORIGIN} unless told
 * otherwise): the store's audit log ({@code dev.dnsd.audit}, one line at INFO per commit) names it
 * beside the version and the zones the commit touched. dnsd's own writers name themselves: {@code
 * control peer admin from 192.0.2.7:41000}, {@code update key xfr-key from 192.0.2.8:5300}, {@code
 * replication from primary 192.0.2.1:5300}, {@code reload}.
 */
public final class ChangeSet {
  /** One edit. The records are the sync protocol's and the log's unit, so they stay plain data. */
  public sealed interface Op {}

  /**
   * Creates a zone from its records; fails when the zone exists.
   *
   * @param origin the zone's origin
   * @param records its records
   */
  public record CreateZone(Name origin, List<Record> records) implements Op {}

  /**
   * Creates a zone or replaces all of its content, as one change.
   *
   * @param origin the zone's origin
   * @param records its records
   */
  public record ReplaceZone(Name origin, List<Record> records) implements Op {}

  /**
   * Deletes a zone and everything in it; fails when there is no such zone.
   *
   * @param origin the zone's origin
   */
  public record DeleteZone(Name origin) implements Op {}

  /**
   * Adds a record; the RRset takes its TTL; an SOA, CNAME or DNAME replaces the one there.
   *
   * @param record the record
   */
  public record Add(Record record) implements Op {}

  /**
   * Removes the record with the same owner, type and data; absent records are ignored.
   *
   * @param record the record
   */
  public record Remove(Record record) implements Op {}

  /**
   * Removes the RRset of a type at a name.
   *
   * @param owner the name
   * @param type the type
   */
  public record RemoveRRset(Name owner, int type) implements Op {}

  /**
   * Replaces the RRset of a type at a name with these records.
   *
   * @param owner the name
   * @param type the type
   * @param records the new records
   */
  public record SetRRset(Name owner, int type, List<Record> records) implements Op {}

  /**
   * Removes every RRset at a name.
   *
   * @param owner the name
   */
  public record RemoveName(Name owner) implements Op {}

  /**
   * Signs the zone by this policy (with new keys, or those imported before in the change set), or
   * changes the policy a signed zone is signed by: between NSEC and NSEC3, say. The zone's
   * DNSSEC records are then dnsd's: edits of them are refused.
   *
   * @param origin the zone
   * @param policy the policy
   */
  public record Sign(Name origin, DnssecPolicy policy) implements Op {}

  /**
   * Stops signing the zone: its signatures, NSEC or NSEC3 chain and keys go.
   *
   * @param origin the zone
   */
  public record Unsign(Name origin) implements Op {}

  /**
   * Adds a key to the zone, one read from BIND's files say: a zone signed in the same change set
   * starts with it; a signed zone rolls to it as {@link Rollover} rolls to a new key.
   *
   * @param origin the zone
   * @param key the key
   * @param role what it signs
   */
  public record ImportKey(Name origin, SigningKey key, KeyRole role) implements Op {}

  /**
   * Starts a rollover of the zone's KSK, ZSK or CSK to a new key: ZSKs by pre-publication, KSKs
   * and CSKs by double signature, the old one going once the parent's DS follows ({@link
   * ConfirmDs}).
   *
   * @param origin the zone
   * @param role the role of the key to replace
   */
  public record Rollover(Name origin, KeyRole role) implements Op {}

  /**
   * The parent zone now holds the DS of the new KSK or CSK: the old key may go.
   *
   * @param origin the zone
   */
  public record ConfirmDs(Name origin) implements Op {}

  /**
   * One bounded step of a signed zone's upkeep: the key events due by now, and one batch of the
   * signatures that fall due (at most the policy's {@code resignBatch}). What the server's
   * background work commits.
   *
   * @param origin the zone
   */
  public record MaintainSigning(Name origin) implements Op {}

  /** Who made a change set that does not say: the host program, through the API. */
  public static final String DEFAULT_ORIGIN = "api";

  private final List<Op> ops;
  private final Map<String, String> meta;
  private final String origin;

  private ChangeSet(List<Op> ops, Map<String, String> meta, String origin) {
    this.ops = List.copyOf(ops);
    this.meta = Map.copyOf(meta);
    this.origin = origin;
  }

  /**
   * A new builder of an empty change set.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The change set that makes another store's committed change happen here with the same result,
   * SOA serials included: how a secondary applies what its primary sends.
   *
   * @param change a committed change, from this store or another
   * @return the change set
   */
  public static ChangeSet replaying(Change change) {
    Builder b = builder();
    for (ZoneChange zc : change.zones()) {
      switch (zc.kind()) {
        case CREATED -> b.replaceZone(zc.origin(), zc.added());
        case DELETED -> b.deleteZone(zc.origin());
        case MODIFIED -> {
          zc.removed().forEach(b::remove);
          zc.added().forEach(b::add);
        }
      }
    }
    return b.build();
  }

  /**
   * The operations, in the order they apply.
   *
   * @return the operations
   */
  public List<Op> ops() {
    return ops;
  }

  /**
   * The metadata this change set sets; see {@link Builder#meta}.
   *
   * @return the metadata, by key
   */
  public Map<String, String> meta() {
    return meta;
  }

  /**
   * Who made this change set, as the audit log names it ({@link Builder#origin}).
   *
   * @return the origin; {@value #DEFAULT_ORIGIN} unless the builder was told
   */
  public String origin() {
    return origin;
  }

  /**
   * Whether it holds no operation and no metadata.
   *
   * @return whether it is empty
   */
  public boolean isEmpty() {
    return ops.isEmpty() && meta.isEmpty();
  }

  @Override
  public String toString() {
    return "ChangeSet" + ops + (meta.isEmpty() ? "" : " meta " + meta);
  }

  /** Collects edits in order. */
  public static final class Builder {
    private final List<Op> ops = new ArrayList<>();
    private final Map<String, String> meta = new LinkedHashMap<>();
    private String origin = DEFAULT_ORIGIN;

    private Builder() {}

    /**
     * Says who makes this change, for the audit log: a user, a tool, a process ({@code "admin
     * console: alice"}). Default {@value ChangeSet#DEFAULT_ORIGIN}.
     *
     * @param who one line of text
     * @return this builder
     */
    public Builder origin(String who) {
      if (who.isBlank() || who.contains("\n") || who.contains("\r")) {
        throw new IllegalArgumentException("origin must be one line of text: '" + who + "'");
      }
      origin = who;
      return this;
    }

    /**
     * Creates a zone from its records; fails when the zone exists.
     *
     * @param origin the zone's origin
     * @param records its records, an SOA and NS records at the apex among them
     * @return this builder
     */
    public Builder createZone(Name origin, Collection<? extends Record> records) {
      ops.add(new CreateZone(origin, List.copyOf(records)));
      return this;
    }

    /**
     * Creates the zone, or replaces the records of the one there.
     *
     * @param origin the zone's origin
     * @param records its records, an SOA and NS records at the apex among them
     * @return this builder
     */
    public Builder replaceZone(Name origin, Collection<? extends Record> records) {
      ops.add(new ReplaceZone(origin, List.copyOf(records)));
      return this;
    }

    /**
     * Creates the zone or replaces all of its content with this snapshot's records. Where the
     * store does not hold the zone yet, it takes the snapshot as it is rather than building it
     * again from the records: the cheap way to load a large zone.
     *
     * @param zone the zone
     * @return this builder
     */
    public Builder replaceZone(Zone zone) {
      ops.add(new ReplaceZone(zone.origin(), new ZoneRecords(zone)));
      return this;
    }

    /**
     * Deletes a zone and all its records.
     *
     * @param origin the zone's origin
     * @return this builder
     */
    public Builder deleteZone(Name origin) {
      ops.add(new DeleteZone(origin));
      return this;
    }

    /**
     * Adds a record to the zone it is in; the RRset takes its TTL (RFC 2181 §5.2).
     *
     * @param record the record
     * @return this builder
     */
    public Builder add(Record record) {
      ops.add(new Add(record));
      return this;
    }

    /**
     * Removes a record from the zone it is in.
     *
     * @param record the record
     * @return this builder
     */
    public Builder remove(Record record) {
      ops.add(new Remove(record));
      return this;
    }

    /**
     * Removes an RRset.
     *
     * @param owner its owner
     * @param type its type
     * @return this builder
     */
    public Builder removeRRset(Name owner, int type) {
      ops.add(new RemoveRRset(owner, type));
      return this;
    }

    /**
     * Replaces an RRset with these records (removes it when there are none).
     *
     * @param owner its owner
     * @param type its type
     * @param records the new records, of that owner and type
     * @return this builder
     */
    public Builder setRRset(Name owner, int type, Collection<? extends Record> records) {
      ops.add(new SetRRset(owner, type, List.copyOf(records)));
      return this;
    }

    /**
     * Removes every record of an owner.
     *
     * @param owner the owner
     * @return this builder
     */
    public Builder removeName(Name owner) {
      ops.add(new RemoveName(owner));
      return this;
    }

    /**
     * Signs the zone by the policy, or changes the policy it is signed by; see {@link Sign}.
     *
     * @param origin the zone
     * @param policy the policy
     * @return this builder
     */
    public Builder sign(Name origin, DnssecPolicy policy) {
      ops.add(new Sign(origin, policy));
      return this;
    }

    /**
     * Stops signing the zone; see {@link Unsign}.
     *
     * @param origin the zone
     * @return this builder
     */
    public Builder unsign(Name origin) {
      ops.add(new Unsign(origin));
      return this;
    }

    /**
     * Adds a key to the zone; see {@link ImportKey}.
     *
     * @param origin the zone
     * @param key the key
     * @param role what it signs
     * @return this builder
     */
    public Builder importKey(Name origin, SigningKey key, KeyRole role) {
      ops.add(new ImportKey(origin, key, role));
      return this;
    }

    /**
     * Starts a rollover of one of the zone's keys; see {@link Rollover}.
     *
     * @param origin the zone
     * @param role the key's role
     * @return this builder
     */
    public Builder rollover(Name origin, KeyRole role) {
      ops.add(new Rollover(origin, role));
      return this;
    }

    /**
     * Says the parent holds the new KSK's DS; see {@link ConfirmDs}.
     *
     * @param origin the zone
     * @return this builder
     */
    public Builder confirmDs(Name origin) {
      ops.add(new ConfirmDs(origin));
      return this;
    }

    /**
     * One bounded step of the zone's DNSSEC upkeep; see {@link MaintainSigning}.
     *
     * @param origin the zone
     * @return this builder
     */
    public Builder maintainSigning(Name origin) {
      ops.add(new MaintainSigning(origin));
      return this;
    }

    /**
     * Adds an operation, as another change set has it ({@link ChangeSet#ops()}).
     *
     * @param op the operation
     * @return this builder
     */
    public Builder op(Op op) {
      ops.add(op);
      return this;
    }

    /**
     * Sets a store metadata entry in the same commit as the edits; the last value set wins. Keys
     * starting with {@code dnsd.} are reserved for dnsd itself (replication bookkeeping).
     *
     * @param key the key
     * @param value the value
     * @return this builder
     */
    public Builder meta(String key, String value) {
      if (key.isEmpty()) {
        throw new IllegalArgumentException("metadata key must not be empty");
      }
      meta.put(key, value);
      return this;
    }

    /**
     * The change set, immutable.
     *
     * @return the change set
     */
    public ChangeSet build() {
      return new ChangeSet(ops, meta, origin);
    }
  }
}
