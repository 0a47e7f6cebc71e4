package dev.dnsd.internal;

import dev.dnsd.Replier;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/** Placeholder until the responder lands: answers REFUSED. */
public final class Responder {
  public Responder(Supplier<ZoneTable> zones, ResponderConfig config) {}

  public byte @Nullable [] respond(
      byte[] packet, int length, InetSocketAddress client, boolean tcp, Replier replier) {
    try {
      Message q = new Message(Arrays.copyOf(packet, length));
      Message r = new Message(q.getHeader().getID());
      r.getHeader().setFlag(Flags.QR);
      r.getHeader().setRcode(Rcode.REFUSED);
      r.addRecord(q.getQuestion(), 0);
      return r.toWire();
    } catch (IOException e) {
      return null;
    }
  }
}
