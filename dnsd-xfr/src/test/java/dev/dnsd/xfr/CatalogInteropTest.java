package dev.dnsd.xfr;

// Interop with BIND 9 and Knot for catalog zones, and BIND as a primary. CI must install the
// Debian packages bind9 (named), bind9-dnsutils (nsupdate) and knot (knotd) in .ci/run. With CI=true a missing program fails
// the test; elsewhere the test is skipped.

import static dev.dnsd.xfr.Fixtures.KEY;
import static dev.dnsd.xfr.Fixtures.ORIGIN;
import static dev.dnsd.xfr.Fixtures.SECRET;
import static dev.dnsd.xfr.Fixtures.name;
import static dev.dnsd.xfr.Fixtures.rr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.DnsServer;
import dev.dnsd.store.ChangeSet;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Catalog zones (RFC 9432) between dnsd and BIND 9, both ways, Knot as a consumer of dnsd, and
 * dnsd as a secondary of a BIND primary; on loopback, with ports chosen at test time.
 */
class CatalogInteropTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String Y_KEY = "hmac-sha256:xfr-key:" + SECRET;

  @TempDir Path dir;
  private DnsServer dnsd;
  private RealDns.Daemon named;
  private RealDns.Daemon knot;

  @AfterEach
  void stop() throws Exception {
    if (named != null) {
      named.close();
    }
    if (knot != null) {
      knot.close();
    }
    if (dnsd != null) {
      dnsd.close();
    }
  }

  private RealDns.Daemon startNamed(int port, String options, String zones) throws Exception {
    Path program = RealDns.require("named", "bind9");
    Files.writeString(dir.resolve("named.conf"), """
        options {
          directory "%1$s";
          pid-file "%1$s/named.pid";
          listen-on port %2$d { 127.0.0.1; };
          listen-on-v6 { none; };
          recursion no;
          dnssec-validation no;
          %4$s
        };
        controls { };
        key "xfr-key" { algorithm hmac-sha256; secret "%3$s"; };
        %5$s
        """.formatted(dir, port, SECRET, options, zones));
    return RealDns.Daemon.start(dir.resolve("named.log"), program.toString(), "-g", "-4", "-c",
        dir.resolve("named.conf").toString());
  }

  private static boolean serves(InetSocketAddress server, String zone) {
    Message m = RealDns.query(server, name(zone), Type.SOA);
    return m != null && m.getRcode() == Rcode.NOERROR && !m.getSection(Section.ANSWER).isEmpty();
  }

  @Test
  void bindAsCatalogConsumerOfDnsdServesAZoneCreatedThroughTheApiAndDropsItWhenDeleted() throws Exception {
    int bindPort = EndToEndTest.freePort();
    dnsd = DnsServer.builder().listen("127.0.0.1", 0).zone(Fixtures.zone())
        .extension(ZoneTransfers.builder().tsigKey(KEY)
            .catalog("catalog.test")
            .allowTransferKey("catalog.test", "xfr-key") // the members follow the catalog's rules
            .notify("catalog.test", new InetSocketAddress("127.0.0.1", bindPort))
            .build())
        .build().start();
    String primary = "127.0.0.1 port " + dnsd.port() + " key \"xfr-key\"";
    named = startNamed(bindPort, """
          notify no;
          allow-new-zones yes;
          catalog-zones {
            zone "catalog.test" default-primaries { %1$s; } in-memory yes;
          };
        """.formatted(primary), """
        zone "catalog.test" {
          type secondary;
          primaries { %1$s; };
          file "%2$s/catalog.test.db";
        };
        """.formatted(primary, dir));
    InetSocketAddress bind = new InetSocketAddress("127.0.0.1", bindPort);
    Await.until("BIND to serve the member example.com\n" + named.log(), DEADLINE, () -> serves(bind, "example.com."));

    dnsd.commit(ChangeSet.builder().createZone(name("fresh.test."), CatalogTest.zoneRecords("fresh.test.")).build());
    Await.until("BIND to serve the zone created on dnsd\n" + named.log(), DEADLINE, () -> {
      Message m = RealDns.query(bind, name("www.fresh.test."), Type.A);
      return m != null && m.getSection(Section.ANSWER).contains(rr("www.fresh.test.", Type.A, "192.0.2.80"));
    });

    dnsd.commit(ChangeSet.builder().deleteZone(name("fresh.test.")).build());
    Await.until("BIND to drop the zone deleted on dnsd\n" + named.log(), DEADLINE, () -> !serves(bind, "fresh.test."));
    assertThat(serves(bind, "example.com.")).isTrue();
  }

  @Test
  void dnsdAsCatalogConsumerOfABindPrimaryFollowsAMemberAddedThereAndIsItsSecondary() throws Exception {
    Path nsupdate = RealDns.require("nsupdate", "bind9-dnsutils");
    int bindPort = EndToEndTest.freePort();
    int dnsdPort = EndToEndTest.freePort();
    Files.writeString(dir.resolve("catalog.test.zone"), """
        $ORIGIN catalog.test.
        @ 0 IN SOA invalid. invalid. 1 3600 600 2419200 0
        @ 0 IN NS invalid.
        version 0 IN TXT "2"
        """);
    for (String zone : new String[] {"example.com", "member.test"}) {
      Files.writeString(dir.resolve(zone + ".zone"), """
          $ORIGIN %1$s.
          @ 3600 IN SOA ns1 admin 1 3600 600 86400 300
          @ IN NS ns1
          ns1 IN A 192.0.2.1
          www IN A 192.0.2.10
          """.formatted(zone));
    }
    String zoneTemplate = """
        zone "%1$s" {
          type primary;
          file "%2$s/%1$s.zone";
          allow-transfer { key "xfr-key"; };
          allow-update { key "xfr-key"; };
          notify explicit;
          also-notify { 127.0.0.1 port %3$d; };
        };
        """;
    StringBuilder zones = new StringBuilder();
    for (String zone : new String[] {"catalog.test", "example.com", "member.test"}) {
      zones.append(zoneTemplate.formatted(zone, dir, dnsdPort));
    }
    named = startNamed(bindPort, "", zones.toString());
    InetSocketAddress bind = new InetSocketAddress("127.0.0.1", bindPort);
    Await.until("BIND to serve its zones\n" + named.log(), DEADLINE, () -> serves(bind, "member.test."));

    dnsd = DnsServer.builder().listen("127.0.0.1", dnsdPort)
        .extension(ZoneTransfers.builder().tsigKey(KEY)
            .secondaryZone("example.com", bind, "xfr-key")
            .catalogConsumer("catalog.test", bind, "xfr-key")
            .build())
        .build().start();
    Await.until("dnsd to copy example.com and the catalog", DEADLINE,
        () -> dnsd.zones().get(ORIGIN) != null && dnsd.zones().get(name("catalog.test.")) != null);

    // A plain secondary: a change on the BIND primary reaches dnsd by NOTIFY and IXFR.
    RealDns.Run change = RealDns.run(dir, "server 127.0.0.1 " + bindPort
        + "\nzone example.com.\nupdate add fresh.example.com. 300 TXT \"from bind\"\nsend\n",
        nsupdate.toString(), "-y", Y_KEY);
    assertThat(change.exit()).as(change.output()).isZero();
    Await.until("dnsd to follow the change on BIND\n" + named.log(), DEADLINE,
        () -> dnsd.zones().get(ORIGIN).rrset(name("fresh.example.com."), Type.TXT) != null);
    assertThat(named.log()).contains("IXFR");

    // The catalog: a member added on BIND becomes a zone dnsd serves.
    assertThat(dnsd.zones().get(name("member.test."))).isNull();
    RealDns.Run add = RealDns.run(dir, "server 127.0.0.1 " + bindPort
        + "\nzone catalog.test.\nupdate add m1.zones.catalog.test. 0 PTR member.test.\nsend\n",
        nsupdate.toString(), "-y", Y_KEY);
    assertThat(add.exit()).as(add.output()).isZero();
    Await.until("dnsd to serve the member zone added on BIND\n" + named.log(), DEADLINE, () -> {
      Message m = RealDns.query(dnsd.address(), name("www.member.test."), Type.A);
      return m != null && m.getSection(Section.ANSWER).contains(rr("www.member.test.", Type.A, "192.0.2.10"));
    });

    RealDns.Run remove = RealDns.run(dir, "server 127.0.0.1 " + bindPort
        + "\nzone catalog.test.\nupdate delete m1.zones.catalog.test. PTR\nsend\n",
        nsupdate.toString(), "-y", Y_KEY);
    assertThat(remove.exit()).as(remove.output()).isZero();
    Await.until("dnsd to drop the member removed on BIND", DEADLINE,
        () -> dnsd.zones().get(name("member.test.")) == null);
  }

  @Test
  void knotAsCatalogConsumerOfDnsdServesAZoneCreatedThroughTheApiWithItsGroupsTemplate() throws Exception {
    Path knotd = RealDns.require("knotd", "knot");
    int knotPort = EndToEndTest.freePort();
    dnsd = DnsServer.builder().listen("127.0.0.1", 0).zone(Fixtures.zone())
        .extension(ZoneTransfers.builder().tsigKey(KEY)
            .catalog("catalog.test")
            .catalogGroup("fresh.test", "special")
            .allowTransferKey("catalog.test", "xfr-key")
            .notify("catalog.test", new InetSocketAddress("127.0.0.1", knotPort))
            .build())
        .build().start();
    for (String d : new String[] {"run", "db", "zones"}) {
      Files.createDirectories(dir.resolve(d));
    }
    Files.writeString(dir.resolve("knot.conf"), """
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
        remote:
          - id: dnsd
            address: 127.0.0.1@%4$d
            key: xfr-key
        acl:
          - id: from-dnsd
            address: 127.0.0.1
            key: xfr-key
            action: notify
        template:
          - id: default
            storage: "%1$s/zones"
            zonefile-sync: -1
            zonefile-load: none
            master: dnsd
            acl: from-dnsd
          - id: special
            storage: "%1$s/zones"
            zonefile-sync: -1
            zonefile-load: none
            master: dnsd
            acl: from-dnsd
            semantic-checks: on
        zone:
          - domain: catalog.test
            catalog-role: interpret
            catalog-template: [ default, special ]
        """.formatted(dir, knotPort, SECRET, dnsd.port()));
    knot = RealDns.Daemon.start(dir.resolve("knot.log"), knotd.toString(), "-c", dir.resolve("knot.conf").toString());
    InetSocketAddress knotAddress = new InetSocketAddress("127.0.0.1", knotPort);
    Await.until("Knot to serve the member example.com\n" + knot.log(), DEADLINE, () -> serves(knotAddress, "example.com."));

    dnsd.commit(ChangeSet.builder().createZone(name("fresh.test."), CatalogTest.zoneRecords("fresh.test.")).build());
    Await.until("Knot to serve the zone created on dnsd\n" + knot.log(), DEADLINE, () -> {
      Message m = RealDns.query(knotAddress, name("www.fresh.test."), Type.A);
      return m != null && m.getSection(Section.ANSWER).contains(rr("www.fresh.test.", Type.A, "192.0.2.80"));
    });

    dnsd.commit(ChangeSet.builder().deleteZone(name("fresh.test.")).build());
    Await.until("Knot to drop the zone deleted on dnsd\n" + knot.log(), DEADLINE, () -> !serves(knotAddress, "fresh.test."));
    // Only the "special" template, which the group property chose, runs semantic checks.
    assertThat(knot.log()).contains("[fresh.test.] check,").doesNotContain("[example.com.] check,")
        .contains("[fresh.test.] zone purged");
  }
}
