package dev.dnsd;

import java.net.InetSocketAddress;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Type;

/**
 * A parsed request as a {@link ServerExtension} sees it, with what the responder decided about it
 * when it first read it: its {@link Kind} and the most bytes a response may have.
 *
 * <pre>{@code
 * public boolean handle(Request request, Replier replier) throws IOException {
 *   if (request.kind() != Request.Kind.NOTIFY) {
 *     return false;
 *   }
 *   Message reply = ...;
 *   replier.send(reply.toWire(request.maxResponseSize()));
 *   return true;
 * }
 * }</pre>
 *
 * @param kind what the request asks for
 * @param message the parsed message
 * @param wire exactly the bytes received, which a TSIG check needs
 * @param client the sender's address
 * @param tcp whether it came over TCP (a zone transfer may stream many messages only then)
 * @param maxResponseSize the most bytes one response may have: 65535 over TCP; over UDP the
 *     client's EDNS payload size (512 without EDNS), at most the server's {@code maxUdpPayload}
 */
public record Request(
    Kind kind, Message message, byte[] wire, InetSocketAddress client, boolean tcp, int maxResponseSize) {

  /** What a request asks for: the one classification every part of the server goes by. */
  public enum Kind {
    /**
     * A QUERY for data (opcode QUERY, not a zone transfer, unsigned). The responder answers it
     * itself, but for an SOA query asking for EDNS EXPIRE (RFC 7314), which it offers to the
     * extensions first, since the zone-transfer extension knows the value.
     */
    QUERY,
    /** A QUERY for data that carries a TSIG record, whose answer must be signed (RFC 8945). */
    SIGNED_QUERY,
    /** A full zone transfer (RFC 5936), signed or not. */
    AXFR,
    /** An incremental zone transfer (RFC 1995), signed or not. */
    IXFR,
    /** A NOTIFY (RFC 1996). */
    NOTIFY,
    /** A dynamic UPDATE (RFC 2136). */
    UPDATE,
    /** Any other opcode (IQUERY, STATUS, DSO, unassigned ones). */
    OTHER;

    /**
     * The kind of a request with this opcode, question type (any value when there is no
     * question) and TSIG record or none.
     *
     * @param opcode the header's opcode
     * @param qtype the question's type
     * @param signed whether the message has a TSIG record
     * @return the kind
     */
    public static Kind of(int opcode, int qtype, boolean signed) {
      return switch (opcode) {
        case Opcode.QUERY -> qtype == Type.AXFR ? AXFR : qtype == Type.IXFR ? IXFR : signed ? SIGNED_QUERY : QUERY;
        case Opcode.NOTIFY -> NOTIFY;
        case Opcode.UPDATE -> UPDATE;
        default -> OTHER;
      };
    }
  }
}
