package dev.dnsd.store;

import dev.dnsd.dnssec.Signer;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Turns a change set into the zones it produces and the change to log, checking every rule. For
 * a zone the store signs, the change carries the signatures and denial records of what it
 * changed (the write path signs, so that no reader and no secondary sees a zone half-signed).
 */
final class ChangeApplier {
  private ChangeApplier() {}

  /**
   * @param signing the DNSSEC state of every signed zone after the change
   * @param rows the stored DNSSEC state that changed, to persist with the change
   */
  record Applied(ZoneTable table, Change change, Map<Name, ZoneKeys> signing, List<SigningRow> rows) {}

  static Applied apply(ZoneTable table, ChangeSet changes, long version, Instant now) {
    return apply(table, Map.of(), changes, version, now, List.of());
  }

  /**
   * With the hooks' edits applied after the change set's own when it creates or deletes zones,
   * and the zones the store signs signed.
   */
  static Applied apply(
      ZoneTable table, Map<Name, ZoneKeys> signing, ChangeSet changes, long version, Instant now,
      List<ZoneListHook> hooks) {
    Work work = new Work(table, signing, now);
    for (ChangeSet.Op op : changes.ops()) {
      work.apply(op);
    }
    if (!hooks.isEmpty()) {
      Set<Name> created = work.createdOrigins();
      Set<Name> deleted = work.deletedOrigins();
      if (!created.isEmpty() || !deleted.isEmpty()) {
        for (ZoneListHook hook : hooks) {
          for (ChangeSet.Op op : hook.amend(table, created, deleted)) {
            work.apply(op);
          }
        }
      }
    }
    return work.finish(version, changes.meta());
  }

  private static final class Work {
    private final ZoneTable before;
    private final Map<Name, ZoneKeys> signingBefore;
    private final Instant now;
    private final Map<Name, Zone.Editor> editors = new LinkedHashMap<>();
    private final Set<Name> created = new HashSet<>();
    /** Created zones taken as snapshots, with the record list already made of each. */
    private final Map<Name, ZoneRecords> adopted = new HashMap<>();
    private final Map<Name, Zone> deleted = new LinkedHashMap<>();
    /** DNSSEC state set by this change set; a null value: the zone is no longer signed. */
    private final Map<Name, @Nullable ZoneKeys> signing = new HashMap<>();
    /** Zones whose content was replaced or that began to be signed: they are signed whole. */
    private final Set<Name> signWhole = new HashSet<>();
    private final Set<Name> maintain = new HashSet<>();
    /** What the maintenance step's batch of re-signing found, by zone. */
    private final Map<Name, Zone.Editor.Sweep> sweeps = new HashMap<>();

    Work(ZoneTable before, Map<Name, ZoneKeys> signingBefore, Instant now) {
      this.before = before;
      this.signingBefore = signingBefore;
      this.now = now;
    }

    void apply(ChangeSet.Op op) {
      if (op instanceof ChangeSet.CreateZone c) {
        if (live(c.origin())) {
          throw new InvalidZoneException("zone " + c.origin() + " exists already");
        }
        startZone(c.origin()).addAll(c.records());
      } else if (op instanceof ChangeSet.ReplaceZone r) {
        if (live(r.origin())) {
          editor(r.origin()).clear().addAll(r.records());
          signWhole.add(r.origin());
        } else if (r.records() instanceof ZoneRecords z && z.zone().origin().equals(r.origin())) {
          adoptZone(z);
        } else {
          startZone(r.origin()).addAll(r.records());
        }
      } else if (op instanceof ChangeSet.DeleteZone d) {
        if (!live(d.origin())) {
          throw new InvalidZoneException("no zone " + d.origin() + " to delete");
        }
        editors.remove(d.origin());
        created.remove(d.origin());
        adopted.remove(d.origin());
        Zone existing = before.get(d.origin());
        if (existing != null) {
          deleted.put(d.origin(), existing);
        }
        if (keys(d.origin()) != null) {
          signing.put(d.origin(), null);
        }
      } else if (op instanceof ChangeSet.Add a) {
        recordEditor(a.record().getName(), a.record().getType()).add(a.record());
      } else if (op instanceof ChangeSet.Remove r) {
        recordEditor(r.record().getName(), r.record().getType()).remove(r.record());
      } else if (op instanceof ChangeSet.RemoveRRset r) {
        recordEditor(r.owner(), r.type()).removeRRset(r.owner(), r.type());
      } else if (op instanceof ChangeSet.SetRRset s) {
        recordEditor(s.owner(), s.type()).setRRset(s.owner(), s.type(), s.records());
      } else if (op instanceof ChangeSet.RemoveName r) {
        editorFor(r.owner()).removeName(r.owner());
      } else {
        applySigning(op);
      }
    }

