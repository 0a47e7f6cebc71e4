package dev.dnsd.internal;

import dev.dnsd.Replier;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Builds zones from master-format text, sends queries to a Responder, and reads the answers. */
final class Fixture {
  static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.99", 5353);

  /** A replier for tests where no extension answers; sending through it is a test failure. */
  static final Replier NO_REPLIER =
      wire -> {
        throw new AssertionError("nothing should reply through the replier");
      };

  private Fixture() {}

  /**
   * A zone from master-format lines, after an SOA (TTL 3600, MINIMUM 300) and an NS record at the
   * apex ({@code ns1.<origin>}) that every test zone needs.
   */
  static Zone zone(String origin, String... lines) {
    StringBuilder text = new StringBuilder();
    text.append("$ORIGIN ").append(origin).append('\n');
    text.append("$TTL 3600\n");
    text.append("@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n");
    text.append("@ NS ns1\n");
    for (String line : lines) {
      text.append(line).append('\n');
    }
    return Zone.of(name(origin), parse(text.toString(), origin));
  }

  static ZoneTable table(Zone... zones) {
    ZoneTable table = ZoneTable.empty();
    for (Zone z : zones) {
      table = table.with(z);
    }
    return table;
  }

  static List<Record> parse(String text, String origin) {
    List<Record> records = new ArrayList<>();
    try (Master master =
        new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), name(origin), 3600)) {
      for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
        records.add(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }

  static Name name(String text) {
    try {
      return Name.fromString(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A query as an authoritative server sees it from a resolver: RD=0, no EDNS. */
  static Message query(String name, int type) {
    return query(name, type, DClass.IN);
  }

  static Message query(String name, int type, int dclass) {
    Message q = Message.newQuery(Record.newRecord(name(name), type, dclass));
    q.getHeader().unsetFlag(Flags.RD);
    return q;
  }

  /** The query with an OPT record added. */
  static Message withEdns(Message query, int payload, int version, int flags, EDNSOption... options) {
    query.addRecord(new OPTRecord(payload, 0, version, flags, options), Section.ADDITIONAL);
    return query;
  }

  /** Sends the query to the responder over UDP or TCP and parses what comes back. */
  static Message ask(Responder responder, Message query, boolean tcp) {
    byte[] wire = query.toWire();
    byte[] answer = responder.respond(wire, wire.length, CLIENT, tcp, NO_REPLIER);
    if (answer == null) {
      throw new AssertionError("the query was dropped");
    }
    return parse(answer);
  }

  static Message udp(Responder responder, Message query) {
    return ask(responder, query, false);
  }

  static Message udp(ZoneTable table, String name, int type) {
    return udp(new Responder(() -> table, ServerConfig.defaults()), query(name, type));
  }

  static Message parse(byte @Nullable [] answer) {
    if (answer == null) {
      throw new AssertionError("no answer");
    }
    try {
      return new Message(answer);
    } catch (IOException e) {
      throw new AssertionError("the answer does not parse", e);
    }
  }

  /** A section's records as single-spaced master-format lines, OPT left out. */
  static List<String> section(Message m, int section) {
    List<String> out = new ArrayList<>();
    for (Record r : m.getSection(section)) {
      if (!(r instanceof OPTRecord)) {
        out.add(r.toString().replaceAll("\\s+", " "));
      }
    }
    return out;
  }

  static List<String> answer(Message m) {
    return section(m, Section.ANSWER);
  }

  static List<String> authority(Message m) {
    return section(m, Section.AUTHORITY);
  }

  static List<String> additional(Message m) {
    return section(m, Section.ADDITIONAL);
  }

  static boolean aa(Message m) {
    return m.getHeader().getFlag(Flags.AA);
  }

  static boolean tc(Message m) {
    return m.getHeader().getFlag(Flags.TC);
  }
}
