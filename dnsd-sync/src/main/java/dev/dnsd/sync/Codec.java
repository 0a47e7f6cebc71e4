package dev.dnsd.sync;

import dev.dnsd.dnssec.KeyRole;
import dev.dnsd.ServerStatistics;
import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.ZoneChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/** Committed changes, change sets and metrics in the protocol's encoding (PROTOCOL.md). */
final class Codec {
  private Codec() {}

  private static final int CREATE_ZONE = 1;
  private static final int REPLACE_ZONE = 2;
  private static final int DELETE_ZONE = 3;
  private static final int ADD = 4;
  private static final int REMOVE = 5;
  private static final int REMOVE_RRSET = 6;
  private static final int SET_RRSET = 7;
  private static final int REMOVE_NAME = 8;
  private static final int ROLLOVER = 9;
  private static final int CONFIRM_DS = 10;

  /** The body of a CHANGE frame. The store metadata stays behind: it is the primary's own. */
  static WireWriter change(Change change) {
    WireWriter w = new WireWriter().u64(change.version()).u64(change.committedAtMillis());
    w.u32(change.zones().size());
    for (ZoneChange zc : change.zones()) {
      w.name(zc.origin()).u8(zc.kind().code());
      w.optionalRecord(zc.oldSoa()).optionalRecord(zc.newSoa());
      w.records(zc.removed()).records(zc.added());
    }
    return w;
  }

  static Change change(WireReader r) throws ProtocolException {
    long version = r.u64();
    long committedAt = r.u64();
    int zones = r.count();
    List<ZoneChange> out = new ArrayList<>(zones);
    for (int i = 0; i < zones; i++) {
      var origin = r.name();
      int code = r.u8();
      ZoneChange.Kind kind = ZoneChange.Kind.ofCode(code);
      if (kind == null) {
        throw new ProtocolException("unknown zone change kind " + code);
      }
      SOARecord oldSoa = soa(r.optionalRecord());
      SOARecord newSoa = soa(r.optionalRecord());
      out.add(
          new ZoneChange(
              origin, kind, oldSoa, newSoa, r.records(), r.records()));
    }
    r.end();
    return new Change(version, committedAt, out);
  }

  private static @Nullable SOARecord soa(@Nullable Record record) throws ProtocolException {
    if (record == null || record instanceof SOARecord) {
      return (SOARecord) record;
    }
    throw new ProtocolException("expected an SOA record, got " + record);
  }

  static void ops(WireWriter w, ChangeSet changes) {
    w.u32(changes.ops().size());
    for (ChangeSet.Op op : changes.ops()) {
      if (op instanceof ChangeSet.CreateZone c) {
        w.u8(CREATE_ZONE).name(c.origin()).records(c.records());
      } else if (op instanceof ChangeSet.ReplaceZone c) {
        w.u8(REPLACE_ZONE).name(c.origin()).records(c.records());
      } else if (op instanceof ChangeSet.DeleteZone c) {
        w.u8(DELETE_ZONE).name(c.origin());
      } else if (op instanceof ChangeSet.Add c) {
        w.u8(ADD).record(c.record());
      } else if (op instanceof ChangeSet.Remove c) {
        w.u8(REMOVE).record(c.record());
      } else if (op instanceof ChangeSet.RemoveRRset c) {
        w.u8(REMOVE_RRSET).name(c.owner()).u16(c.type());
      } else if (op instanceof ChangeSet.SetRRset c) {
        w.u8(SET_RRSET).name(c.owner()).u16(c.type()).records(c.records());
      } else if (op instanceof ChangeSet.RemoveName c) {
        w.u8(REMOVE_NAME).name(c.owner());
      } else if (op instanceof ChangeSet.Rollover c) {
        w.u8(ROLLOVER).name(c.origin()).u8(switch (c.role()) {
          case KSK -> 1;
          case ZSK -> 2;
          case CSK -> 3;
        });
      } else if (op instanceof ChangeSet.ConfirmDs c) {
        w.u8(CONFIRM_DS).name(c.origin());
      } else {
        throw new IllegalArgumentException("the sync protocol has no encoding for " + op);
      }
    }
  }

  /** A key role by its code on the wire: 1 KSK, 2 ZSK, 3 CSK (fixed, whatever the enum's order). */
  private static KeyRole role(int code) throws ProtocolException {
    return switch (code) {
      case 1 -> KeyRole.KSK;
      case 2 -> KeyRole.ZSK;
      case 3 -> KeyRole.CSK;
      default -> throw new ProtocolException("unknown key role " + code);
    };
  }

  /** One metric of a STATISTICS answer: name, kind, description, tags, value. */
  static void metric(WireWriter w, ServerStatistics.Metric m) {
    w.string(m.name()).u8(m.kind() == ServerStatistics.Metric.Kind.COUNTER ? 1 : 2).string(m.description());
    w.u16(m.tags().size());
    m.tags().forEach((k, v) -> w.string(k).string(v));
    w.u64(Double.doubleToLongBits(m.value()));
  }

  static ServerStatistics.Metric metric(WireReader r) throws ProtocolException {
    String name = r.string();
    int kind = r.u8();
    if (kind != 1 && kind != 2) {
      throw new ProtocolException("unknown metric kind " + kind);
    }
    String description = r.string();
    int n = r.u16();
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      tags.put(r.string(), r.string());
    }
    double value = Double.longBitsToDouble(r.u64());
    try {
      return new ServerStatistics.Metric(
          name, kind == 1 ? ServerStatistics.Metric.Kind.COUNTER : ServerStatistics.Metric.Kind.GAUGE, description,
          tags, value);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("bad metric: " + e.getMessage());
    }
  }

  /** The change set a COMMIT carries, said to be made by {@code origin} (the control peer). */
  static ChangeSet ops(WireReader r, String origin) throws ProtocolException {
    int n = r.count();
    ChangeSet.Builder b = ChangeSet.builder().origin(origin);
    for (int i = 0; i < n; i++) {
      int code = r.u8();
      switch (code) {
        case CREATE_ZONE -> b.createZone(r.name(), r.records());
        case REPLACE_ZONE -> b.replaceZone(r.name(), r.records());
        case DELETE_ZONE -> b.deleteZone(r.name());
        case ADD -> b.add(r.record());
        case REMOVE -> b.remove(r.record());
        case REMOVE_RRSET -> b.removeRRset(r.name(), r.u16());
        case SET_RRSET -> b.setRRset(r.name(), r.u16(), r.records());
        case REMOVE_NAME -> b.removeName(r.name());
        case ROLLOVER -> b.rollover(r.name(), role(r.u8()));
        case CONFIRM_DS -> b.confirmDs(r.name());
        default -> throw new ProtocolException("unknown change set operation " + code);
      }
    }
    return b.build();
  }
}
