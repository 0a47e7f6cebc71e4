package dev.dnsd.xfr;

import dev.dnsd.Replier;
import dev.dnsd.Request;
import dev.dnsd.TestRequests;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Zones, keys, requests and a capturing replier for the tests of this package. */
final class Fixtures {
  static final Name ORIGIN = name("example.com.");
  static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMw==";
  static final String OTHER_SECRET = "b3RoZXItb3RoZXItb3RoZXItb3RoZXItb3RoZXI0NQ==";
  static final TsigKey KEY = TsigKey.of("xfr-key", "hmac-sha256", SECRET);
  static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5300);

  private Fixtures() {}

  static Name name(String s) {
    try {
      return Name.fromString(s);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Record rr(String owner, int type, String data) {
    return rr(owner, type, 300, data);
  }

  static Record rr(String owner, int type, long ttl, String data) {
    try {
      return Record.fromString(name(owner), type, DClass.IN, ttl, data, Name.root);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** example.com with serial 1, two NS and a few addresses. */
  static Zone zone() {
    return Zone.of(
        ORIGIN,
        List.of(
            rr("example.com.", Type.SOA, 3600, "ns1.example.com. admin.example.com. 1 3600 600 86400 300"),
            rr("example.com.", Type.NS, "ns1.example.com."),
            rr("example.com.", Type.NS, "ns2.example.com."),
            rr("ns1.example.com.", Type.A, "192.0.2.1"),
            rr("ns2.example.com.", Type.A, "192.0.2.2"),
            rr("www.example.com.", Type.A, "192.0.2.10"),
            rr("www.example.com.", Type.A, "192.0.2.11"),
            rr("mail.example.com.", Type.MX, "10 mx.example.com."),
            rr("alias.example.com.", Type.CNAME, "www.example.com.")));
  }

  /** The dnsjava key a client signs with, on the given clock. */
  static TSIG clientKey(String name, String secret, Clock clock) {
    TsigKey k = TsigKey.of(name, "hmac-sha256", secret);
    return Tsig.dnsjavaKey(k, clock);
  }

  /** The request as the server would receive it: parsed from exactly its (signed) bytes. */
  static Request request(Message m, boolean tcp) {
    return request(m, tcp, LOOPBACK);
  }

  static Request request(Message m, boolean tcp, InetSocketAddress client) {
    byte[] wire = m.toWire(65535); // only toWire(max) applies the TSIG key
    return TestRequests.of(wire, client, tcp);
  }

  static Message query(Name name, int type) {
    return Message.newQuery(Record.newRecord(name, type, DClass.IN));
  }

  /** Keeps what is sent, as bytes, for the test to parse and verify. */
  static final class Capture implements Replier {
    final List<byte[]> sent = new ArrayList<>();

    @Override
    public void send(byte[] wire) {
      sent.add(wire);
    }

    Message only() throws IOException {
      if (sent.size() != 1) {
        throw new AssertionError("expected one message, got " + sent.size());
      }
      return new Message(sent.get(0));
    }

    List<Message> messages() throws IOException {
      List<Message> out = new ArrayList<>();
      for (byte[] b : sent) {
        out.add(new Message(b));
      }
      return out;
    }
  }
}
