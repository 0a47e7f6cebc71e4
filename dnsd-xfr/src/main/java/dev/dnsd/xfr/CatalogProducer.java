package dev.dnsd.xfr;

import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.RecordStore;
import dev.dnsd.store.ZoneListHook;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Catalog producer (RFC 9432): keeps a catalog zone listing every zone this server is the primary
 * for. Creating or deleting a zone changes the catalog in the same commit (a {@link ZoneListHook}),
 * so the two never disagree; at start the catalog is created, or brought in line with the zones,
 * in one commit. NOTIFY and IXFR then carry it like any zone.
 *
 * <p>Each member gets a random member node label when it is listed, so a zone deleted and created
 * again gets a new one, which tells consumers to reset what they keep of it (RFC 9432 §5.6).
 */
final class CatalogProducer implements ZoneListHook, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CatalogProducer.class);

  private final Name catalog;
  private final Map<Name, String> groups;
  private final Map<Name, Name> coo;
  private final Predicate<Name> served;
  private final SecureRandom random = new SecureRandom();
  private RecordStore.@Nullable Subscription hook;

  /**
   * @param served whether a zone in the store is one this server is the primary for (not a
   *     secondary zone); the catalog itself is never its own member
   */
  CatalogProducer(Name catalog, Map<Name, String> groups, Map<Name, Name> coo, Predicate<Name> served) {
    this.catalog = catalog;
    this.groups = Map.copyOf(groups);
    this.coo = Map.copyOf(coo);
    this.served = served;
  }

  Name catalog() {
    return catalog;
  }

  /** Whether the zone is, or would be, listed in the catalog. */
  boolean isMember(Name zone) {
    return !zone.equals(catalog) && served.test(zone);
  }

  /** Registers the hook, then creates or mends the catalog to list exactly the member zones. */
  void start(RecordStore store) {
    hook = store.addZoneListHook(this);
    ChangeSet mend = reconcile(store.zones());
    if (!mend.isEmpty()) {
      store.commit(mend);
      log.info("catalog zone {} lists {} member zone(s)", catalog, members(store.zones().get(catalog)).size());
    }
  }

  @Override
  public void close() {
    if (hook != null) {
      hook.close();
    }
  }

  @Override
  public List<ChangeSet.Op> amend(ZoneTable before, Set<Name> created, Set<Name> deleted) {
    Zone zone = before.get(catalog);
    if (zone == null || deleted.contains(catalog)) {
      return List.of();
    }
    Map<Name, Catalog.Member> listed = members(zone);
    List<ChangeSet.Op> ops = new ArrayList<>();
    for (Name origin : created) {
      if (isMember(origin) && !listed.containsKey(origin)) {
        addMember(origin, ops);
      }
    }
    for (Name origin : deleted) {
      Catalog.Member member = listed.get(origin);
      if (member != null) {
        removeMember(member, ops);
      }
    }
    return ops;
  }

  /** The change that makes the catalog list exactly the member zones, with their properties. */
  ChangeSet reconcile(ZoneTable table) {
    ChangeSet.Builder b = ChangeSet.builder().origin("catalog " + catalog);
    Zone zone = table.get(catalog);
    List<ChangeSet.Op> ops = new ArrayList<>();
    for (Zone z : table.zones()) {
      if (isMember(z.origin()) && (zone == null || !members(zone).containsKey(z.origin()))) {
        addMember(z.origin(), ops);
      }
    }
    if (zone == null) {
      List<Record> records = new ArrayList<>(apex());
      ops.forEach(op -> records.add(((ChangeSet.Add) op).record()));
      return b.createZone(catalog, records).build();
    }
    if (!Catalog.hasVersion(zone)) {
      b.setRRset(Catalog.child("version", catalog), Type.TXT, List.of(version()));
    }
    for (Map.Entry<Name, Catalog.Member> e : members(zone).entrySet()) {
      Catalog.Member m = e.getValue();
      if (!isMember(e.getKey()) || table.get(e.getKey()) == null) {
        removeMember(m, ops);
        continue;
      }
      String group = groups.get(e.getKey());
      if (!Objects.equals(group, m.group())) {
        Name owner = Catalog.child("group", m.node());
        ops.add(group == null
            ? new ChangeSet.RemoveRRset(owner, Type.TXT)
            : new ChangeSet.SetRRset(owner, Type.TXT, List.of(new TXTRecord(owner, DClass.IN, 0, group))));
      }
      Name newOwner = coo.get(e.getKey());
      if (!Objects.equals(newOwner, m.coo())) {
        Name owner = Catalog.child("coo", m.node());
        ops.add(newOwner == null
            ? new ChangeSet.RemoveRRset(owner, Type.PTR)
            : new ChangeSet.SetRRset(owner, Type.PTR,
                List.of(new org.xbill.DNS.PTRRecord(owner, DClass.IN, 0, newOwner))));
      }
    }
    ops.forEach(b::op);
    return b.build();
  }

  private void addMember(Name origin, List<ChangeSet.Op> ops) {
    Name node = Catalog.child(HexFormat.of().toHexDigits(random.nextLong()), Catalog.zones(catalog));
    for (Record r : Catalog.memberRecords(node, origin, groups.get(origin), coo.get(origin))) {
      ops.add(new ChangeSet.Add(r));
    }
  }

  private static void removeMember(Catalog.Member member, List<ChangeSet.Op> ops) {
    ops.add(new ChangeSet.RemoveName(member.node()));
    ops.add(new ChangeSet.RemoveName(Catalog.child("group", member.node())));
    ops.add(new ChangeSet.RemoveName(Catalog.child("coo", member.node())));
  }

  /** The listed members; a catalog broken by hand counts as listing none. */
  private static Map<Name, Catalog.Member> members(@Nullable Zone zone) {
    Map<Name, Catalog.Member> members = zone == null ? null : Catalog.members(zone);
    return members == null ? Map.of() : members;
  }

  /** SOA, NS "invalid." (RFC 9432 §4.1 recommends it: consumers must not rely on NS) and version. */
  private List<Record> apex() {
    try {
      Name invalid = Name.fromString("invalid.");
      return List.of(
          new SOARecord(catalog, DClass.IN, 0, invalid, invalid, 1, 3600, 600, 2419200, 0),
          new NSRecord(catalog, DClass.IN, 0, invalid),
          version());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private TXTRecord version() {
    return new TXTRecord(Catalog.child("version", catalog), DClass.IN, 0, Catalog.VERSION);
  }
}
