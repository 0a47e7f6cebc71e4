package dev.dnsd.xfr;

// Interop with real DNS software as TSIG secondaries of dnsd. CI must install these Debian
// packages in .ci/run: bind9 (named), nsd. Knot is in InteropTest. With CI=true a missing program
// fails the test; elsewhere the test is skipped.

import static dev.dnsd.xfr.Fixtures.KEY;
import static dev.dnsd.xfr.Fixtures.ORIGIN;
import static dev.dnsd.xfr.Fixtures.SECRET;
import static dev.dnsd.xfr.Fixtures.name;
import static dev.dnsd.xfr.Fixtures.rr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.DnsServer;
import dev.dnsd.store.ChangeSet;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * BIND 9 and NSD as secondaries of dnsd that require the TSIG key on NOTIFY: each takes the zone
 * by AXFR, refuses an unsigned NOTIFY, and follows a commit within seconds by dnsd's signed
 * NOTIFY and an IXFR. dnsd listens on 127.0.0.2, so the NOTIFY (sent from 127.0.0.1) does not come
 * from the primary's address, which BIND would accept unsigned.
 */
class StandardSecondariesInteropTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String PRIMARY_HOST = "127.0.0.2";

  @TempDir Path dir;
  private DnsServer dnsd;
  private ZoneTransfers xfr;
  private RealDns.Daemon daemon;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    if (dnsd != null) {
      dnsd.close();
    }
  }

  private void startDnsd(int secondaryPort) throws Exception {
    xfr = ZoneTransfers.builder()
        .tsigKey(KEY)
        .allowTransferKey("example.com", "xfr-key")
        .notify("example.com", new InetSocketAddress("127.0.0.1", secondaryPort)) // signed with xfr-key
        .build();
    dnsd = DnsServer.builder().listen(PRIMARY_HOST, 0).zone(Fixtures.zone()).extension(xfr).build().start();
  }

  static long serialAt(InetSocketAddress server, org.xbill.DNS.Name zone) {
    Message m = RealDns.query(server, zone, Type.SOA);
    if (m == null || m.getRcode() != Rcode.NOERROR || m.getSection(Section.ANSWER).isEmpty()) {
      return -1;
    }
    return ((SOARecord) m.getSection(Section.ANSWER).get(0)).getSerial();
  }

  /** An unsigned NOTIFY for the zone from 127.0.0.1: what a secondary requiring the key refuses. */
  static int unsignedNotify(InetSocketAddress secondary) throws Exception {
    Message notify = new Message();
    notify.getHeader().setOpcode(Opcode.NOTIFY);
    notify.addRecord(Record.newRecord(ORIGIN, Type.SOA, DClass.IN), Section.QUESTION);
    try (DatagramSocket s = new DatagramSocket(0, java.net.InetAddress.getByName("127.0.0.1"))) {
      s.setSoTimeout(5000);
      byte[] wire = notify.toWire();
      s.send(new DatagramPacket(wire, wire.length, secondary));
      DatagramPacket p = new DatagramPacket(new byte[512], 512);
      s.receive(p);
      return new Message(Arrays.copyOf(p.getData(), p.getLength())).getRcode();
    }
  }

  /** The commit reaches the secondary by NOTIFY and IXFR, well before any SOA refresh (1 h). */
  private void commitReaches(InetSocketAddress secondary) {
    Await.until("the secondary to load the zone by AXFR\n" + daemon.log(), DEADLINE, () -> serialAt(secondary, ORIGIN) == 1);
    dnsd.commit(ChangeSet.builder().add(rr("new.example.com.", Type.A, "192.0.2.77")).build());
    Await.until("the secondary to answer the new record\n" + daemon.log(), DEADLINE, () -> {
      Message m = RealDns.query(secondary, name("new.example.com."), Type.A);
      return m != null && m.getSection(Section.ANSWER).contains(rr("new.example.com.", Type.A, "192.0.2.77"));
    });
    assertThat(serialAt(secondary, ORIGIN)).isEqualTo(2);
    Await.until("the secondary's signed answer to the NOTIFY", DEADLINE, () -> xfr.unansweredNotifies() == 0);
  }

  @Test
  void bindRequiringTheKeyOnNotifyFollowsACommitByNotifyAndIxfr() throws Exception {
    Path named = RealDns.require("named", "bind9");
    int port = EndToEndTest.freePort();
    startDnsd(port);
    Files.writeString(dir.resolve("named.conf"), """
        options {
          directory "%1$s";
          pid-file "%1$s/named.pid";
          listen-on port %2$d { 127.0.0.1; };
          listen-on-v6 { none; };
          recursion no;
          dnssec-validation no;
          notify no;
        };
        controls { };
        key "xfr-key" { algorithm hmac-sha256; secret "%3$s"; };
        zone "example.com" {
          type secondary;
          primaries { %4$s port %5$d key "xfr-key"; };
          file "%1$s/example.com.db";
          allow-notify { key "xfr-key"; };
        };
        """.formatted(dir, port, SECRET, PRIMARY_HOST, dnsd.port()));
    daemon = RealDns.Daemon.start(dir.resolve("named.log"), named.toString(), "-g", "-4", "-c",
        dir.resolve("named.conf").toString());
    InetSocketAddress bind = new InetSocketAddress("127.0.0.1", port);
    Await.until("BIND to load the zone\n" + daemon.log(), DEADLINE, () -> serialAt(bind, ORIGIN) == 1);
    assertThat(unsignedNotify(bind)).isIn(Rcode.REFUSED, Rcode.NOTAUTH);

    commitReaches(bind);
    // The incremental form: SOA, old SOA, new SOA, the added A, SOA (an AXFR would have 11).
    assertThat(daemon.log())
        .contains("received notify for zone 'example.com': TSIG 'xfr-key'")
        .containsPattern("Transfer completed: 1 messages, 5 records.*\\(serial 2\\)");
  }

  @Test
  void nsdRequiringTheKeyOnNotifyFollowsACommitByNotifyAndIxfr() throws Exception {
    Path nsd = RealDns.require("nsd", "nsd");
    int port = EndToEndTest.freePort();
    startDnsd(port);
    Files.writeString(dir.resolve("nsd.conf"), """
        server:
          ip-address: 127.0.0.1
          port: %2$d
          do-ip6: no
          username: ""
          chroot: ""
          zonesdir: "%1$s"
          database: ""
          zonelistfile: "%1$s/zone.list"
          xfrdfile: "%1$s/xfrd.state"
          xfrdir: "%1$s"
          pidfile: "%1$s/nsd.pid"
          verbosity: 2
        remote-control:
          control-enable: no
        key:
          name: "xfr-key"
          algorithm: hmac-sha256
          secret: "%3$s"
        zone:
          name: "example.com"
          zonefile: "%1$s/example.com.zone"
          allow-notify: 127.0.0.1 xfr-key
          request-xfr: %4$s@%5$d xfr-key
        """.formatted(dir, port, SECRET, PRIMARY_HOST, dnsd.port()));
    daemon = RealDns.Daemon.start(dir.resolve("nsd.log"), nsd.toString(), "-d", "-c",
        dir.resolve("nsd.conf").toString());
    InetSocketAddress secondary = new InetSocketAddress("127.0.0.1", port);
    Await.until("NSD to load the zone\n" + daemon.log(), DEADLINE, () -> serialAt(secondary, ORIGIN) == 1);
    assertThat(unsignedNotify(secondary)).isIn(Rcode.REFUSED, Rcode.NOTAUTH);

    commitReaches(secondary);
    // NSD asks for IXFR by default (request-xfr without AXFR) and logs which NOTIFY it took.
    assertThat(daemon.log())
        .contains("notify for example.com. from 127.0.0.1 refused, no acl matches")
        .contains("notify for example.com. from 127.0.0.1 serial 2")
        .contains("received update to serial 2");
  }
}
