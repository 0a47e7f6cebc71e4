package dev.dnsd.store;

import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
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

/** Turns a change set into the zones it produces and the change to log, checking every rule. */
final class ChangeApplier {
  private ChangeApplier() {}

  record Applied(ZoneTable table, Change change) {}

  static Applied apply(ZoneTable table, ChangeSet changes, long version, long nowMillis) {
    return apply(table, changes, version, nowMillis, List.of());
  }

  /** With the hooks' edits applied after the change set's own when it creates or deletes zones. */
  static Applied apply(
      ZoneTable table, ChangeSet changes, long version, long nowMillis, List<ZoneListHook> hooks) {
    Work work = new Work(table);
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
    return work.finish(version, nowMillis, changes.meta());
  }

  private static final class Work {
    private final ZoneTable before;
    private final Map<Name, Zone.Editor> editors = new LinkedHashMap<>();
    private final Set<Name> created = new HashSet<>();
    /** Created zones taken as snapshots, with the record list already made of each. */
    private final Map<Name, ZoneRecords> adopted = new HashMap<>();
    private final Map<Name, Zone> deleted = new LinkedHashMap<>();

    Work(ZoneTable before) {
      this.before = before;
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
      } else if (op instanceof ChangeSet.Add a) {
        editorFor(a.record().getName()).add(a.record());
      } else if (op instanceof ChangeSet.Remove r) {
        editorFor(r.record().getName()).remove(r.record());
      } else if (op instanceof ChangeSet.RemoveRRset r) {
        editorFor(r.owner()).removeRRset(r.owner(), r.type());
      } else if (op instanceof ChangeSet.SetRRset s) {
        editorFor(s.owner()).setRRset(s.owner(), s.type(), s.records());
      } else if (op instanceof ChangeSet.RemoveName r) {
        editorFor(r.owner()).removeName(r.owner());
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

    Applied finish(long version, long nowMillis, Map<String, String> meta) {
      ZoneTable table = before;
      List<ZoneChange> changes = new ArrayList<>();
      for (Map.Entry<Name, Zone> e : deleted.entrySet()) {
        table = table.without(e.getKey());
        changes.add(
            new ZoneChange(
                e.getKey(), ZoneChange.Kind.DELETED, e.getValue().soa(), null, List.of(), List.of()));
      }
      for (Map.Entry<Name, Zone.Editor> e : editors.entrySet()) {
        Name origin = e.getKey();
        Zone.Editor editor = e.getValue();
        if (created.contains(origin)) {
          Zone zone = editor.build();
          table = table.with(zone);
          // Unsorted: the canonical order of Zone.records() took seconds for a large zone, and
          // whoever reads a created zone's records builds a zone from them. An adopted snapshot
          // left as it was already has its list.
          ZoneRecords known = adopted.get(origin);
          List<Record> records = known != null && known.zone() == zone ? known : new ZoneRecords(zone);
          changes.add(new ZoneChange(origin, ZoneChange.Kind.CREATED, null, zone.soa(), List.of(), records));
          continue;
        }
        // The diff encodes every touched record, so it is worked out once per zone.
        List<Record> removed = new ArrayList<>(editor.removedRecords());
        List<Record> added = new ArrayList<>(editor.addedRecords());
        if (removed.isEmpty() && added.isEmpty()) {
          continue;
        }
        SOARecord oldSoa = before.get(origin).soa();
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
      }
      if (changes.isEmpty() && meta.isEmpty()) {
        return new Applied(before, new Change(before.version(), nowMillis, List.of()));
      }
      return new Applied(table.withVersion(version), new Change(version, nowMillis, changes, meta));
    }

    private static boolean hasSoa(List<Record> records) {
      for (Record r : records) {
        if (r.getType() == Type.SOA) {
          return true;
        }
      }
      return false;
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
