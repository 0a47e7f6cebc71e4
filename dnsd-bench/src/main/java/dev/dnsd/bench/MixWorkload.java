package dev.dnsd.bench;

import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The shared harness's workload (../shared/bench: gen-zones.py, gen-queries.py), made in memory so
 * that the benchmark needs no files: 200 zones of the same shape and a query list with the same
 * mix: 60 % names in the zones (apex data, CNAME, hosts, SRV, wildcard, referral, NXDOMAIN), 40 %
 * random names under TLDs served nowhere. Queries are encoded as dnsperf sends them: RD set, no
 * EDNS. Deterministic for a seed.
 */
final class MixWorkload {
  static final int ZONES = 200;

  private static final String[] TLDS = {"com", "net", "org", "fr", "de", "io", "info", "eu"};
  private static final String[] OUT_TLDS = {
    "com", "net", "org", "fr", "de", "uk", "io", "info", "nl", "it", "es", "ru", "jp", "br", "ch",
    "be", "pl", "biz", "us", "ca"
  };
  private static final String[] HOSTS = {
    "cdn", "dev", "erp", "files", "forum", "git", "gw", "imap", "intranet", "monitor", "smtp", "api",
    "app", "auth", "backup", "blog", "chat", "ci", "crm", "db", "docs", "ftp", "help", "hr", "jira",
    "ldap", "lists", "media", "news", "pop", "portal", "proxy", "shop", "sso", "stage", "static",
    "status", "support", "vpn", "wiki"
  };

  final ZoneTable table;
  final List<byte[]> queries;

  private MixWorkload(ZoneTable table, List<byte[]> queries) {
    this.table = table;
    this.queries = queries;
  }

  static MixWorkload generate(int queryCount, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    ZoneTable table = ZoneTable.empty();
    List<String> origins = new ArrayList<>();
    List<List<String>> hosts = new ArrayList<>();
    for (int z = 1; z <= ZONES; z++) {
      String origin = String.format("d%04d-zone%s.%s.", z, label(random, 4, 8), TLDS[z % TLDS.length]);
      List<String> zoneHosts = new ArrayList<>(List.of("ns1", "ns2", "mail", "mx2", "sip"));
      StringBuilder text = zoneText(origin, z, random, zoneHosts);
      origins.add(origin);
      hosts.add(zoneHosts);
      table = table.with(Zone.of(name(origin), parse(text.toString(), origin)));
    }
    List<byte[]> queries = new ArrayList<>(queryCount);
    for (int i = 0; i < queryCount; i++) {
      int z = random.nextInt(ZONES);
      queries.add(query(random, origins.get(z), hosts.get(z)));
    }
    return new MixWorkload(table, queries);
  }

  private static StringBuilder zoneText(String origin, int z, SplittableRandom random, List<String> hosts) {
    String net = "198." + (18 + z / 256) + "." + (z % 256) + ".";
    String net6 = "2001:db8:" + Integer.toHexString(z) + "::";
    StringBuilder t = new StringBuilder();
    t.append("$ORIGIN ").append(origin).append("\n$TTL 3600\n");
    t.append("@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n");
    t.append("@ NS ns1\n@ NS ns2\n");
    t.append("ns1 A ").append(net).append("1\nns1 AAAA ").append(net6).append("1\n");
    t.append("ns2 A ").append(net).append("2\nns2 AAAA ").append(net6).append("2\n");
    t.append("@ A ").append(net).append("10\n@ AAAA ").append(net6).append("a\n");
    t.append("@ MX 10 mail\n@ MX 20 mx2\n");
    t.append("@ TXT \"v=spf1 mx a ip4:").append(net).append("0/24 -all\"\n");
    t.append("@ CAA 0 issue \"pki.goog\"\n");
    t.append("www CNAME @\n");
    t.append("mail A ").append(net).append("11\nmail AAAA ").append(net6).append("b\n");
    t.append("mx2 A ").append(net).append("12\n");
    t.append("_sip._tcp SRV 10 60 5060 sip\nsip A ").append(net).append("13\n");
    t.append("*.dyn 300 A ").append(net).append("14\n");
    t.append("sub NS ns1.sub\nsub NS ns2.sub\n");
    t.append("ns1.sub A ").append(net).append("15\nns2.sub A ").append(net).append("16\n");
    int count = 10 + random.nextInt(21);
    int start = random.nextInt(HOSTS.length);
    for (int i = 0; i < count; i++) {
      String host = HOSTS[(start + i) % HOSTS.length];
      hosts.add(host);
      t.append(host).append(" A ").append(net).append(20 + i).append('\n');
      if (i % 2 == 1) {
        t.append(host).append(" AAAA ").append(net6).append(Integer.toHexString(0x20 + i)).append('\n');
      }
    }
    return t;
  }

  /** One query, drawn with the weights of gen-queries.py. */
  private static byte[] query(SplittableRandom random, String origin, List<String> hosts) {
    int roll = random.nextInt(100);
    String name;
    int type = Type.A;
    if ((roll -= 40) < 0) {
      name = label(random, 3, 12) + "." + OUT_TLDS[random.nextInt(OUT_TLDS.length)] + ".";
      if (random.nextInt(10) < 3) {
        name = label(random, 3, 8) + "." + name;
      }
      type = new int[] {Type.A, Type.A, Type.A, Type.AAAA, Type.MX}[random.nextInt(5)];
    } else if ((roll -= 12) < 0) {
      name = origin;
    } else if ((roll -= 4) < 0) {
      name = origin;
      type = Type.AAAA;
    } else if ((roll -= 5) < 0) {
      name = origin;
      type = Type.MX;
    } else if ((roll -= 3) < 0) {
      name = origin;
      type = Type.TXT;
    } else if ((roll -= 2) < 0) {
      name = origin;
      type = Type.NS;
    } else if ((roll -= 2) < 0) {
      name = origin;
      type = Type.SOA;
    } else if ((roll -= 8) < 0) {
      name = "www." + origin;
      type = random.nextInt(3) == 0 ? Type.AAAA : Type.A;
    } else if ((roll -= 10) < 0) {
      name = hosts.get(random.nextInt(hosts.size())) + "." + origin;
    } else if ((roll -= 1) < 0) {
      name = "_sip._tcp." + origin;
      type = Type.SRV;
    } else if ((roll -= 1) < 0) {
      name = origin;
      type = Type.CAA;
    } else if ((roll -= 4) < 0) {
      name = label(random, 4, 10) + ".dyn." + origin;
    } else if ((roll -= 3) < 0) {
      name = label(random, 3, 8) + ".sub." + origin;
    } else {
      name = "x-" + label(random, 3, 12) + "." + origin;
    }
    Message query = Message.newQuery(Record.newRecord(name(name), type, DClass.IN));
    query.getHeader().setID(random.nextInt(65536));
    return query.toWire();
  }

  private static String label(SplittableRandom random, int min, int max) {
    int n = min + random.nextInt(max - min + 1);
    StringBuilder s = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      s.append((char) ('a' + random.nextInt(26)));
    }
    return s.toString();
  }

  private static Name name(String text) {
    try {
      return Name.fromString(text);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static List<Record> parse(String text, String origin) {
    List<Record> records = new ArrayList<>();
    try (Master master =
        new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), name(origin), 3600)) {
      for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
        records.add(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }
}
