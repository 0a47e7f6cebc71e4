package dev.dnsd.xfr;

import dev.dnsd.zone.RRset;
import dev.dnsd.zone.Zone;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * A catalog zone's content as RFC 9432 (schema version 2) lays it out: {@code version.$CATZ TXT
 * "2"}, and one member node {@code <unique-N>.zones.$CATZ PTR member.} per member zone, with its
 * properties below it ({@code group.<unique-N>... TXT}, {@code coo.<unique-N>... PTR}). What the
 * producer writes and the consumer reads, in one place.
 */
final class Catalog {
  static final String VERSION = "2";

  /**
   * One member zone as listed.
   *
   * @param node the member node's name, {@code <unique-N>.zones.$CATZ}
   * @param group its {@code group} property, or null
   * @param coo its {@code coo} property, the catalog it moves to, or null
   */
  record Member(Name node, @Nullable String group, @Nullable Name coo) {
    /** The member node's label: what tells a reset (a new label) from the same member. */
    String id() {
      return node.getLabelString(0);
    }
  }

  private Catalog() {}

  static Name zones(Name catalog) {
    return child("zones", catalog);
  }

  static Name child(String label, Name parent) {
    try {
      return Name.concatenate(Name.fromConstantString(label), parent);
    } catch (NameTooLongException e) {
      throw new IllegalArgumentException("name too long: " + label + "." + parent, e);
    }
  }

  /**
   * The member zones of a catalog zone, by name; null when the zone is not a version 2 catalog
   * or is broken (a member node or {@code coo} with more than one PTR, two nodes for one zone):
   * RFC 9432 §4.2 and §5 say such a catalog is not processed at all.
   */
  static @Nullable Map<Name, Member> read(Zone zone) {
    return hasVersion(zone) ? members(zone) : null;
  }

  /** Whether the zone says it is a catalog of schema version 2. */
  static boolean hasVersion(Zone zone) {
    RRset version = zone.rrset(child("version", zone.origin()), Type.TXT);
    return version != null && version.records().stream()
        .anyMatch(r -> ((TXTRecord) r).getStrings().equals(List.of(VERSION)));
  }

  /** The member nodes whatever the version record says; null when broken. */
  static @Nullable Map<Name, Member> members(Zone zone) {
    Name catalog = zone.origin();
    Name zones = zones(catalog);
    Map<Name, Member> members = new LinkedHashMap<>();
    boolean[] broken = {false};
    zone.forEachRRset(rrset -> {
      Name owner = rrset.owner();
      if (rrset.type() != Type.PTR || owner.labels() != zones.labels() + 1 || !owner.subdomain(zones)) {
        return;
      }
      if (rrset.records().size() != 1) {
        broken[0] = true;
        return;
      }
      Name member = ((PTRRecord) rrset.records().get(0)).getTarget();
      RRset coo = zone.rrset(child("coo", owner), Type.PTR);
      RRset group = zone.rrset(child("group", owner), Type.TXT);
      if ((coo != null && coo.records().size() != 1) || members.containsKey(member)) {
        broken[0] = true;
        return;
      }
      String groupValue = null;
      if (group != null && group.records().size() == 1) {
        List<String> strings = ((TXTRecord) group.records().get(0)).getStrings();
        groupValue = strings.size() == 1 ? strings.get(0) : null;
      }
      members.put(member, new Member(owner, groupValue,
          coo == null ? null : ((PTRRecord) coo.records().get(0)).getTarget()));
    });
    return broken[0] ? null : members;
  }

  /** The records of a member node and its properties, as the producer writes them. */
  static List<Record> memberRecords(Name node, Name member, @Nullable String group, @Nullable Name coo) {
    List<Record> out = new java.util.ArrayList<>();
    out.add(new PTRRecord(node, DClass.IN, 0, member));
    if (group != null) {
      out.add(new TXTRecord(child("group", node), DClass.IN, 0, group));
    }
    if (coo != null) {
      out.add(new PTRRecord(child("coo", node), DClass.IN, 0, coo));
    }
    return out;
  }
}
