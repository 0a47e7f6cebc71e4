package dev.dnsd.xfr;

import dev.dnsd.Replier;
import dev.dnsd.Request;
import java.io.IOException;
import java.time.Clock;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;

/**
 * How every handler here answers one request: signed as the request's TSIG check decided, and
 * within the size limit the responder worked out for it ({@link Request#maxResponseSize()}).
 */
final class Reply {
  private final Request request;
  private final Tsig.Check tsig;
  private final Clock clock;
  private final Replier replier;

  Reply(Request request, Tsig.Check tsig, Clock clock, Replier replier) {
    this.request = request;
    this.tsig = tsig;
    this.clock = clock;
    this.replier = replier;
  }

  Request request() {
    return request;
  }

  Tsig.Check tsig() {
    return tsig;
  }

  /**
   * Sends one response, signed when the request was verified (RFC 8945 §5.3). One that does not
   * fit the limit goes out as its header and question with TC, still signed, so that the client
   * retries over TCP.
   */
  void send(Message response) throws IOException {
    byte[] wire = Tsig.encode(response, tsig, clock);
    if (wire.length > request.maxResponseSize()) {
      Message cut = Responses.reply(request.message(), response.getRcode());
      cut.getHeader().setFlag(Flags.TC);
      if (response.getHeader().getFlag(Flags.AA)) {
        cut.getHeader().setFlag(Flags.AA);
      }
      wire = Tsig.encode(cut, tsig, clock);
    }
    replier.send(wire);
  }

  /** Whether the response, as {@link #send(Message)} would sign it, fits the request's limit. */
  boolean fits(Message response) {
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

  final class Stream {
    private final Tsig.@Nullable Stream signer;

    private Stream(Tsig.@Nullable Stream signer) {
      this.signer = signer;
    }

    void send(Message message) throws IOException {
      replier.send(signer == null ? message.toWire() : signer.sign(message));
    }
  }
}
