package dev.dnsd.server;

import dev.dnsd.store.ChangeSet;
import dev.dnsd.sync.CommitResult;
import dev.dnsd.sync.ControlClient;
import dev.dnsd.sync.SyncException;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TTL;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@code java -jar dnsd.jar control ...}: changes and reads a primary's zones over the sync
 * protocol, as a peer with the control role.
 */
final class ControlCommand {
  static final String USAGE =
      """
      usage: java -jar dnsd.jar control --server HOST:PORT --name NAME --secret-file FILE
                                        [--wait SECONDS] [TLS flags] COMMAND ...

        create-zone ZONE [FILE]   create ZONE from a master file, or, without FILE, with just
                                  ZONE 3600 IN SOA ns1.ZONE hostmaster.ZONE 1 3600 600 1209600 300
                                  ZONE 3600 IN NS  ns1.ZONE
        delete-zone ZONE          delete ZONE and all its records
        add NAME TTL TYPE RDATA...
                                  add a record, e.g. add www.example.com 300 A 192.0.2.1
        delete NAME [TYPE [RDATA...]]
                                  delete every record at NAME, its RRset of TYPE, or one record
        list [ZONE]               the zones with serial and record count, or ZONE in master format

        --server HOST:PORT        the primary's sync address (its --sync-listen)
        --name NAME               this client's peer name; the primary gives it the control role
        --secret-file FILE        the shared secret (chmod 600)
        --wait SECONDS            after a change, wait this long for the secondaries connected
                                  to the primary to apply it; fail if one has not (default 0)
        --tls-truststore FILE     connect over TLS, trusting the certificates in this PKCS#12 file
        --tls-password-file FILE  the trust store's password

      Names are absolute, with or without the final dot; so are names in RDATA.
      A change prints the primary's version after it. Exit codes: 0 done, 1 refused or failed,
      2 bad usage.
      """;

  private static final Set<String> VALUE_FLAGS =
      Set.of("--server", "--name", "--secret-file", "--wait", "--tls-truststore", "--tls-password-file");

  private ControlCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
    Flags flags = Flags.parse(args, VALUE_FLAGS, new HashSet<>(Set.of("--help")));
    if (flags.has("--help")) {
      out.print(USAGE);
      return 0;
    }
    List<String> words = flags.positional();
    if (words.isEmpty()) {
      throw new UsageException("control needs a command: create-zone, delete-zone, add, delete or list");
    }
    String server = required(flags, "--server");
    String name = required(flags, "--name");
    Path secretFile = Path.of(required(flags, "--secret-file"));
    Duration wait = Duration.ofSeconds(flags.has("--wait") ? flags.positiveInt("--wait", 0) : 0);
    InetSocketAddress address = Flags.hostPort("--server", server);
    Request request = request(words.get(0), words.subList(1, words.size()));
    SSLContext tls = tls(flags);
    byte[] secret = SecretFiles.secret(secretFile);
    try (ControlClient control = ControlClient.connect(address, name, secret, tls)) {
      Arrays.fill(secret, (byte) 0);
      return request.run(control, wait, out, err);
    } catch (SyncException e) {
      err.println("dnsd: the primary at " + server + " refused: " + e.getMessage());
      return 1;
    } catch (InvalidZoneException e) {
      err.println("dnsd: the primary rejected the change: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("dnsd: control connection to " + server + " failed: " + e.getMessage());
      return 1;
    }
  }

  /** What one command does once connected; parsed before connecting, so usage errors cost nothing. */
  private interface Request {
    int run(ControlClient control, Duration wait, PrintStream out, PrintStream err) throws IOException;
  }

  private static Request request(String command, List<String> a) throws IOException {
    switch (command) {
      case "create-zone" -> {
        arity(command, a, 1, 2, "ZONE [FILE]");
        Name origin = name(a.get(0));
        List<Record> records =
            a.size() == 2 ? ZoneFiles.load(Path.of(a.get(1)), origin).records() : defaultApex(origin);
        return change(ChangeSet.builder().createZone(origin, records).build());
      }
      case "delete-zone" -> {
        arity(command, a, 1, 1, "ZONE");
        return change(ChangeSet.builder().deleteZone(name(a.get(0))).build());
      }
      case "add" -> {
        arity(command, a, 4, Integer.MAX_VALUE, "NAME TTL TYPE RDATA...");
        long ttl;
        try {
          ttl = TTL.parseTTL(a.get(1));
        } catch (NumberFormatException e) {
          throw new UsageException("add: not a TTL: " + a.get(1));
        }
        return change(ChangeSet.builder().add(record(a.get(0), ttl, a.get(2), a.subList(3, a.size()))).build());
      }
      case "delete" -> {
        arity(command, a, 1, Integer.MAX_VALUE, "NAME [TYPE [RDATA...]]");
        Name owner = name(a.get(0));
        ChangeSet.Builder b = ChangeSet.builder();
        if (a.size() == 1) {
          b.removeName(owner);
        } else if (a.size() == 2) {
          b.removeRRset(owner, type(a.get(1)));
        } else {
          b.remove(record(a.get(0), 0, a.get(1), a.subList(2, a.size())));
        }
        return change(b.build());
      }
      case "list" -> {
        arity(command, a, 0, 1, "[ZONE]");
        return a.isEmpty() ? ControlCommand::listZones : zone(name(a.get(0)));
      }
      default -> throw new UsageException(
          "unknown control command '" + command + "'; use create-zone, delete-zone, add, delete or list");
    }
  }

