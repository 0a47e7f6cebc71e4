package dev.dnsd.xfr;

import dev.dnsd.Replier;
import dev.dnsd.store.Change;
import dev.dnsd.store.RecordStore;
import dev.dnsd.store.ZoneChange;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The answers to AXFR (RFC 5936) and IXFR (RFC 1995): the record sequence from a zone snapshot and
 * the store's change log, and its encoding into one or more messages.
 */
final class TransferOut {
  /** Bytes of records per message: BIND and Knot use similar sizes, far below the 64 KiB limit. */
  static final int MESSAGE_BYTES = 16 * 1024;
  /** How far back the change log is searched for a client's serial before sending the whole zone. */
  static final int MAX_CHANGES_SCANNED = 100_000;

  private final RecordStore store;

  TransferOut(RecordStore store) {
    this.store = store;
  }

  /** AXFR: the SOA, every other record, the SOA again. */
  static List<Record> axfr(Zone zone) {
    List<Record> records = zone.records();
    List<Record> out = new ArrayList<>(records.size() + 1);
    SOARecord soa = zone.soa();
    out.add(soa);
    for (Record r : records) {
      if (r.getType() != Type.SOA) {
        out.add(r);
      }
    }
    out.add(soa);
    return out;
  }

  /**
   * IXFR for a client at {@code clientSerial}: the current SOA alone when the client is current
   * (or ahead), the difference sequences from the change log when it reaches back to that serial,
   * else the whole zone in AXFR form (RFC 1995 §4 allows that).
   */
  List<Record> ixfr(ZoneTable table, Zone zone, long clientSerial) {
    SOARecord soa = zone.soa();
    if (!Serial.newer(soa.getSerial(), clientSerial)) {
      return List.of(soa);
    }
    List<ZoneChange> history = history(zone.origin(), clientSerial, table.version());
    if (history == null || history.isEmpty()
        || history.get(history.size() - 1).newSoa() == null
        || history.get(history.size() - 1).newSoa().getSerial() != soa.getSerial()) {
      return axfr(zone);
    }
    List<Record> out = new ArrayList<>();
    out.add(soa);
    for (ZoneChange zc : history) {
      out.add(zc.oldSoa());
      addWithoutSoa(zc.removed(), out);
      out.add(zc.newSoa());
      addWithoutSoa(zc.added(), out);
    }
    out.add(soa);
    return out;
  }

  private static void addWithoutSoa(List<Record> records, List<Record> out) {
    for (Record r : records) {
      if (r.getType() != Type.SOA) {
        out.add(r);
      }
    }
  }

  /**
   * The zone's changes from the one that left {@code fromSerial} up to store version {@code upTo},
   * oldest first; null when the log does not reach back to it or the zone was created or deleted
   * on the way. Searches backwards in growing windows, because the store numbers changes by its
   * own version and not by serial.
   */
  private @Nullable List<ZoneChange> history(Name origin, long fromSerial, long upTo) {
    Deque<ZoneChange> found = new ArrayDeque<>();
    long after = upTo;
    long window = 64;
    long scanned = 0;
    while (after > 0 && scanned < MAX_CHANGES_SCANNED) {
      long from = Math.max(0, after - window);
      Optional<List<Change>> page = store.changesSince(from, (int) (after - from));
      if (page.isEmpty()) {
        // The log may still hold part of this window: narrow it before giving up.
        if (after - from <= 1) {
          return null;
        }
        window = (after - from) / 2;
        continue;
      }
      List<Change> changes = page.get();
      for (int i = changes.size() - 1; i >= 0; i--) {
        Change change = changes.get(i);
        if (change.version() > after) {
          continue;
        }
        List<ZoneChange> zones = change.zones();
        for (int j = zones.size() - 1; j >= 0; j--) {
          ZoneChange zc = zones.get(j);
          if (!zc.origin().equals(origin)) {
            continue;
          }
          if (zc.kind() != ZoneChange.Kind.MODIFIED || zc.oldSoa() == null || zc.newSoa() == null) {
            return null;
          }
          found.addFirst(zc);
          if (zc.oldSoa().getSerial() == fromSerial) {
            return new ArrayList<>(found);
          }
        }
      }
      scanned += after - from;
      after = from;
      window = Math.min(window * 2, 4096);
    }
    return null;
  }

  /**
   * Sends a transfer over TCP as a stream of messages, each signed when the request was (RFC 8945
   * §5.3.1). The question goes in the first message only (RFC 5936 §2.2.1).
   */
  static void stream(
      Message request, List<Record> records, Tsig.Check tsig, Clock clock, Replier replier)
      throws IOException {
    Tsig.Stream signer =
        tsig.verified() && tsig.key() != null ? new Tsig.Stream(tsig.key(), tsig.request(), clock) : null;
    Message message = start(request, true);
    int bytes = 0;
    for (Record r : records) {
      int size = r.toWire(Section.ANSWER).length;
      if (bytes > 0 && bytes + size > MESSAGE_BYTES) {
        send(message, signer, replier);
        message = start(request, false);
        bytes = 0;
      }
      message.addRecord(r, Section.ANSWER);
      bytes += size;
    }
    send(message, signer, replier);
  }

  /**
   * Sends an IXFR answer over UDP when it fits the client's limit; otherwise only the current SOA,
   * which tells the client to retry over TCP (RFC 1995 §2).
   */
  static void udp(
      Message request, List<Record> records, SOARecord soa, Tsig.Check tsig, Clock clock, Replier replier)
      throws IOException {
    Message message = start(request, true);
    records.forEach(r -> message.addRecord(r, Section.ANSWER));
    byte[] wire = Tsig.encode(message, tsig, clock);
    if (wire.length > Responses.udpLimit(request)) {
      Message single = start(request, true);
      single.addRecord(soa, Section.ANSWER);
      wire = Tsig.encode(single, tsig, clock);
    }
    replier.send(wire);
  }

  private static Message start(Message request, boolean withQuestion) {
    Message m = Responses.reply(request, Rcode.NOERROR);
    m.getHeader().setFlag(Flags.AA);
    if (!withQuestion) {
      m.removeAllRecords(Section.QUESTION);
    }
    return m;
  }

  private static void send(Message message, Tsig.@Nullable Stream signer, Replier replier)
      throws IOException {
    replier.send(signer == null ? message.toWire() : signer.sign(message));
  }
}
