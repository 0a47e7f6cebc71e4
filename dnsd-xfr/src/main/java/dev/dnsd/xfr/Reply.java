package dev.dnsd.xfr;

import dev.dnsd.Replier;
import dev.dnsd.Request;
import dev.dnsd.internal.Truncation;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;

/**
 * How every handler here answers one request: signed as the request's TSIG check decided, within
 * the size limit the responder worked out for it ({@link Request#maxResponseSize()}), and with an
 * OPT record when the request had one (RFC 6891 §7), carrying the zone's EDNS EXPIRE (RFC 7314)
 * when the request asked for it and the handler named the zone.
 */
final class Reply {
  private final Request request;
  private final Tsig.Check tsig;
  private final Clock clock;
  private final Replier replier;
  private final Expiry expiry;
  private final int udpPayload;
  private long expire = -1;

  /** The EDNS EXPIRE value of a zone here, in seconds. */
  @FunctionalInterface
  interface Expiry {
    long seconds(Zone zone);
  }

  Reply(Request request, Tsig.Check tsig, Clock clock, Replier replier, int udpPayload, Expiry expiry) {
    this.request = request;
    this.tsig = tsig;
    this.clock = clock;
    this.replier = replier;
    this.udpPayload = udpPayload;
    this.expiry = expiry;
  }

  Request request() {
    return request;
  }

  Tsig.Check tsig() {
    return tsig;
  }

  /** The zone the answer is about: its EXPIRE goes into the OPT record when the request asks. */
  void about(Zone zone) {
    OPTRecord asked = request.message().getOPT();
    if (asked != null && !asked.getOptions(EDNSOption.Code.EDNS_EXPIRE).isEmpty()) {
      expire = Math.max(0, expiry.seconds(zone));
    }
  }

  /**
   * Sends one response, signed when the request was verified (RFC 8945 §5.3). One that does not
   * fit the limit is cut at whole RRsets with TC, leaving room for its TSIG record, so that the
   * client retries over TCP.
   */
  void send(Message response) throws IOException {
    withOpt(response);
    byte[] wire = Tsig.encode(response, tsig, clock);
    if (wire.length > request.maxResponseSize()) {
      // The TSIG record's size does not depend on what it signs.
      int reserve = wire.length - response.toWire().length;
      byte[] cut = Truncation.encode(response, request.maxResponseSize(), 0, reserve);
      wire = Tsig.sign(cut, tsig, clock);
    }
    replier.send(wire);
  }

  /** Whether the response, as {@link #send(Message)} would send it, fits the request's limit. */
  boolean fits(Message response) {
    withOpt(response);
    return Tsig.encode(response, tsig, clock).length <= request.maxResponseSize();
  }

  /** Sends a reply that carries only the question and this rcode. */
  void send(int rcode) throws IOException {
    send(Responses.reply(request.message(), rcode));
  }

  /**
   * Sends the messages of one multi-message response over TCP (a zone transfer), each signed in
   * sequence when the request was verified (RFC 8945 §5.3.1).
   */
  Stream stream() {
    TsigKey key = tsig.key();
    Tsig.Stream signer = tsig.verified() && key != null ? new Tsig.Stream(key, tsig.request(), clock) : null;
    return new Stream(signer);
  }

  /**
   * Gives the response the OPT record the request's EDNS calls for: ours, or the responder's
   * with EXPIRE added when asked; the DO bit echoed. Each message of a transfer carries it.
   */
  private void withOpt(Message response) {
    OPTRecord asked = request.message().getOPT();
    if (asked == null) {
      return;
    }
    OPTRecord opt = response.getOPT();
    boolean addExpire = expire >= 0 && (opt == null || opt.getOptions(EDNSOption.Code.EDNS_EXPIRE).isEmpty());
    if (opt != null && !addExpire) {
      return;
    }
    List<EDNSOption> options = new ArrayList<>(opt == null ? List.of() : opt.getOptions());
    if (addExpire) {
      options.add(new GenericEDNSOption(EDNSOption.Code.EDNS_EXPIRE, u32(expire)));
    }
    int payload = opt == null ? udpPayload : opt.getPayloadSize();
    int flags = opt == null ? asked.getFlags() & ExtendedFlags.DO : opt.getFlags();
    int extendedRcode = opt == null ? response.getRcode() >>> 4 : opt.getExtendedRcode();
    if (opt != null) {
      response.removeRecord(opt, Section.ADDITIONAL);
    }
    response.addRecord(new OPTRecord(payload, extendedRcode, 0, flags, options), Section.ADDITIONAL);
  }

  private static byte[] u32(long value) {
    long v = Math.min(value, 0xFFFFFFFFL);
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  final class Stream {
    private final Tsig.@Nullable Stream signer;

    private Stream(Tsig.@Nullable Stream signer) {
      this.signer = signer;
    }

    void send(Message message) throws IOException {
      withOpt(message);
      replier.send(signer == null ? message.toWire() : signer.sign(message));
    }
  }
}