  private static Request change(ChangeSet changes) {
    return (control, wait, out, err) -> {
      CommitResult result = control.commit(changes, wait);
      out.println("committed, version " + result.version());
      if (!result.allApplied()) {
        err.println(
            "dnsd: version " + result.version() + " is committed on the primary, but not yet applied by "
                + String.join(", ", result.notApplied()) + " after " + wait.toSeconds() + " s");
        return 1;
      }
      if (!wait.isZero() && !result.applied().isEmpty()) {
        out.println("applied by " + String.join(", ", result.applied()));
      }
      return 0;
    };
  }

  private static int listZones(ControlClient control, Duration wait, PrintStream out, PrintStream err)
      throws IOException {
    for (ControlClient.ZoneInfo z : control.listZones()) {
      out.println(z.origin() + "\tserial " + z.serial() + "\t" + z.recordCount() + " records");
    }
    return 0;
  }

  private static Request zone(Name origin) {
    return (control, wait, out, err) -> {
      Zone zone = control.zone(origin);
      if (zone == null) {
        err.println("dnsd: the primary has no zone " + origin);
        return 1;
      }
      ZoneFiles.write(zone, out);
      return 0;
    };
  }

  /** The apex create-zone gives when it is given no file: an SOA and one NS, as USAGE says. */
  static List<Record> defaultApex(Name origin) {
    Name ns = child("ns1", origin);
    Name hostmaster = child("hostmaster", origin);
    return List.of(
        new SOARecord(origin, DClass.IN, 3600, ns, hostmaster, 1, 3600, 600, 1_209_600, 300),
        new NSRecord(origin, DClass.IN, 3600, ns));
  }

  private static Name child(String label, Name origin) {
    try {
      return Name.concatenate(Name.fromString(label), origin);
    } catch (org.xbill.DNS.NameTooLongException e) {
      throw new UsageException("zone name too long for ns1/hostmaster below it: " + origin);
    } catch (TextParseException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Record record(String owner, long ttl, String typeText, List<String> rdata) {
    int type = type(typeText);
    // The shell took the quotes off "two words"; put them back so a TXT string stays one string.
    String text = String.join(" ", rdata.stream().map(ControlCommand::requote).toList());
    try {
      return Record.fromString(name(owner), type, DClass.IN, ttl, text, Name.root);
    } catch (IOException | RuntimeException e) {
      throw new UsageException("bad " + Type.string(type) + " data '" + text + "': " + e.getMessage());
    }
  }

  private static String requote(String word) {
    if (word.isEmpty() || (word.chars().anyMatch(Character::isWhitespace) && !word.startsWith("\""))) {
      return '"' + word.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
    return word;
  }

  private static int type(String text) {
    int type = Type.value(text, true);
    if (type < 0) {
      throw new UsageException("unknown record type " + text);
    }
    return type;
  }

  static Name name(String text) {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw new UsageException("not a domain name: " + text + " (" + e.getMessage() + ")");
    }
  }

  private static void arity(String command, List<String> args, int min, int max, String shape) {
    if (args.size() < min || args.size() > max) {
      throw new UsageException(command + " takes " + shape);
    }
  }

  private static String required(Flags flags, String flag) {
    String value = flags.one(flag);
    if (value == null) {
      throw new UsageException("control needs " + flag);
    }
    return value;
  }

  private static @Nullable SSLContext tls(Flags flags) throws IOException {
    String store = flags.one("--tls-truststore");
    String password = flags.one("--tls-password-file");
    if (store == null && password == null) {
      return null;
    }
    if (store == null || password == null) {
      throw new UsageException("--tls-truststore and --tls-password-file go together");
    }
    return TlsFiles.context(null, Path.of(store), Path.of(password));
  }
}
