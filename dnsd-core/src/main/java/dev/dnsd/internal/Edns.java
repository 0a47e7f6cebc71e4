package dev.dnsd.internal;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * The EDNS (RFC 6891) part of a query, and the OPT record of its answer. Only what we implement
 * is echoed: the DO bit, NSID and COOKIE (added to the encoded answer, {@link ServerCookies});
 * unknown options and flags are dropped. EXPIRE (RFC 7314) is noted so that an SOA query asking
 * for it goes to the extensions, which know the zone timers.
 *
 * @param cookie the data of the query's first COOKIE option (client cookie, then any server
 *     cookie), or null
 */
record Edns(
    int version,
    int payload,
    boolean dnssecOk,
    boolean nsidRequested,
    boolean expireRequested,
    byte @Nullable [] cookie) {

  /** The smallest payload any DNS client accepts over UDP (RFC 1035 §4.2.1). */
  static final int MIN_PAYLOAD = 512;

  /**
   * The query's EDNS, or null without an OPT record.
   *
   * @throws WireParseException for more than one OPT, or an OPT outside the additional section
   *     (RFC 6891 §6.1.1: FORMERR)
   */
  static @Nullable Edns read(Message query) throws WireParseException {
    OPTRecord opt = null;
    for (int section = Section.ANSWER; section <= Section.ADDITIONAL; section++) {
      for (Record r : query.getSection(section)) {
        if (r.getType() != Type.OPT) {
          continue;
        }
        if (section != Section.ADDITIONAL) {
          throw new WireParseException("OPT record outside the additional section");
        }
        if (opt != null) {
          throw new WireParseException("more than one OPT record");
        }
        opt = (OPTRecord) r;
      }
    }
    if (opt == null) {
      return null;
    }
    boolean nsid = false;
    for (EDNSOption option : opt.getOptions(EDNSOption.Code.NSID)) {
      // RFC 5001 §2.1: a client asks with an empty option; the code and length are 4 bytes.
      nsid |= option.toWire().length == 4;
    }
    byte[] cookie = null;
    List<EDNSOption> cookies = opt.getOptions(EDNSOption.Code.COOKIE);
    if (!cookies.isEmpty()) {
      CookieOption first = (CookieOption) cookies.get(0); // RFC 7873 §5.2: the first one counts
      byte[] client = first.getClientCookie();
      byte[] server = first.getServerCookie().orElse(new byte[0]);
      cookie = new byte[client.length + server.length];
      System.arraycopy(client, 0, cookie, 0, client.length);
      System.arraycopy(server, 0, cookie, client.length, server.length);
    }
    return new Edns(
        opt.getVersion(),
        opt.getPayloadSize(),
        (opt.getFlags() & ExtendedFlags.DO) != 0,
        nsid,
        !opt.getOptions(EDNSOption.Code.EDNS_EXPIRE).isEmpty(),
        cookie);
  }

  /** What {@link #rawDnssecOk} finds when the bytes hold no OPT record it can reach. */
  static final int NO_OPT = -1;

  /**
   * Whether a request that dnsjava could not read, or whose EDNS broke a rule, carries an OPT
   * record, read from the wire by skipping every record before it: 1 when it has the DO bit, 0
   * without it, {@link #NO_OPT} when there is none or the bytes end before one. Its FORMERR then
   * carries an OPT as well (RFC 6891 §7), or a resolver takes it for "no EDNS here".
   */
  static int rawDnssecOk(byte[] wire, int length) {
    if (length < 12) {
      return NO_OPT;
    }
    int p = 12;
    int questions = WireNames.u16(wire, 4);
    for (int i = 0; i < questions; i++) {
      p = skipName(wire, p, length) + 4;
      if (p > length) {
        return NO_OPT;
      }
    }
    int records = WireNames.u16(wire, 6) + WireNames.u16(wire, 8) + WireNames.u16(wire, 10);
    for (int i = 0; i < records; i++) {
      p = skipName(wire, p, length);
      if (p < 0 || p + 10 > length) {
        return NO_OPT;
      }
      if (WireNames.u16(wire, p) == Type.OPT) {
        return (wire[p + 6] & 0x80) != 0 ? 1 : 0; // DO: the high bit of the TTL's flags half
      }
      p += 10 + WireNames.u16(wire, p + 8);
    }
    return NO_OPT;
  }

  /** The offset after a name, which may end in a compression pointer; -1 past the end. */
  private static int skipName(byte[] wire, int p, int length) {
    while (p >= 0 && p < length) {
      int len = wire[p] & 0xFF;
      if ((len & 0xC0) == 0xC0) {
        return p + 2;
      }
      if (len == 0) {
        return p + 1;
      }
      p += 1 + len;
    }
    return -1;
  }

  /** The client payload size of a query without EDNS, for {@link #responseLimit}. */
  static final int NO_EDNS = -1;

  /**
   * The one size rule: the most bytes a response may have. Over TCP 65535; over UDP the client's
   * EDNS payload size, at least 512 (RFC 6891 §6.2.5) and at most what the server sends, or 512
   * from a client without EDNS (RFC 1035 §4.2.1). Worked out once per request, where it is first
   * read, and handed to whatever answers it.
   *
   * @param clientPayload the payload size in the query's OPT record, or {@link #NO_EDNS}
   * @param serverMax the server's {@code maxUdpPayload}
   */
  static int responseLimit(boolean tcp, int clientPayload, int serverMax) {
    if (tcp) {
      return 65535;
    }
    if (clientPayload == NO_EDNS) {
      return MIN_PAYLOAD;
    }
    return Math.max(MIN_PAYLOAD, Math.min(clientPayload, serverMax));
  }

  /** {@link #responseLimit} for a query parsed by dnsjava, whose EDNS may be null. */
  static int responseLimit(boolean tcp, @Nullable Edns edns, int serverMax) {
    return responseLimit(tcp, edns == null ? NO_EDNS : edns.payload, serverMax);
  }

  /**
   * The answer's OPT record: version 0, our payload size, the high 8 bits of the rcode (the header
   * holds the low 4), DO echoed, and NSID when asked for and configured.
   */
  /** The length of {@link #answerOpt}'s record in wire form. */
  int answerOptLength(byte @Nullable [] nsid) {
    return 11 + (nsidRequested && nsid != null ? 4 + nsid.length : 0);
  }

  OPTRecord answerOpt(int rcode, int serverMax, byte @Nullable [] nsid) {
    int flags = dnssecOk ? ExtendedFlags.DO : 0;
    List<EDNSOption> options =
        nsidRequested && nsid != null ? List.of(new NSIDOption(nsid)) : List.of();
    return new OPTRecord(serverMax, rcode >>> 4, 0, flags, options);
  }
}