    private void applySigning(ChangeSet.Op op) {
      if (op instanceof ChangeSet.Sign s) {
        Name origin = requireZone(s.origin(), "sign");
        ZoneKeys ks = keys(origin);
        if (ks == null || ks.policy == null) {
          signWhole.add(origin);
        }
        signing.put(origin, (ks == null ? ZoneKeys.unsigned(origin) : ks).withPolicy(s.policy()));
      } else if (op instanceof ChangeSet.Unsign u) {
        Name origin = requireZone(u.origin(), "unsign");
        if (keys(origin) != null) {
          signing.put(origin, null);
        }
      } else if (op instanceof ChangeSet.ImportKey i) {
        Name origin = requireZone(i.origin(), "import a key into");
        ZoneKeys ks = keys(origin);
        boolean signedAlready = ks != null && ks.policy != null && !ks.keys.isEmpty();
        signing.put(origin, (ks == null ? ZoneKeys.unsigned(origin) : ks).importKey(i.key(), i.role(), now, signedAlready));
      } else if (op instanceof ChangeSet.Rollover r) {
        Name origin = requireZone(r.origin(), "roll the keys of");
        signing.put(origin, signed(origin).rollover(r.role(), now));
      } else if (op instanceof ChangeSet.ConfirmDs c) {
        Name origin = requireZone(c.origin(), "confirm the DS of");
        signing.put(origin, signed(origin).confirmDs(now));
      } else if (op instanceof ChangeSet.MaintainSigning m) {
        if (live(m.origin()) && keys(m.origin()) != null) {
          editor(m.origin());
          maintain.add(m.origin());
        }
      }
    }

    /** Zones that were not there before and are now. */
    Set<Name> createdOrigins() {
      Set<Name> out = new LinkedHashSet<>();
      for (Name origin : created) {
        if (before.get(origin) == null) {
          out.add(origin);
        }
      }
      return out;
    }

    /** Zones that were there before and are not now. */
    Set<Name> deletedOrigins() {
      Set<Name> out = new LinkedHashSet<>();
      for (Name origin : deleted.keySet()) {
        if (!live(origin)) {
          out.add(origin);
        }
      }
      return out;
    }

    private Name requireZone(Name origin, String doing) {
      if (!live(origin)) {
        throw new InvalidZoneException("no zone " + origin + " to " + doing);
      }
      editor(origin);
      return origin;
    }

    /** The zone's DNSSEC state as this change set has it so far. */
    private @Nullable ZoneKeys keys(Name origin) {
      return signing.containsKey(origin) ? signing.get(origin) : signingBefore.get(origin);
    }

    private ZoneKeys signed(Name origin) {
      ZoneKeys ks = keys(origin);
      if (ks == null || ks.policy == null || ks.keys.isEmpty()) {
        throw new InvalidZoneException("zone " + origin + " is not signed");
      }
      return ks;
    }

