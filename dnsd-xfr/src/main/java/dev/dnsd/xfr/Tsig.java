package dev.dnsd.xfr;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;

/**
 * TSIG (RFC 8945) for a server: checks requests and signs responses, single or streamed.
 *
 * <p>Requests are checked with dnsjava's verifier (it knows where the TSIG record starts in the
 * received bytes). Responses are signed here rather than by dnsjava because its signer leaves the
 * BADTIME response's Other Data out of the MAC (RFC 8945 §5.3.2 puts it in), which the client's
 * check then fails.
 */
final class Tsig {
  static final Duration FUDGE = Duration.ofSeconds(300);

  private Tsig() {}

  /**
   * What the TSIG check of a request found.
   *
   * @param key the key that verified the request; for a failure, the configured key of that name
   *     when there is one
   * @param request the request's TSIG record; null when unsigned
   * @param error NOERROR, or the TSIG error (BADKEY, BADSIG, BADTIME)
   */
  record Check(@Nullable TsigKey key, @Nullable TSIGRecord request, int error) {
    static final Check UNSIGNED = new Check(null, null, Rcode.NOERROR);

    boolean verified() {
      return request != null && error == Rcode.NOERROR;
    }

    boolean failed() {
      return error != Rcode.NOERROR;
    }
  }

  /** Checks the TSIG of a request, if it has one, against the configured keys. */
  static Check check(Message parsed, byte[] wire, Map<Name, TsigKey> keys, Clock clock) {
    TSIGRecord tsig = parsed.getTSIG();
    if (tsig == null) {
      return Check.UNSIGNED;
    }
    TsigKey key = keys.get(tsig.getName());
    if (key == null || !key.algorithm().equals(tsig.getAlgorithm())) {
      return new Check(null, tsig, Rcode.BADKEY);
    }
    Message copy;
    try {
      // The verifier needs the message parsed from exactly these bytes, and changes its state.
      copy = new Message(wire);
    } catch (IOException e) {
      return new Check(key, tsig, Rcode.BADSIG);
    }
    TSIG verifier =
        new TSIG(key.algorithm(), key.name(), new SecretKeySpec(key.secret(), key.macAlgorithm()), clock);
    int result = verifier.verify(copy, wire, null);
    return new Check(key, tsig, result == Rcode.FORMERR ? Rcode.BADSIG : result);
  }

  /**
   * Encodes a response to a checked request: signed when the request was verified; for a failed
   * check, with rcode NOTAUTH and a TSIG record carrying the error, signed only for BADTIME (RFC
   * 8945 §5.3.2); unsigned when the request was.
   */
  static byte[] encode(Message response, Check check, Clock clock) {
    TSIGRecord request = check.request();
    if (request == null) {
      return response.toWire();
    }
    TsigKey key = check.key();
    if (check.error() == Rcode.NOERROR && key != null) {
      return new Stream(key, request, clock).sign(response);
    }
    response.getHeader().setRcode(Rcode.NOTAUTH);
    if (check.error() == Rcode.BADTIME && key != null) {
      byte[] unsigned = response.toWire();
      DNSOutput now = new DNSOutput();
      writeTime(clock.instant(), now);
      TSIGRecord tsig =
          generate(key, unsigned, request.getSignature(), request.getTimeSigned(), Rcode.BADTIME,
              now.toByteArray(), true, response.getHeader().getID());
      return append(unsigned, tsig);
    }
    TSIGRecord unsignedError =
        new TSIGRecord(request.getName(), DClass.ANY, 0, request.getAlgorithm(), clock.instant(),
            FUDGE, new byte[0], response.getHeader().getID(), check.error(), null);
    return append(response.toWire(), unsignedError);
  }

  /**
   * Signs the messages of one multi-message response in order (RFC 8945 §5.3.1): the first with
   * all TSIG variables and the request's MAC, each later one with the previous MAC and the timers
   * only. This signs every message, which the RFC allows.
   */
  static final class Stream {
    private final TsigKey key;
    private final Clock clock;
    private byte[] priorMac;
    private boolean first = true;

    Stream(TsigKey key, TSIGRecord request, Clock clock) {
      this.key = key;
      this.clock = clock;
      this.priorMac = request.getSignature();
    }

    byte[] sign(Message message) {
      return sign(message.toWire());
    }

