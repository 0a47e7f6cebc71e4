package dev.dnsd.server;

import dev.dnsd.Await;
import dev.dnsd.TestDns;
import dev.dnsd.sqlite.SqliteRecordStore;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.sync.ControlClient;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Primaries and secondaries of dnsd.jar as child processes in one directory, with the secret files
 * and peers file they share; closing it stops every process it started.
 */
final class SyncCluster implements AutoCloseable {
  static final Duration LONG = Duration.ofSeconds(60);
  static final Name EXAMPLE = Name.fromConstantString("example.com.");

  private final Path dir;
  private final List<ServerProcess> started = new ArrayList<>();
  private final byte[] adminSecret;

  /** A running server: its process and the ports it printed (sync 0 for a secondary). */
  record Node(ServerProcess process, int dnsPort, int syncPort) {
    InetSocketAddress dns() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), dnsPort);
    }
  }

  SyncCluster(Path dir) throws IOException {
    this.dir = dir;
    adminSecret = secret("admin");
    secret("ns2");
    secret("ns3");
    Files.writeString(
        dir.resolve("peers.conf"),
        "# NAME ROLE SECRET_FILE\nns2 secondary ns2.secret\nns3 secondary ns3.secret\nadmin control admin.secret\n");
  }

  private byte[] secret(String name) throws IOException {
    byte[] random = new byte[32];
    ThreadLocalRandom.current().nextBytes(random);
    String text = Base64.getEncoder().encodeToString(random);
    secretFile(dir, name + ".secret", text + "\n");
    return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** A secret file only its owner can read, as the flags require. */
  static Path secretFile(Path dir, String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  /** A primary on a SQLite file; sync port 0 picks one, a restart passes the port it had. */
  Node primary(String db, int syncPort) throws IOException, InterruptedException {
    ServerProcess p = start("--listen", "127.0.0.1:0", "--threads", "1", "--db", db,
        "--sync-listen", "127.0.0.1:" + syncPort, "--peers", "peers.conf");
    return new Node(p, p.awaitPort(), p.awaitSyncPort());
  }

  Node secondary(String name, String db, int primarySyncPort) throws IOException, InterruptedException {
    return secondary(name, db, "127.0.0.1:" + primarySyncPort);
  }

  Node secondary(String name, String db, String primary) throws IOException, InterruptedException {
    ServerProcess p = start("--listen", "127.0.0.1:0", "--threads", "1", "--db", db,
        "--primary", primary, "--name", name, "--secret-file", name + ".secret");
    return new Node(p, p.awaitPort(), 0);
  }

  ServerProcess start(String... args) throws IOException {
    ServerProcess p = ServerProcess.start(dir, args);
    started.add(p);
    return p;
  }

  ControlClient control(Node primary) throws IOException {
    return ControlClient.connect(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), primary.syncPort()), "admin", adminSecret);
  }

  /**
   * Change number i of a stream: adds a name to example.com, now and then removes an earlier one,
   * creates a zone, or deletes a zone made earlier; every change touches example.com once, so its
   * serial counts the changes.
   */
  static ChangeSet change(int i) {
    ChangeSet.Builder b = ChangeSet.builder();
    b.add(new ARecord(name("a" + i + ".example.com."), DClass.IN, 300, address(i)));
    if (i % 7 == 0 && i >= 7) {
      b.removeName(name("a" + (i - 5) + ".example.com."));
    }
    if (i % 50 == 0) {
      Name zone = name("z" + i + ".test.");
      b.createZone(zone, ControlCommand.defaultApex(zone));
      if (i >= 100) {
        b.deleteZone(name("z" + (i - 50) + ".test."));
      }
    }
    return b.build();
  }

  static Name name(String text) {
    return Name.fromConstantString(text);
  }

  private static InetAddress address(int i) {
    try {
      return InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The zone's SOA serial as the server answers it, or -1 when it does not answer for the zone. */
  static long serial(Node node, Name zone) throws IOException {
    Message answer = TestDns.udp(node.dns(), TestDns.query(zone, Type.SOA));
    if (answer.getRcode() != Rcode.NOERROR) {
      return -1;
    }
    for (Record r : answer.getSection(Section.ANSWER)) {
      if (r instanceof SOARecord soa) {
        return soa.getSerial();
      }
    }
    return -1;
  }

  /** Waits until the node answers the primary's current serial of example.com: it has every change. */
  static void awaitCaughtUp(Node node, ControlClient primary) throws IOException {
    long serial = primary.zone(EXAMPLE).serial();
    Await.untilNoException("the server at " + node.dnsPort() + " answers serial " + serial + " of " + EXAMPLE, LONG,
        () -> serial(node, EXAMPLE) == serial);
  }

  /** Every zone of the primary, each as its records' text in order. */
  static Map<Name, List<String>> content(ControlClient primary) throws IOException {
    Map<Name, List<String>> content = new TreeMap<>();
    for (ControlClient.ZoneInfo info : primary.listZones()) {
      content.put(info.origin(), text(primary.zone(info.origin())));
    }
    return content;
  }

  /** Every zone in a SQLite store file (of a server that has stopped). */
  Map<Name, List<String>> content(String db) {
    Map<Name, List<String>> content = new TreeMap<>();
    try (SqliteRecordStore store = SqliteRecordStore.open(dir.resolve(db))) {
      ZoneTable zones = store.zones();
      for (Zone zone : zones.zones()) {
        content.put(zone.origin(), text(zone));
      }
    }
    return content;
  }

  private static List<String> text(Zone zone) {
    return zone.records().stream().map(Record::toString).sorted().toList();
  }

  @Override
  public void close() throws InterruptedException {
    for (ServerProcess p : started) {
      p.close();
    }
  }
}
