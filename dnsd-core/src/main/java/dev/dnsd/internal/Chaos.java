package dev.dnsd.internal;

import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Class CH questions: the TXT names operators use to ask a server who it is ({@code
 * version.bind.}, {@code hostname.bind.}, {@code id.server.}, ...), answered from configuration.
 * Every other CH question is refused.
 */
final class Chaos {
  private Chaos() {}

  static Answer answer(Map<Name, String> texts, Name qname, int qtype) {
    String text = texts.get(qname);
    if (text == null || (qtype != Type.TXT && qtype != Type.ANY)) {
      return Answer.refused();
    }
    Answer answer = new Answer();
    answer.authoritative = true;
    // TTL 0: the text may change with a restart, and nothing should cache it.
    answer.answer.add(new TXTRecord(qname, DClass.CH, 0, text));
    return answer;
  }
}
