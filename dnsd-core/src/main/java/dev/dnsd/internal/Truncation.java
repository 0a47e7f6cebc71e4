package dev.dnsd.internal;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Encodes an answer within a size limit: whole when it fits; otherwise cut at whole RRsets (RFC
 * 2181 §9), with TC when part of the answer or authority section is left out, additional records
 * left out silently, and the OPT record always kept (RFC 6891 §7). A referral whose required glue
 * was left out is TC too (RFC 9471 §3), since the client cannot reach the child without it.
 *
 * <pre>{@code
 * byte[] wire = Truncation.encode(response, request.maxResponseSize(), 0, 0);
 * }</pre>
 *
 * <p>Not dnsjava's {@link Message#toWire(int)}: in 3.7.1 it takes the 12-byte header off its
 * budget although the header is already counted in the output position, so a message of N bytes
 * needs a limit of N + 12, and every answer within 12 bytes of the limit came back TC and empty.
 */
public final class Truncation {
  private static final int FLAGS_TC = 0x02; // in the third header byte

  private Truncation() {}

  /**
   * The message encoded within the limit, cut at RRset boundaries with TC set when it does not fit.
   *
   * @param message the response
   * @param limit the most bytes the response may have
   * @param requiredAdditional how many of the message's first additional records are required
   * @param reserve bytes to keep free after the message: the size of a TSIG record the caller
   *     appends, else 0
   * @return the encoded response
   */
  public static byte[] encode(Message message, int limit, int requiredAdditional, int reserve) {
    byte[] whole = message.toWire();
    if (whole.length + reserve <= limit) {
      return whole;
    }
    return cut(message, limit - reserve, requiredAdditional);
  }

  /**
   * The longest prefix of the message's RRsets (answer, authority, then additional) that fits,
   * found by bisection: the encoding only grows as RRsets are added, and this runs only for the
   * rare answer that does not fit whole.
   */
  private static byte[] cut(Message message, int limit, int requiredAdditional) {
    List<List<Record>> rrsets = new ArrayList<>();
    List<Integer> sections = new ArrayList<>();
    for (int section = Section.ANSWER; section <= Section.ADDITIONAL; section++) {
      List<Record> current = null;
      for (Record r : message.getSection(section)) {
        if (r instanceof OPTRecord) {
          continue;
        }
        if (current == null || !r.sameRRset(current.get(0))) {
          current = new ArrayList<>();
          rrsets.add(current);
          sections.add(section);
        }
        current.add(r);
      }
    }
    OPTRecord opt = message.getOPT();
    // The whole message did not fit, so at most all RRsets but the last do.
    int lo = 0;
    int hi = rrsets.size() - 1;
    byte[] best = prefix(message, rrsets, sections, 0, opt);
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      byte[] wire = prefix(message, rrsets, sections, mid, opt);
      if (wire.length <= limit) {
        lo = mid;
        best = wire;
      } else {
        hi = mid - 1;
      }
    }
    int kept = lo;
    boolean cutBeforeAdditional = kept < rrsets.size() && sections.get(kept) != Section.ADDITIONAL;
    int additionalKept = 0;
    for (int i = 0; i < kept; i++) {
      if (sections.get(i) == Section.ADDITIONAL) {
        additionalKept += rrsets.get(i).size();
      }
    }
    if (cutBeforeAdditional || additionalKept < requiredAdditional) {
      best[2] |= FLAGS_TC;
    }
    return best;
  }

  private static byte[] prefix(
      Message message, List<List<Record>> rrsets, List<Integer> sections, int count, @Nullable OPTRecord opt) {
    Message m = message.clone();
    for (int section = Section.ANSWER; section <= Section.ADDITIONAL; section++) {
      m.removeAllRecords(section);
    }
    for (int i = 0; i < count; i++) {
      for (Record r : rrsets.get(i)) {
        m.addRecord(r, sections.get(i));
      }
    }
    if (opt != null) {
      m.addRecord(opt, Section.ADDITIONAL);
    }
    return m.toWire();
  }
}
