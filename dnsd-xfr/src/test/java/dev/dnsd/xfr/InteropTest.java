package dev.dnsd.xfr;

// Interop with real DNS software. CI must install these Debian packages in .ci/run:
//   apt-get install -y knot knot-dnsutils bind9-dnsutils
// (knot: knotd; knot-dnsutils: kdig; bind9-dnsutils: nsupdate). With CI=true a missing program
// fails the test; elsewhere the test is skipped.

import static dev.dnsd.xfr.Fixtures.KEY;
import static dev.dnsd.xfr.Fixtures.ORIGIN;
import static dev.dnsd.xfr.Fixtures.OTHER_SECRET;
import static dev.dnsd.xfr.Fixtures.SECRET;
import static dev.dnsd.xfr.Fixtures.name;
import static dev.dnsd.xfr.Fixtures.rr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.DnsServer;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.Zone;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** dnsd against Knot DNS and BIND's tools, on loopback, with ports chosen at test time. */
class InteropTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String Y_KEY = "hmac-sha256:xfr-key:" + SECRET;

  @TempDir Path dir;
  private DnsServer dnsd;
  private RealDns.Daemon knot;

  @AfterEach
  void stop() throws Exception {
    if (knot != null) {
      knot.close();
    }
    if (dnsd != null) {
      dnsd.close();
    }
  }

  private static long serialAt(InetSocketAddress server) {
    Message m = RealDns.query(server, ORIGIN, Type.SOA);
    if (m == null || m.getRcode() != Rcode.NOERROR || m.getSection(Section.ANSWER).isEmpty()) {
      return -1;
    }
    return ((SOARecord) m.getSection(Section.ANSWER).get(0)).getSerial();
  }

  private RealDns.Daemon startKnot(int port, String remotes, String acls, String zone) throws Exception {
    Path knotd = RealDns.require("knotd", "knot");
    Files.createDirectories(dir.resolve("run"));
    Files.createDirectories(dir.resolve("db"));
    Files.createDirectories(dir.resolve("zones"));
    String conf = """
        server:
            rundir: "%1$s/run"
            listen: 127.0.0.1@%2$d
        log:
          - target: stderr
            any: info
        database:
            storage: "%1$s/db"
        key:
          - id: xfr-key
            algorithm: hmac-sha256
            secret: %3$s
        %4$s
        %5$s
        template:
          - id: default
            storage: "%1$s/zones"
            zonefile-sync: -1
        zone:
        %6$s
        """.formatted(dir, port, SECRET, remotes, acls, zone);
    Path file = dir.resolve("knot.conf");
    Files.writeString(file, conf);
    return RealDns.Daemon.start(dir.resolve("knot.log"), knotd.toString(), "-c", file.toString());
  }

  @Test
  void knotAsSecondaryTakesASignedAxfrThenOnOurSignedNotifyAnIxfr() throws Exception {
    int knotPort = EndToEndTest.freePort();
    ZoneTransfers xfr = ZoneTransfers.builder()
        .tsigKey(KEY)
        .allowTransferKey("example.com", "xfr-key") // so every transfer message is signed
        .notify("example.com", new InetSocketAddress("127.0.0.1", knotPort))
        .build();
    dnsd = DnsServer.builder().zone(Fixtures.zone()).extension(xfr).build().start();
    knot = startKnot(knotPort,
        """
        remote:
          - id: dnsd
            address: 127.0.0.1@%d
            key: xfr-key
        """.formatted(dnsd.port()),
        """
        acl:
          - id: from-dnsd
            address: 127.0.0.1
            key: xfr-key
            action: notify
        """,
        """
          - domain: example.com
            master: dnsd
            acl: from-dnsd
            zonefile-load: none
        """);
    InetSocketAddress knotAddress = new InetSocketAddress("127.0.0.1", knotPort);
    Await.until("Knot to load the zone by AXFR\n" + knot.log(), DEADLINE, () -> serialAt(knotAddress) == 1);
    assertThat(knot.log()).contains("AXFR, incoming");
    assertThat(StandardSecondariesInteropTest.unsignedNotify(knotAddress)).isIn(Rcode.REFUSED, Rcode.NOTAUTH);

    dnsd.commit(ChangeSet.builder().add(rr("new.example.com.", Type.A, "192.0.2.77")).build());

    Await.until("Knot to answer the new record", DEADLINE, () -> {
      Message m = RealDns.query(knotAddress, name("new.example.com."), Type.A);
      return m != null && m.getSection(Section.ANSWER).contains(rr("new.example.com.", Type.A, "192.0.2.77"));
    });
    assertThat(serialAt(knotAddress)).isEqualTo(2);
    assertThat(knot.log()).contains("notify, incoming").contains("IXFR, incoming");
    Await.until("Knot to acknowledge the NOTIFY", DEADLINE, () -> xfr.unansweredNotifies() == 0);
  }

  @Test
  void kdigAxfrGetsWhatTheAclSays() throws Exception {
    Path kdig = RealDns.require("kdig", "knot-dnsutils");
    dnsd = DnsServer.builder().zone(Fixtures.zone())
        .extension(ZoneTransfers.builder().tsigKey(KEY).allowTransferKey("example.com", "xfr-key").build())
        .build().start();
    String port = Integer.toString(dnsd.port());

    RealDns.Run unsigned = RealDns.run(dir, "", kdig.toString(), "@127.0.0.1", "-p", port, "AXFR", "example.com.");
    assertThat(unsigned.output()).contains("REFUSED").doesNotContain("192.0.2.10");

    RealDns.Run signed = RealDns.run(dir, "", kdig.toString(), "@127.0.0.1", "-p", port, "-y", Y_KEY, "AXFR", "example.com.");
    assertThat(signed.exit()).as(signed.output()).isZero();
    assertThat(signed.output()).contains("www.example.com.").contains("192.0.2.10").doesNotContain("REFUSED");

    RealDns.Run badKey = RealDns.run(dir, "", kdig.toString(), "@127.0.0.1", "-p", port,
        "-y", "hmac-sha256:xfr-key:" + OTHER_SECRET, "AXFR", "example.com.");
    assertThat(badKey.output()).contains("BADSIG").doesNotContain("192.0.2.10");
  }

  @Test
  void nsupdateWithTheKeyAddsAndDeletesAndABadKeyIsRefused() throws Exception {
    Path nsupdate = RealDns.require("nsupdate", "bind9-dnsutils");
    dnsd = DnsServer.builder().zone(Fixtures.zone())
        .extension(ZoneTransfers.builder().tsigKey(KEY).allowUpdate("example.com", "xfr-key").build())
        .build().start();
    String server = "server 127.0.0.1 " + dnsd.port() + "\nzone example.com.\n";

    RealDns.Run add = RealDns.run(dir, server + "update add nsup.example.com. 300 A 192.0.2.99\nsend\n",
        nsupdate.toString(), "-y", Y_KEY);
    assertThat(add.exit()).as(add.output()).isZero();
    Zone z = dnsd.zones().get(ORIGIN);
    assertThat(z.rrset(name("nsup.example.com."), Type.A).records())
        .containsExactly(rr("nsup.example.com.", Type.A, 300, "192.0.2.99"));
    assertThat(z.serial()).isEqualTo(2);

    RealDns.Run delete = RealDns.run(dir, server + "update delete nsup.example.com. A\nsend\n",
        nsupdate.toString(), "-y", Y_KEY);
    assertThat(delete.exit()).as(delete.output()).isZero();
    assertThat(dnsd.zones().get(ORIGIN).rrset(name("nsup.example.com."), Type.A)).isNull();

    RealDns.Run bad = RealDns.run(dir, server + "update add evil.example.com. 300 A 192.0.2.66\nsend\n",
        nsupdate.toString(), "-y", "hmac-sha256:xfr-key:" + OTHER_SECRET);
    assertThat(bad.exit()).as(bad.output()).isNotZero();
    RealDns.Run unsigned = RealDns.run(dir, server + "update add evil.example.com. 300 A 192.0.2.66\nsend\n",
        nsupdate.toString());
    assertThat(unsigned.exit()).as(unsigned.output()).isNotZero();
    assertThat(unsigned.output()).contains("REFUSED");
    assertThat(dnsd.zones().get(ORIGIN).rrset(name("evil.example.com."), Type.A)).isNull();
  }

  @Test
  void dnsdAsSecondaryFollowsAChangeMadeOnAKnotPrimary() throws Exception {
    Path nsupdate = RealDns.require("nsupdate", "bind9-dnsutils");
    int knotPort = EndToEndTest.freePort();
    int dnsdPort = EndToEndTest.freePort();
    Files.createDirectories(dir.resolve("zones"));
    Files.writeString(dir.resolve("zones/example.com.zone"), """
        $ORIGIN example.com.
        @ 3600 IN SOA ns1 admin 1 3600 600 86400 300
        @ IN NS ns1
        ns1 IN A 192.0.2.1
        www IN A 192.0.2.10
        """);
    knot = startKnot(knotPort,
        """
        remote:
          - id: dnsd
            address: 127.0.0.1@%d
            key: xfr-key
        """.formatted(dnsdPort),
        """
        acl:
          - id: keyed
            address: 127.0.0.1
            key: xfr-key
            action: [transfer, update]
        """,
        """
          - domain: example.com
            acl: keyed
            notify: dnsd
        """);
    InetSocketAddress knotAddress = new InetSocketAddress("127.0.0.1", knotPort);
    Await.until("Knot to serve the zone\n" + knot.log(), DEADLINE, () -> serialAt(knotAddress) == 1);

    dnsd = DnsServer.builder().listen("127.0.0.1", dnsdPort)
        .extension(ZoneTransfers.builder().tsigKey(KEY).secondaryZone("example.com", knotAddress, "xfr-key").build())
        .build().start();
    Await.until("dnsd to transfer the zone", DEADLINE, () -> dnsd.zones().get(ORIGIN) != null);
    assertThat(dnsd.zones().get(ORIGIN).rrset(name("www.example.com."), Type.A)).isNotNull();

    RealDns.Run change = RealDns.run(dir,
        "server 127.0.0.1 " + knotPort + "\nzone example.com.\nupdate add fresh.example.com. 300 TXT \"from knot\"\nsend\n",
        nsupdate.toString(), "-y", Y_KEY);
    assertThat(change.exit()).as(change.output()).isZero();

    Await.until("dnsd to follow the change\n" + knot.log(), DEADLINE,
        () -> dnsd.zones().get(ORIGIN).rrset(name("fresh.example.com."), Type.TXT) != null);
    assertThat(dnsd.zones().get(ORIGIN).serial()).isEqualTo(serialAt(knotAddress));
    Message answer = RealDns.query(dnsd.address(), name("fresh.example.com."), Type.TXT);
    assertThat(answer.getSection(Section.ANSWER)).hasSize(1);
  }
}