    /** Signs a message already encoded (its ID is read from the bytes). */
    byte[] sign(byte[] unsigned) {
      int id = (unsigned[0] & 0xFF) << 8 | (unsigned[1] & 0xFF);
      TSIGRecord tsig =
          generate(key, unsigned, priorMac, clock.instant(), Rcode.NOERROR, null, first, id);
      first = false;
      priorMac = tsig.getSignature();
      return append(unsigned, tsig);
    }
  }

  /**
   * Signs an encoded response to a verified request, and leaves others as they are: what {@link
   * #encode} does for a response that had to be cut to fit first.
   */
  static byte[] sign(byte[] unsigned, Check check, Clock clock) {
    TsigKey key = check.key();
    TSIGRecord request = check.request();
    if (!check.verified() || key == null || request == null) {
      return unsigned;
    }
    return new Stream(key, request, clock).sign(unsigned);
  }

  /** A request we send, signed (RFC 8945 §5.1), with the TSIG record the answer's MAC covers. */
  record SignedRequest(byte[] wire, TSIGRecord tsig) {}

  /** Signs a request with dnsjava's signer, which adds the TSIG record to the message. */
  static SignedRequest signRequest(Message request, TsigKey key, Clock clock) {
    dnsjavaKey(key, clock).apply(request, null);
    return new SignedRequest(request.toWire(), request.getTSIG());
  }

  /**
   * Whether a response to a request we signed is signed with the same key over that request's
   * MAC (RFC 8945 §5.4.1): an unsigned or badly signed response is no answer.
   */
  static boolean verifiesResponse(byte[] wire, TSIGRecord request, TsigKey key, Clock clock) {
    Message response;
    try {
      response = new Message(wire);
    } catch (IOException e) {
      return false;
    }
    if (response.getTSIG() == null) {
      return false;
    }
    return dnsjavaKey(key, clock).verify(response, wire, request) == Rcode.NOERROR;
  }

  static TSIG dnsjavaKey(TsigKey key, Clock clock) {
    return new TSIG(key.algorithm(), key.name(), new SecretKeySpec(key.secret(), key.macAlgorithm()), clock);
  }

  private static TSIGRecord generate(
      TsigKey key,
      byte[] unsigned,
      byte @Nullable [] priorMac,
      Instant timeSigned,
      int error,
      byte @Nullable [] other,
      boolean allVariables,
      int originalId) {
    Mac mac;
    try {
      mac = Mac.getInstance(key.macAlgorithm());
      mac.init(new SecretKeySpec(key.secret(), key.macAlgorithm()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC " + key.macAlgorithm() + " is not available", e);
    }
    if (priorMac != null) {
      mac.update(new byte[] {(byte) (priorMac.length >>> 8), (byte) priorMac.length});
      mac.update(priorMac);
    }
    mac.update(unsigned);
    DNSOutput vars = new DNSOutput();
    if (allVariables) {
      key.name().toWireCanonical(vars);
      vars.writeU16(DClass.ANY);
      vars.writeU32(0);
      key.algorithm().toWireCanonical(vars);
    }
    writeTime(timeSigned, vars);
    vars.writeU16((int) FUDGE.getSeconds());
    if (allVariables) {
      vars.writeU16(error);
      vars.writeU16(other == null ? 0 : other.length);
      if (other != null) {
        vars.writeByteArray(other);
      }
    }
    mac.update(vars.toByteArray());
    return new TSIGRecord(key.name(), DClass.ANY, 0, key.algorithm(), timeSigned, FUDGE,
        mac.doFinal(), originalId, error, other);
  }

  private static void writeTime(Instant instant, DNSOutput out) {
    long seconds = instant.getEpochSecond();
    out.writeU16((int) (seconds >>> 32) & 0xFFFF);
    out.writeU32(seconds & 0xFFFFFFFFL);
  }

  /** The message with the TSIG record as its last additional record. */
  private static byte[] append(byte[] unsigned, TSIGRecord tsig) {
    byte[] record = tsig.toWire(Section.ADDITIONAL);
    byte[] out = new byte[unsigned.length + record.length];
    System.arraycopy(unsigned, 0, out, 0, unsigned.length);
    System.arraycopy(record, 0, out, unsigned.length, record.length);
    int arcount = ((out[10] & 0xFF) << 8 | (out[11] & 0xFF)) + 1;
    out[10] = (byte) (arcount >>> 8);
    out[11] = (byte) arcount;
    return out;
  }
}
