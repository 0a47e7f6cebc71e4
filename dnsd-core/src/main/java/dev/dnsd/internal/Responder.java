package dev.dnsd.internal;

import dev.dnsd.Replier;
import dev.dnsd.Request;
import dev.dnsd.ServerExtension;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers DNS queries authoritatively from the zones served: query bytes in, answer bytes out.
 *
 * <pre>{@code
 * Responder responder = new Responder(store::zones, ResponderConfig.defaults());
 * byte[] answer = responder.respond(buf, length, client, false, replier);
 * if (answer != null) socket.send(answer);
 * }</pre>
 *
 * <p>Thread-safe and lock-free: each query reads the zone table once and works on that immutable
 * snapshot, so a change published meanwhile is seen whole by the next query and not at all by this
 * one. {@link #respond} never throws; an unexpected failure is logged and answered SERVFAIL.
 *
 * <p>What it answers: QUERY in class IN from the zones (RFC 1034, 2308, 4592, 6672, 6604), class
 * CH TXT names from the configuration, EDNS(0) per RFC 6891 with DO and NSID (RFC 5001). Other
 * opcodes and AXFR/IXFR are offered to the configured {@link ServerExtension}s, else NOTIMP and
 * REFUSED. Responses to our own answers (QR=1) and packets shorter than a header are dropped.
 *
 * <p>ANY (RFC 8482): over UDP the answer holds one RRset at the name, the one with the lowest type
 * code, so the choice is deterministic and small; over TCP it holds every RRset at the name,
 * since size and amplification do not matter there and tools like {@code dig ANY +tcp} expect it.
 */
public final class Responder {
  private static final Logger log = LoggerFactory.getLogger(Responder.class);

  private final Supplier<ZoneTable> zones;
  private final Supplier<Set<Name>> expired;
  private final ResponderConfig config;
  private final byte @Nullable [] nsid;

  public Responder(Supplier<ZoneTable> zones, ResponderConfig config) {
    this(zones, Set::of, config);
  }

  /**
   * @param expired the origins of zones to answer SERVFAIL, read once per query: secondary zones
   *     whose primary was unreachable for the SOA expire interval
   */
  public Responder(Supplier<ZoneTable> zones, Supplier<Set<Name>> expired, ResponderConfig config) {
    this.zones = zones;
    this.expired = expired;
    this.config = config;
    this.nsid = config.nsid();
  }

  /**
   * The answer to a query as the responder builds it, before encoding: for an extension that
   * answers a signed query itself (it checks the TSIG, then signs this). Extensions are not asked.
   *
   * @throws IllegalArgumentException when the query is not one QUERY question
   */
  public Message answer(Message query, boolean tcp) {
    if (query.getHeader().getOpcode() != Opcode.QUERY || query.getHeader().getCount(Section.QUESTION) != 1) {
      throw new IllegalArgumentException("not a QUERY with one question");
    }
    Edns edns;
    try {
      edns = Edns.read(query);
    } catch (IOException e) {
      return build(query, null, Answer.withRcode(Rcode.FORMERR));
    }
    return build(query, edns, lookup(query.getQuestion(), tcp));
  }

  /**
   * Answers one request.
   *
   * @param packet the received bytes, of which the first {@code length} are the message
   * @param tcp whether it came over TCP: the answer may then be up to 65535 bytes, otherwise it
   *     fits the client's EDNS payload size (512 without EDNS) and our maximum, with TC if cut
   * @param replier how an extension that takes the request sends its answers
   * @return the encoded answer, or null when the packet is dropped or an extension took it
   */
  public byte @Nullable [] respond(
      byte[] packet, int length, InetSocketAddress client, boolean tcp, Replier replier) {
    if (length < Header.LENGTH || length > packet.length) {
      return null;
    }
    if ((packet[2] & 0x80) != 0) {
      return null; // a response: answering it could start a loop between two servers
    }
    try {
      return answer(Arrays.copyOf(packet, length), client, tcp, replier);
    } catch (RuntimeException e) {
      log.error("Answering a {}-byte query from {} failed; replying SERVFAIL", length, client, e);
      return headerOnly(packet, Rcode.SERVFAIL);
    }
  }

  private byte @Nullable [] answer(byte[] wire, InetSocketAddress client, boolean tcp, Replier replier) {
    Message query;
    Edns edns;
    try {
      query = new Message(wire);
      edns = Edns.read(query);
    } catch (IOException | IllegalArgumentException e) {
      return headerOnly(wire, Rcode.FORMERR);
    }
    int limit = tcp ? Message.MAXLENGTH : Edns.udpLimit(edns, config.maxUdpPayload());
    if (edns != null && edns.version() > 0) {
      return encode(query, edns, Answer.withRcode(Rcode.BADVERS), limit); // RFC 6891 §6.1.3
    }
    if (query.getHeader().getOpcode() != Opcode.QUERY) {
      // Before the question check: an unknown opcode may have no question (RFC 8906 §8.1.4).
      return offer(query, wire, client, tcp, replier) ? null : encode(query, edns, Answer.withRcode(Rcode.NOTIMP), limit);
    }
    if (query.getHeader().getCount(Section.QUESTION) != 1) {
      return encode(query, edns, Answer.withRcode(Rcode.FORMERR), limit);
    }
    Record question = query.getQuestion();
    int qtype = question.getType();
    if (qtype == Type.AXFR || qtype == Type.IXFR) {
      return offer(query, wire, client, tcp, replier) ? null : encode(query, edns, Answer.withRcode(Rcode.REFUSED), limit);
    }
    // A signed query wants a signed answer (RFC 8945 §5.3): the extension holding the keys makes it.
    if (query.getTSIG() != null && offer(query, wire, client, tcp, replier)) {
      return null;
    }
    return encode(query, edns, lookup(question, tcp), limit);
  }

  private Answer lookup(Record question, boolean tcp) {
    if (question.getDClass() == DClass.IN) {
      ZoneTable table = zones.get();
      Answer answer = new Lookup(table, expired.get()).find(question.getName(), question.getType(), tcp);
      Additional.addTargets(table, answer);
      return answer;
    }
    if (question.getDClass() == DClass.CH) {
      return Chaos.answer(config.chaosTxt(), question.getName(), question.getType());
    }
    return Answer.refused();
  }

  private boolean offer(Message query, byte[] wire, InetSocketAddress client, boolean tcp, Replier replier) {
    if (config.extensions().isEmpty()) {
      return false;
    }
    Request request = new Request(query, wire, client, tcp);
    for (ServerExtension extension : config.extensions()) {
      if (extension.handle(request, replier)) {
        return true;
      }
    }
    return false;
  }

  private byte[] encode(Message query, @Nullable Edns edns, Answer answer, int limit) {
    return Truncation.encode(build(query, edns, answer), limit, answer.requiredAdditional, edns != null);
  }

  /** The reply: QR=1, RA=0, with ID, opcode, RD, CD and the question copied from the query. */
  private Message build(Message query, @Nullable Edns edns, Answer answer) {
    Header in = query.getHeader();
    Message out = new Message(in.getID());
    Header header = out.getHeader();
    header.setFlag(Flags.QR);
    header.setOpcode(in.getOpcode());
    copyFlag(in, header, Flags.RD);
    copyFlag(in, header, Flags.CD);
    if (answer.authoritative) {
      header.setFlag(Flags.AA);
    }
    header.setRcode(answer.rcode & 0xF);
    if (in.getCount(Section.QUESTION) == 1) {
      out.addRecord(query.getQuestion(), Section.QUESTION);
    }
    for (Record r : answer.answer) {
      out.addRecord(r, Section.ANSWER);
    }
    for (Record r : answer.authority) {
      out.addRecord(r, Section.AUTHORITY);
    }
    for (Record r : answer.additional) {
      out.addRecord(r, Section.ADDITIONAL);
    }
    if (edns != null) {
      out.addRecord(edns.answerOpt(answer.rcode, config.maxUdpPayload(), nsid), Section.ADDITIONAL);
    }
    return out;
  }

  private static void copyFlag(Header from, Header to, int flag) {
    if (from.getFlag(flag)) {
      to.setFlag(flag);
    }
  }

  /** A reply with only a header, for a query we could not parse: ID, opcode, RD and CD copied. */
  private static byte[] headerOnly(byte[] query, int rcode) {
    byte[] out = new byte[Header.LENGTH];
    out[0] = query[0];
    out[1] = query[1];
    out[2] = (byte) (0x80 | (query[2] & 0x79)); // QR, then the query's opcode and RD
    out[3] = (byte) ((query[3] & 0x10) | rcode); // the query's CD, then the rcode
    return out;
  }
}
