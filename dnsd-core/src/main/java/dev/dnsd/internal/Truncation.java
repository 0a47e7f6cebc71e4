package dev.dnsd.internal;

import org.xbill.DNS.Header;
import org.xbill.DNS.Message;

/**
 * Encodes an answer within a size limit. dnsjava's {@link Message#toWire(int)} keeps the OPT
 * record, cuts at whole RRsets and sets TC when the answer or authority section does not fit, and
 * silently drops additional records that do not fit. We add one rule: a referral whose required
 * glue was dropped is TC too (RFC 9471 §3), since the client cannot reach the child without it.
 */
final class Truncation {
  private static final int FLAGS_TC = 0x02; // in the third header byte
  private static final int ARCOUNT = 10;

  private Truncation() {}

  /**
   * @param requiredAdditional how many of the message's first additional records are required
   * @param hasOpt whether the message carries an OPT record (counted in ARCOUNT, always kept)
   */
  static byte[] encode(Message message, int limit, int requiredAdditional, boolean hasOpt) {
    byte[] wire = message.toWire(limit);
    if (requiredAdditional > 0 && wire.length >= Header.LENGTH) {
      int written = ((wire[ARCOUNT] & 0xff) << 8 | (wire[ARCOUNT + 1] & 0xff)) - (hasOpt ? 1 : 0);
      if (written < requiredAdditional) {
        wire[2] |= FLAGS_TC;
      }
    }
    return wire;
  }
}
