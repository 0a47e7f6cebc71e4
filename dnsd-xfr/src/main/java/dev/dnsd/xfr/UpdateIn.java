package dev.dnsd.xfr;

import dev.dnsd.Request;
import dev.dnsd.internal.ServerConfig;
import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.RecordStore;
import dev.dnsd.store.StoreException;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Dynamic UPDATE in (RFC 2136): who may change what ({@link UpdateGrant}s by TSIG key), and the
 * commit of what {@link DynamicUpdate} makes of a permitted request. Only signed requests, and
 * only to zones this server is the primary for.
 */
final class UpdateIn {
  private static final Logger log = LoggerFactory.getLogger(UpdateIn.class);

  private final RecordStore store;
  private final Map<Name, List<UpdateGrant>> grants;
  /** Zones copied from a primary: they change only by transfer from it. */
  private final Predicate<Name> secondaryZone;
  private final Object lock = new Object();

  UpdateIn(RecordStore store, Map<Name, List<UpdateGrant>> grants, Predicate<Name> secondaryZone) {
    this.store = store;
    this.grants = grants;
    this.secondaryZone = secondaryZone;
  }

  void answer(Reply reply) throws IOException {
    Request request = reply.request();
    Message m = request.message();
    Record zoneSection = m.getQuestion();
    int rcode;
    if (m.getHeader().getCount(Section.ZONE) != 1 || zoneSection == null
        || zoneSection.getType() != Type.SOA || zoneSection.getDClass() != DClass.IN) {
      rcode = Rcode.FORMERR;
    } else if (store.zones().get(zoneSection.getName()) == null) {
      rcode = Rcode.NOTAUTH;
    } else if (secondaryZone.test(zoneSection.getName())) {
      rcode = Rcode.REFUSED;
    } else {
      List<UpdateGrant> granted = granted(zoneSection.getName(), reply.tsig());
      if (granted.isEmpty()) {
        TsigKey key = reply.tsig().key();
        log.info("UPDATE of {} from {} refused: {}", zoneSection.getName(), Responses.describe(request.client()),
            reply.tsig().verified() && key != null ? "key " + key.name() + " may not change it" : "not signed");
        rcode = Rcode.REFUSED;
      } else {
        TsigKey key = reply.tsig().key();
        String origin = "update key " + (key == null ? "?" : key.name()) + " from "
            + ServerConfig.hostPort(request.client());
        rcode = apply(m, zoneSection.getName(), granted, origin);
      }
    }
    reply.send(rcode);
  }

  private List<UpdateGrant> granted(Name zone, Tsig.Check tsig) {
    List<UpdateGrant> all = grants.get(zone);
    TsigKey key = tsig.key();
    if (all == null || !tsig.verified() || key == null) {
      return List.of();
    }
    List<UpdateGrant> out = new ArrayList<>();
    for (UpdateGrant g : all) {
      if (g.key().equals(key.name())) {
        out.add(g);
      }
    }
    return out;
  }

  /**
   * Checks and commits under one lock so that two UPDATEs never interleave between prerequisite
   * check and commit. Commits made directly through the store can still come between the two.
   */
  private int apply(Message m, Name origin, List<UpdateGrant> granted, String who) {
    synchronized (lock) {
      Zone zone = store.zones().get(origin);
      if (zone == null) {
        return Rcode.NOTAUTH;
      }
      DynamicUpdate.Outcome outcome;
      try {
        outcome = DynamicUpdate.evaluate(m, zone, r -> granted.stream().anyMatch(g -> g.allows(r)));
        ChangeSet changes = outcome.changes();
        if (changes != null) {
          ChangeSet.Builder signed = ChangeSet.builder().origin(who);
          changes.ops().forEach(signed::op);
          Change change = store.commit(signed.build());
          log.info("UPDATE of {} committed as version {}", origin, change.version());
        }
      } catch (InvalidZoneException e) {
        log.info("UPDATE of {} refused: {}", origin, e.getMessage());
        return Rcode.REFUSED;
      } catch (StoreException e) {
        log.error("UPDATE of {} could not be committed", origin, e);
        return Rcode.SERVFAIL;
      }
      return outcome.rcode();
    }
  }
}
