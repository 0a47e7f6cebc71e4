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
 * store.commit(ChangeSet.builder()
 *     .add(Record.fromString(name, Type.A, DClass.IN, 300, "192.0.2.1", Name.root))
 *     .removeRRset(other, Type.TXT)
 *     .build());
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
 */
public final class ChangeSet {
  /** One edit. The records are the sync protocol's and the log's unit, so they stay plain data. */
  public sealed interface Op {}

  /** Creates a zone from its records; fails when the zone exists. */
  public record CreateZone(Name origin, List<Record> records) implements Op {}

  /** Creates a zone or replaces all of its content, as one change. */
  public record ReplaceZone(Name origin, List<Record> records) implements Op {}

  /** Deletes a zone and everything in it; fails when there is no such zone. */
  public record DeleteZone(Name origin) implements Op {}

  /** Adds a record; the RRset takes its TTL; an SOA, CNAME or DNAME replaces the one there. */
  public record Add(Record record) implements Op {}

  /** Removes the record with the same owner, type and data; absent records are ignored. */
  public record Remove(Record record) implements Op {}

  /** Removes the RRset of a type at a name. */
  public record RemoveRRset(Name owner, int type) implements Op {}

  /** Replaces the RRset of a type at a name with these records. */
  public record SetRRset(Name owner, int type, List<Record> records) implements Op {}

  /** Removes every RRset at a name. */
  public record RemoveName(Name owner) implements Op {}

  /**
   * Signs the zone by this policy (with new keys, or those imported before in the change set), or
   * changes the policy a signed zone is signed by: between NSEC and NSEC3, say. The zone's
   * DNSSEC records are then dnsd's: edits of them are refused.
   */
  public record Sign(Name origin, DnssecPolicy policy) implements Op {}

  /** Stops signing the zone: its signatures, NSEC or NSEC3 chain and keys go. */
  public record Unsign(Name origin) implements Op {}

  /**
   * Adds a key to the zone, one read from BIND's files say: a zone signed in the same change set
   * starts with it; a signed zone rolls to it as {@link Rollover} rolls to a new key.
   */
  public record ImportKey(Name origin, SigningKey key, KeyRole role) implements Op {}

  /**
   * Starts a rollover of the zone's KSK, ZSK or CSK to a new key: ZSKs by pre-publication, KSKs
   * and CSKs by double signature, the old one going once the parent's DS follows ({@link
   * ConfirmDs}).
   */
  public record Rollover(Name origin, KeyRole role) implements Op {}

  /** The parent zone now holds the DS of the new KSK or CSK: the old key may go. */
  public record ConfirmDs(Name origin) implements Op {}

  /**
   * One bounded step of a signed zone's upkeep: the key events due by now, and one batch of the
   * signatures that fall due (at most the policy's {@code resignBatch}). What the server's
   * background work commits.
   */
  public record MaintainSigning(Name origin) implements Op {}

  private final List<Op> ops;
  private final Map<String, String> meta;

  private ChangeSet(List<Op> ops, Map<String, String> meta) {
    this.ops = List.copyOf(ops);
    this.meta = Map.copyOf(meta);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The change set that makes another store's committed change happen here with the same result,
   * SOA serials included: how a secondary applies what its primary sends.
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

  public List<Op> ops() {
    return ops;
  }

  /** The metadata this change set sets; see {@link Builder#meta}. */
  public Map<String, String> meta() {
    return meta;
  }

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

    private Builder() {}

    public Builder createZone(Name origin, Collection<? extends Record> records) {
      ops.add(new CreateZone(origin, List.copyOf(records)));
      return this;
    }

    public Builder replaceZone(Name origin, Collection<? extends Record> records) {
      ops.add(new ReplaceZone(origin, List.copyOf(records)));
      return this;
    }

    /**
     * Creates the zone or replaces all of its content with this snapshot's records. Where the
     * store does not hold the zone yet, it takes the snapshot as it is rather than building it
     * again from the records: the cheap way to load a large zone.
     */
    public Builder replaceZone(Zone zone) {
      ops.add(new ReplaceZone(zone.origin(), new ZoneRecords(zone)));
      return this;
    }

    public Builder deleteZone(Name origin) {
      ops.add(new DeleteZone(origin));
      return this;
    }

    public Builder add(Record record) {
      ops.add(new Add(record));
      return this;
    }

    public Builder remove(Record record) {
      ops.add(new Remove(record));
      return this;
    }

    public Builder removeRRset(Name owner, int type) {
      ops.add(new RemoveRRset(owner, type));
      return this;
    }

    public Builder setRRset(Name owner, int type, Collection<? extends Record> records) {
      ops.add(new SetRRset(owner, type, List.copyOf(records)));
      return this;
    }

    public Builder removeName(Name owner) {
      ops.add(new RemoveName(owner));
      return this;
    }

    /** See {@link Sign}. */
    public Builder sign(Name origin, DnssecPolicy policy) {
      ops.add(new Sign(origin, policy));
      return this;
    }

    /** See {@link Unsign}. */
    public Builder unsign(Name origin) {
      ops.add(new Unsign(origin));
      return this;
    }

    /** See {@link ImportKey}. */
    public Builder importKey(Name origin, SigningKey key, KeyRole role) {
      ops.add(new ImportKey(origin, key, role));
      return this;
    }

    /** See {@link Rollover}. */
    public Builder rollover(Name origin, KeyRole role) {
      ops.add(new Rollover(origin, role));
      return this;
    }

    /** See {@link ConfirmDs}. */
    public Builder confirmDs(Name origin) {
      ops.add(new ConfirmDs(origin));
      return this;
    }

    /** See {@link MaintainSigning}. */
    public Builder maintainSigning(Name origin) {
      ops.add(new MaintainSigning(origin));
      return this;
    }

    public Builder op(Op op) {
      ops.add(op);
      return this;
    }

    /**
     * Sets a store metadata entry in the same commit as the edits; the last value set wins. Keys
     * starting with {@code dnsd.} are reserved for dnsd itself (replication bookkeeping).
     */
    public Builder meta(String key, String value) {
      if (key.isEmpty()) {
        throw new IllegalArgumentException("metadata key must not be empty");
      }
      meta.put(key, value);
      return this;
    }

    public ChangeSet build() {
      return new ChangeSet(ops, meta);
    }
  }
}
