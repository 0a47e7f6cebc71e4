package dev.dnsd.xfr;

import java.net.InetSocketAddress;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/** Response headers as every handler here builds them. */
final class Responses {
  private Responses() {}

  /** A reply with the request's ID, opcode, RD and question (or zone section) and the rcode. */
  static Message reply(Message request, int rcode) {
    Header in = request.getHeader();
    Message out = new Message(in.getID());
    Header header = out.getHeader();
    header.setFlag(Flags.QR);
    header.setOpcode(in.getOpcode());
    if (in.getFlag(Flags.RD)) {
      header.setFlag(Flags.RD);
    }
    header.setRcode(rcode);
    if (request.getQuestion() != null) {
      out.addRecord(request.getQuestion(), Section.QUESTION);
    }
    return out;
  }

  static String describe(InetSocketAddress client) {
    return client.getAddress().getHostAddress() + "#" + client.getPort();
  }
}
