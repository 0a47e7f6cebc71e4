package dev.dnsd;

import java.net.InetSocketAddress;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;

/**
 * A query as a {@link QueryListener} sees it: the message received, who sent it and how, when, and
 * the answer: its rcode and bytes. Enough for a query log, dnstap included.
 *
 * <pre>{@code
 * ReceivedQuery q = ...;
 * assertThat(q.name()).isEqualTo(Name.fromString("www.example.com."));
 * assertThat(q.type()).isEqualTo(Type.AAAA);
 * assertThat(q.flag(Flags.RD)).isTrue();
 * assertThat(q.dnssecOk()).isTrue();
 * }</pre>
 *
 * @param message the request as dnsjava parsed it; this event's own copy
 * @param client the sender's address
 * @param transport how it came
 * @param rcode the answer's rcode, extended rcodes included ({@code Rcode.BADVERS}); -1 when the
 *     responder sent no answer itself (an extension took the request, or it was dropped)
 * @param server the address the query came to: the listen address (for a wildcard address, the
 *     wildcard), with the port bound
 * @param receivedAt when the server read the query
 * @param answeredAt when the responder was done with it, before the answer was sent
 * @param wire exactly the bytes received; this event's own copy
 * @param response the answer's bytes as sent, this event's own copy; null when the responder sent
 *     none itself
 */
public record ReceivedQuery(
    Message message,
    InetSocketAddress client,
    Transport transport,
    int rcode,
    InetSocketAddress server,
    Instant receivedAt,
    Instant answeredAt,
    byte[] wire,
    byte @Nullable [] response) {

  /** The transport a query came over. */
  public enum Transport {
    /** A datagram. */
    UDP,
    /** A TCP connection (RFC 7766). */
    TCP
  }

  /**
   * The question's name; null when the message has no question.
   *
   * @return the name, or null
   */
  public @Nullable Name name() {
    Record q = message.getQuestion();
    return q == null ? null : q.getName();
  }

  /**
   * The question's type ({@code org.xbill.DNS.Type}); 0 when there is no question.
   *
   * @return the type, or 0
   */
  public int type() {
    Record q = message.getQuestion();
    return q == null ? 0 : q.getType();
  }

  /**
   * The question's class ({@code org.xbill.DNS.DClass}); 0 when there is no question.
   *
   * @return the class, or 0
   */
  public int dclass() {
    Record q = message.getQuestion();
    return q == null ? 0 : q.getDClass();
  }

  /**
   * The opcode ({@code org.xbill.DNS.Opcode}).
   *
   * @return the opcode
   */
  public int opcode() {
    return message.getHeader().getOpcode();
  }

  /**
   * Whether a header flag is set: {@code Flags.RD}, {@code Flags.CD}, {@code Flags.AD}.
   *
   * @param flag the flag's number
   * @return whether the query set it
   */
  public boolean flag(int flag) {
    return message.getHeader().getFlag(flag);
  }

  /**
   * The query's EDNS record (RFC 6891): its {@link OPTRecord#getVersion() version}, {@link
   * OPTRecord#getPayloadSize() payload size}, flags and {@link OPTRecord#getOptions() options};
   * null without EDNS.
   *
   * @return the OPT record, or null
   */
  public @Nullable OPTRecord edns() {
    return message.getOPT();
  }

  /**
   * Whether the query set the DO bit (RFC 3225): it wants DNSSEC records.
   *
   * @return whether DO was set
   */
  public boolean dnssecOk() {
    OPTRecord opt = message.getOPT();
    return opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0;
  }
}
