package dev.dnsd.xfr;

import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.RecordStore;
import dev.dnsd.store.ZoneChange;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * Catalog consumer (RFC 9432): for each catalog zone this server copies from a primary, follows
 * the member zones it lists as secondary zones of the same primary with the same key, adding and
 * removing them as the catalog changes. A member whose node label changes is reset (its data
 * deleted and transferred anew, §5.6); a member listed by two catalogs stays with the first
 * unless that one names the other in a {@code coo} property (§5.4). A member zone's transfers
 * commit which catalog owns it as store metadata, so that after a restart the same zones are
 * followed and a member removed while the server was down is deleted. The {@code group}
 * property is read and not acted on: every member is configured alike.
 */
final class CatalogConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CatalogConsumer.class);
  /** Store metadata key prefix: {@code dnsd.catalog.member.ZONE} = {@code CATALOG LABEL}, or empty. */
  static final String META = "dnsd.catalog.member.";

  private final Map<Name, NotifyIn.Config> catalogs;
  private final NotifyIn notifyIn;
  private final RecordStore store;
  private final ScheduledExecutorService timers;
  /** The member zones followed, by name: which catalog owns each and under which label. */
  private final Map<Name, Owner> owners = new HashMap<>();
  private RecordStore.@Nullable Subscription subscription;
  private boolean closed;

  private record Owner(Name catalog, String id) {
    String meta() {
      return catalog + " " + id;
    }
  }

  CatalogConsumer(Map<Name, NotifyIn.Config> catalogs, NotifyIn notifyIn, RecordStore store,
      ScheduledExecutorService timers) {
    this.catalogs = new LinkedHashMap<>(catalogs);
    this.notifyIn = notifyIn;
    this.store = store;
    this.timers = timers;
  }

  /** Whether the zone is a catalog consumed here. */
  boolean isCatalog(Name zone) {
    return catalogs.containsKey(zone);
  }

  /**
   * Follows again the member zones the store says a consumed catalog owns, then reads each
   * catalog held, and from then on every change of one.
   */
  synchronized void start() {
    subscription = store.subscribe(this::committed);
    for (Zone zone : store.zones().zones()) {
      Owner owner = ownerInStore(zone.origin());
      if (owner != null && catalogs.containsKey(owner.catalog())) {
        owners.put(zone.origin(), owner);
        follow(zone.origin(), owner);
      }
    }
    catalogs.keySet().forEach(this::read);
  }

  /** Runs on the committing thread: hands the catalog's reading to the timers' thread. */
  private void committed(Change change, ZoneTable after) {
    for (ZoneChange zc : change.zones()) {
      if (catalogs.containsKey(zc.origin())) {
        timers.execute(() -> read(zc.origin()));
      }
    }
  }

  /** Brings the members followed for one catalog in line with what it lists now. */
  synchronized void read(Name catalog) {
    if (closed) {
      return;
    }
    Zone zone = store.zones().get(catalog);
    if (zone == null) {
      return; // not transferred yet
    }
    Map<Name, Catalog.Member> listed = Catalog.read(zone);
    if (listed == null) {
      log.warn("catalog zone {} is not a version {} catalog or is broken (RFC 9432 §5): its member"
          + " zones are left as they are", catalog, Catalog.VERSION);
      return;
    }
    for (Map.Entry<Name, Catalog.Member> e : listed.entrySet()) {
      Name member = e.getKey();
      Owner wanted = new Owner(catalog, e.getValue().id());
      Owner current = owners.get(member);
      if (current == null) {
        if (store.zones().get(member) != null || notifyIn.follows(member) || catalogs.containsKey(member)) {
          log.warn("catalog {} lists {}, which is served here already: not taken (RFC 9432 §5.3)",
              catalog, member);
          continue;
        }
        owners.put(member, wanted);
        follow(member, wanted);
        log.info("catalog {}: following member zone {}", catalog, member);
      } else if (current.catalog().equals(catalog)) {
        if (!current.id().equals(wanted.id())) {
          log.info("catalog {}: member zone {} has a new label; resetting it", catalog, member);
          drop(member, current);
          owners.put(member, wanted);
          follow(member, wanted);
        }
      } else if (moves(member, current.catalog(), catalog)) {
        log.info("member zone {} moves from catalog {} to {}", member, current.catalog(), catalog);
        if (!current.id().equals(wanted.id())) {
          drop(member, current);
        } else {
          notifyIn.unfollow(member);
        }
        owners.put(member, wanted);
        follow(member, wanted);
      } else {
        log.warn("catalogs {} and {} both list {}: it stays with {} (RFC 9432 §5.3)",
            current.catalog(), catalog, member, current.catalog());
      }
    }
    for (Map.Entry<Name, Owner> e : Set.copyOf(owners.entrySet())) {
      if (e.getValue().catalog().equals(catalog) && !listed.containsKey(e.getKey())) {
        log.info("catalog {}: member zone {} is no longer listed; deleting it", catalog, e.getKey());
        drop(e.getKey(), e.getValue());
        owners.remove(e.getKey());
      }
    }
  }

  /** Whether the catalog owning a member names the other one as its new owner (coo, §5.4). */
  private boolean moves(Name member, Name from, Name to) {
    Zone old = store.zones().get(from);
    Map<Name, Catalog.Member> listed = old == null ? null : Catalog.read(old);
    Catalog.Member m = listed == null ? null : listed.get(member);
    return m != null && to.equals(m.coo());
  }

  private void follow(Name member, Owner owner) {
    NotifyIn.Config config = catalogs.get(owner.catalog());
    notifyIn.follow(member, config, Map.of(META + member, owner.meta()));
  }

  /** Stops following a member and deletes its data, with the record of who owned it. */
  private void drop(Name member, Owner owner) {
    notifyIn.unfollow(member);
    ChangeSet.Builder b = ChangeSet.builder().origin("catalog consumer: " + member + " left its catalog")
        .meta(META + member, "");
    if (store.zones().get(member) != null && owner.meta().equals(store.meta(META + member))) {
      b.deleteZone(member);
    }
    store.commit(b.build());
  }

  private @Nullable Owner ownerInStore(Name zone) {
    String value = store.meta(META + zone);
    if (value == null || value.isEmpty()) {
      return null;
    }
    String[] parts = value.split(" ", 2);
    try {
      return new Owner(Name.fromString(parts[0]), parts.length > 1 ? parts[1] : "");
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** The member zones followed, for tests. */
  synchronized List<Name> members() {
    return List.copyOf(owners.keySet());
  }

  /** The catalog that owns a member zone, or null; for tests. */
  synchronized @Nullable Name ownerOf(Name member) {
    Owner owner = owners.get(member);
    return owner == null ? null : owner.catalog();
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (subscription != null) {
      subscription.close();
    }
  }
}
