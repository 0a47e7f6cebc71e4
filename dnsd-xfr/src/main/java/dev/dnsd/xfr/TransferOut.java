package dev.dnsd.xfr;

import dev.dnsd.Request;
import dev.dnsd.store.Change;
import dev.dnsd.store.RecordStore;
import dev.dnsd.store.ZoneChange;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Serial;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Zone transfers out: the answers to AXFR (RFC 5936) and IXFR (RFC 1995) for the clients the
 * {@link TransferAcl} allows; the record sequence from a zone snapshot and the store's change log,
 * and its encoding into one or more messages.
 */
final class TransferOut {
  private static final Logger log = LoggerFactory.getLogger(TransferOut.class);

  /** Bytes of records per message: BIND and Knot use similar sizes, far below the 64 KiB limit. */
  static final int MESSAGE_BYTES = 16 * 1024;
  /** How far back the change log is searched for a client's serial before sending the whole zone. */
  static final int MAX_CHANGES_SCANNED = 100_000;

  private final RecordStore store;
  private final TransferAcl acl;
  private final XfrStatistics stats;

  TransferOut(RecordStore store, TransferAcl acl, XfrStatistics stats) {
    this.store = store;
    this.acl = acl;
    this.stats = stats;
  }

  /** Answers an AXFR or IXFR request whose TSIG, if any, has been checked. */
  void answer(Reply reply) throws IOException {
    Request request = reply.request();
    Message m = request.message();
    Record question = m.getQuestion();
    ZoneTable table = store.zones();
    Zone zone = table.get(question.getName());
    boolean axfr = request.kind() == Request.Kind.AXFR;
    int rcode = Rcode.NOERROR;
    if (question.getDClass() != DClass.IN) {
      rcode = Rcode.FORMERR;
    } else if (zone == null) {
      rcode = Rcode.NOTAUTH; // RFC 5936 §2.2.1: not authoritative for that zone
    } else if (!acl.allows(zone.origin(), request.client(), reply.tsig())) {
      rcode = Rcode.REFUSED;
      log.info("{} of {} refused to {}", request.kind(), question.getName(), Responses.describe(request.client()));
    } else if (axfr && !request.tcp()) {
      rcode = Rcode.FORMERR; // AXFR is defined over TCP only (RFC 5936 §4.2)
    }
    if (rcode != Rcode.NOERROR || zone == null) {
      reply.send(rcode);
      return;
    }
    reply.about(zone);
    List<Record> records;
    long clientSerial = -1;
    if (axfr) {
      records = axfr(zone);
    } else {
      SOARecord clientSoa = null;
      for (Record r : m.getSection(Section.AUTHORITY)) {
        if (r instanceof SOARecord soa) {
          clientSoa = soa;
        }
      }
      if (clientSoa == null) {
        reply.send(Rcode.FORMERR);
        return;
      }
      clientSerial = clientSoa.getSerial();
      records = ixfr(table, zone, clientSerial);
    }
    if (request.tcp()) {
      stream(m, records, reply.stream());
    } else {
      udp(m, records, zone.soa(), reply);
    }
    (axfr ? stats.axfrOut : stats.ixfrOut).increment();
    stats.transferred(zone.origin(), request.client().getAddress(), clientSerial, zone.serial());
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
    if (Serial.compare(soa.getSerial(), clientSerial) <= 0) {
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
   * Sends a transfer over TCP as a stream of messages. The question goes in the first message
   * only (RFC 5936 §2.2.1).
   */
  static void stream(Message request, List<Record> records, Reply.Stream out) throws IOException {
    Message message = start(request, true);
    int bytes = 0;
    for (Record r : records) {
      int size = r.toWire(Section.ANSWER).length;
      if (bytes > 0 && bytes + size > MESSAGE_BYTES) {
        out.send(message);
        message = start(request, false);
        bytes = 0;
      }
      message.addRecord(r, Section.ANSWER);
      bytes += size;
    }
    out.send(message);
  }

  /**
   * Sends an IXFR answer over UDP when it fits the request's limit; otherwise only the current
   * SOA, which tells the client to retry over TCP (RFC 1995 §2).
   */
  static void udp(Message request, List<Record> records, SOARecord soa, Reply reply) throws IOException {
    Message message = start(request, true);
    records.forEach(r -> message.addRecord(r, Section.ANSWER));
    if (reply.fits(message)) {
      reply.send(message);
    } else {
      Message single = start(request, true);
      single.addRecord(soa, Section.ANSWER);
      reply.send(single);
    }
  }

  private static Message start(Message request, boolean withQuestion) {
    Message m = Responses.reply(request, Rcode.NOERROR);
    m.getHeader().setFlag(Flags.AA);
    if (!withQuestion) {
      m.removeAllRecords(Section.QUESTION);
    }
    return m;
  }
}