    Applied finish(long version, Map<String, String> meta) {
      ZoneTable table = before;
      List<ZoneChange> changes = new ArrayList<>();
      Map<Name, ZoneKeys> signingAfter = new HashMap<>(signingBefore);
      for (Map.Entry<Name, Zone> e : deleted.entrySet()) {
        table = table.without(e.getKey());
        changes.add(
            new ZoneChange(
                e.getKey(), ZoneChange.Kind.DELETED, e.getValue().soa(), null, List.of(), List.of()));
      }
      for (Map.Entry<Name, Zone.Editor> e : editors.entrySet()) {
        Name origin = e.getKey();
        Zone.Editor editor = e.getValue();
        ZoneKeys ks = keys(origin);
        if (ks != null) {
          ks = ks.ensureKeys(now).advance(now);
        }
        if (created.contains(origin)) {
          Zone zone;
          if (ks != null) {
            editor.signAll(ks.signer(now));
            ks = ks.signedWhole(now).applied(now);
            zone = editor.build();
            signingAfter.put(origin, ks);
          } else {
            zone = editor.build();
          }
          table = table.with(zone);
          // Unsorted: the canonical order of Zone.records() took seconds for a large zone, and
          // whoever reads a created zone's records builds a zone from them. An adopted snapshot
          // left as it was already has its list.
          ZoneRecords known = adopted.get(origin);
          List<Record> records = known != null && known.zone() == zone ? known : new ZoneRecords(zone);
          changes.add(new ZoneChange(origin, ZoneChange.Kind.CREATED, null, zone.soa(), List.of(), records));
          continue;
        }
        SOARecord oldSoa = before.get(origin).soa();
        boolean wasSigned = signingBefore.get(origin) != null;
        if (ks == null && !wasSigned) {
          // The diff encodes every touched record, so it is worked out once per zone.
          List<Record> removed = new ArrayList<>(editor.removedRecords());
          List<Record> added = new ArrayList<>(editor.addedRecords());
          if (removed.isEmpty() && added.isEmpty()) {
            continue;
          }
          if (!hasSoa(removed) && !hasSoa(added)) {
            // The SOA RRset was untouched, so the bump adds exactly this pair to the diff, last.
            SOARecord newSoa = nextSerial(oldSoa);
            editor.add(newSoa);
            removed.add(oldSoa);
            added.add(newSoa);
          }
          Zone zone = editor.build();
          table = table.with(zone);
          changes.add(new ZoneChange(origin, ZoneChange.Kind.MODIFIED, oldSoa, zone.soa(), removed, added));
          continue;
        }
        boolean changed = signZone(origin, editor, oldSoa, ks);
        if (ks != null) {
          ks = maintain.contains(origin) ? maintained(editor, ks) : ks;
          if (signWhole.contains(origin)) {
            ks = ks.signedWhole(now);
          }
          signingAfter.put(origin, ks.applied(now));
        } else {
          signingAfter.remove(origin);
        }
        if (changed) {
          Zone zone = editor.build();
          table = table.with(zone);
          changes.add(new ZoneChange(origin, ZoneChange.Kind.MODIFIED, oldSoa, zone.soa(),
              editor.removedRecords(), editor.addedRecords()));
        }
      }
      for (Name origin : deleted.keySet()) {
        signingAfter.remove(origin);
      }
      List<SigningRow> rows = new ArrayList<>();
      for (Map.Entry<Name, ZoneKeys> e : signingAfter.entrySet()) {
        if (!e.getValue().sameStored(signingBefore.get(e.getKey()))) {
          rows.add(new SigningRow(e.getKey(), ZoneKeysCodec.encode(e.getValue())));
        }
      }
      for (Name origin : signingBefore.keySet()) {
        if (!signingAfter.containsKey(origin)) {
          rows.add(new SigningRow(origin, null));
        }
      }
      Map<Name, ZoneKeys> after = Map.copyOf(signingAfter);
      if (changes.isEmpty() && meta.isEmpty()) {
        return new Applied(before, new Change(before.version(), now.toEpochMilli(), List.of()), after, rows);
      }
      return new Applied(table.withVersion(version), new Change(version, now.toEpochMilli(), changes, meta), after, rows);
    }

