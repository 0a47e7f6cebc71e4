package dev.dnsd.xfr;

import dev.dnsd.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;

/**
 * A validating Unbound on loopback in front of authoritative servers: each zone is a stub to one
 * server, with the zone's DS records as its trust anchor, so that an answer Unbound marks AD is
 * one it validated from that anchor down. Stopped by its PID.
 */
final class Unbound implements AutoCloseable {
  private final RealDns.Daemon daemon;
  final InetSocketAddress address;

  private Unbound(RealDns.Daemon daemon, InetSocketAddress address) {
    this.daemon = daemon;
    this.address = address;
  }

  /** A zone Unbound resolves from a server, trusting these DS records. */
  record Stub(Name zone, InetSocketAddress server, List<DSRecord> anchors) {}

  static Unbound start(Path dir, List<Stub> stubs) throws Exception {
    Path unbound = RealDns.require("unbound", "unbound");
    Files.createDirectories(dir);
    int port = EndToEndTest.freePort();
    StringBuilder anchors = new StringBuilder();
    StringBuilder zones = new StringBuilder();
    for (Stub s : stubs) {
      for (DSRecord ds : s.anchors()) {
        anchors.append(ds).append('\n');
      }
      zones.append("stub-zone:\n    name: \"").append(s.zone()).append("\"\n    stub-addr: ")
          .append(s.server().getAddress().getHostAddress()).append('@').append(s.server().getPort()).append('\n');
    }
    Files.writeString(dir.resolve("anchors"), anchors);
    String conf = """
        server:
            interface: 127.0.0.1
            port: %2$d
            do-ip6: no
            chroot: ""
            username: ""
            directory: "%1$s"
            pidfile: "%1$s/unbound.pid"
            use-syslog: no
            logfile: ""
            verbosity: 1
            val-log-level: 2
            num-threads: 1
            do-not-query-localhost: no
            qname-minimisation: no
            aggressive-nsec: yes
            trust-anchor-file: "%1$s/anchors"
            trust-anchor-signaling: no
            root-key-sentinel: no
        %3$s
        """.formatted(dir, port, zones);
    Path file = dir.resolve("unbound.conf");
    Files.writeString(file, conf);
    RealDns.Daemon daemon = RealDns.Daemon.start(dir.resolve("unbound.log"), unbound.toString(), "-d", "-c", file.toString());
    Unbound u = new Unbound(daemon, new InetSocketAddress("127.0.0.1", port));
    try {
      Await.untilNoException("unbound answers on port " + port, Duration.ofSeconds(20), () -> {
        if (!daemon.process.isAlive()) {
          throw new AssertionError("unbound exited: " + daemon.log());
        }
        return u.resolveOnce(stubs.get(0).zone(), org.xbill.DNS.Type.SOA) != null;
      });
    } catch (RuntimeException | Error e) {
      u.close();
      throw e;
    }
    return u;
  }

  /** What Unbound answers, asked with RD and DO (so that it says AD when it validated). */
  Message resolve(Name name, int type) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Message m = resolveOnce(name, type);
      if (m != null) {
        return m;
      }
      if (attempt == 3) {
        throw new IOException("no answer from unbound for " + name + "; its log:\n" + daemon.log());
      }
    }
  }

  private Message resolveOnce(Name name, int type) throws IOException {
    SimpleResolver r = new SimpleResolver(address);
    r.setTimeout(Duration.ofSeconds(5));
    r.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
    Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    try {
      return r.send(q);
    } catch (java.net.SocketTimeoutException e) {
      return null;
    }
  }

  static boolean ad(Message m) {
    return m.getHeader().getFlag(Flags.AD);
  }

  String log() {
    return daemon.log();
  }

  @Override
  public void close() throws InterruptedException {
    daemon.close();
  }

  /** The anchors of several zones as stubs, for tests that serve more than one. */
  static List<Stub> stubs(Map<Name, List<DSRecord>> anchors, InetSocketAddress server) {
    return anchors.entrySet().stream().map(e -> new Stub(e.getKey(), server, e.getValue())).toList();
  }
}