    /**
     * Signs (or unsigns) what the edit did to a zone the store signed before or signs now, and
     * bumps the serial when anything changed. Returns whether the zone changed.
     */
    private boolean signZone(Name origin, Zone.Editor editor, SOARecord oldSoa, @Nullable ZoneKeys ks) {
      List<Record> removed = editor.removedRecords();
      List<Record> added = editor.addedRecords();
      boolean soaTouched = hasSoa(removed) || hasSoa(added);
      boolean bumped = false;
      // Only the DNSSEC records that a replacement of the whole zone took away: the signer
      // restores them, and an identical replacement stays no change at all.
      if (!soaTouched && (hasData(removed) || hasData(added))) {
        editor.add(nextSerial(oldSoa));
        bumped = true;
      }
      Signer signer = ks == null ? null : ks.signer(now);
      if (signer == null) {
        editor.unsign();
      } else if (signWhole.contains(origin)) {
        editor.signAll(signer);
      } else {
        editor.sign(signer);
      }
      if (signer != null && maintain.contains(origin) && ks.sweepDue(now)) {
        sweeps.put(origin, editor.resign(signer, ks.startPass(now).sweep.cursor(), ks.policy().resignBatch() * 20));
      }
      if (!editor.changed()) {
        return false;
      }
      if (!bumped && !soaTouched) {
        editor.add(nextSerial(oldSoa));
        if (signer != null) {
          editor.sign(signer);
        }
      }
      return true;
    }

    private ZoneKeys maintained(Zone.Editor editor, ZoneKeys ks) {
      Zone.Editor.Sweep batch = sweeps.get(editor.origin());
      if (batch == null) {
        return ks;
      }
      return ks.startPass(now).afterBatch(batch, now);
    }

    private static boolean hasSoa(List<Record> records) {
      for (Record r : records) {
        if (r.getType() == Type.SOA) {
          return true;
        }
      }
      return false;
    }

    /** Whether the records hold data, not only the DNSSEC records the signer makes. */
    private static boolean hasData(List<Record> records) {
      for (Record r : records) {
        if (!isDnssecType(r.getType())) {
          return true;
        }
      }
      return false;
    }

    static boolean isDnssecType(int type) {
      return type == Type.RRSIG || type == Type.NSEC || type == Type.NSEC3 || type == Type.NSEC3PARAM
          || Signer.isKeyType(type);
    }

    /**
     * The serial plus one in RFC 1982 arithmetic: 2^32-1 is followed by 0. Not dnsjava's {@code
     * Serial.increment}, which goes from 2^32-1 to 1: RFC 1982 gives 0 no special meaning, and
     * a secondary compares serials with the same arithmetic either way.
     */
    private static SOARecord nextSerial(SOARecord soa) {
      return new SOARecord(
          soa.getName(),
          soa.getDClass(),
          soa.getTTL(),
          soa.getHost(),
          soa.getAdmin(),
          (soa.getSerial() + 1) & 0xFFFFFFFFL,
          soa.getRefresh(),
          soa.getRetry(),
          soa.getExpire(),
          soa.getMinimum());
    }

    private boolean live(Name origin) {
      return editors.containsKey(origin)
          || (before.get(origin) != null && !deleted.containsKey(origin));
    }

    private Zone.Editor startZone(Name origin) {
      Zone.Editor editor = Zone.empty(origin).edit();
      editors.put(origin, editor);
      created.add(origin);
      return editor;
    }

    /** A new zone from a snapshot that already passed every rule: nothing to build or check. */
    private void adoptZone(ZoneRecords snapshot) {
      Zone zone = snapshot.zone();
      editors.put(zone.origin(), zone.edit());
      created.add(zone.origin());
      adopted.put(zone.origin(), snapshot);
    }

    private Zone.Editor editor(Name origin) {
      Zone.Editor editor = editors.get(origin);
      if (editor == null) {
        editor = before.get(origin).edit();
        editors.put(origin, editor);
      }
      return editor;
    }

    /** The editor for a record edit, which in a zone the store signs may not be of DNSSEC's own records. */
    private Zone.Editor recordEditor(Name owner, int type) {
      Zone.Editor editor = editorFor(owner);
      if (isDnssecType(type) && keys(editor.origin()) != null) {
        throw new InvalidZoneException(
            "zone " + editor.origin() + " is signed by dnsd: its " + Type.string(type)
                + " records are the signer's, not to be edited (" + owner + ")");
      }
      return editor;
    }

    private Zone.Editor editorFor(Name owner) {
      @Nullable Name origin = null;
      for (int skip = 0; skip < owner.labels(); skip++) {
        Name candidate = skip == 0 ? owner : new Name(owner, skip);
        if (live(candidate)) {
          origin = candidate;
          break;
        }
      }
      if (origin == null) {
        throw new InvalidZoneException("no zone here holds " + owner);
      }
      return editor(origin);
    }
  }
}
