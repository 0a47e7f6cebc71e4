package dev.dnsd.server;

import dev.dnsd.store.ChangeSet;
import dev.dnsd.sync.CommitResult;
import dev.dnsd.sync.ControlClient;
import dev.dnsd.sync.SyncException;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar dnsd.jar control ...}: changes and reads a primary's zones over the sync
 * protocol, as a peer with the control role, and asks it to reload.
 */
@Command(
    name = "control",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    synopsisSubcommandLabel = "COMMAND",
    description = "Change and read a running primary's zones over the sync protocol, make it reload, "
        + "or read its statistics.",
    subcommands = {
      ControlCommand.CreateZone.class, ControlCommand.ReplaceZone.class, ControlCommand.DeleteZone.class,
      ControlCommand.Add.class, ControlCommand.Delete.class, ControlCommand.ListZones.class,
      ControlCommand.Reload.class, ControlCommand.Rollover.class, ControlCommand.ConfirmDs.class,
      ControlCommand.Stats.class
    },
    footerHeading = "%n",
    footer = {
      "Names are absolute, with or without the final dot; so are names in RDATA. A change prints "
          + "the primary's version after it. The flags may also follow the command.",
      "",
      "Exit codes: 0 done, 1 refused or failed, 2 bad usage."
    })
final class ControlCommand implements Callable<Integer> {
  @Option(names = "--server", paramLabel = "HOST:PORT", scope = ScopeType.INHERIT, order = 1,
      description = "the primary's sync address (its --sync-listen)")
  @Nullable String server;

  @Option(names = "--name", paramLabel = "NAME", scope = ScopeType.INHERIT, order = 2,
      description = "this client's peer name; the primary gives it the control role")
  @Nullable String name;

  @Option(names = "--secret-file", paramLabel = "FILE", scope = ScopeType.INHERIT, order = 3,
      description = "the shared secret (chmod 600)")
  @Nullable Path secretFile;

  @Option(names = "--wait", paramLabel = "SECONDS", scope = ScopeType.INHERIT, order = 4,
      description = "after a change, wait this long for the primary's secondaries (connected or "
          + "not) to apply it; fail if one has not (default 0)")
  @Nullable String waitSeconds;

  @Option(names = "--tls-truststore", paramLabel = "FILE", scope = ScopeType.INHERIT, order = 5,
      description = "connect over TLS, trusting the certificates in this PKCS#12 file")
  @Nullable Path tlsTruststore;

  @Option(names = "--tls-password-file", paramLabel = "FILE", scope = ScopeType.INHERIT, order = 6,
      description = "the trust store's password")
  @Nullable Path tlsPasswordFile;

  @Override
  public Integer call() {
    throw new UsageException(
        "control needs a command: create-zone, replace-zone, delete-zone, add, delete, list, reload,"
            + " rollover, confirm-ds or stats");
  }

  int run(String command, List<String> words, PrintWriter out, PrintWriter err) throws IOException {
    String server = required(this.server, "--server");
    String name = required(this.name, "--name");
    if (secretFile == null) {
      throw new UsageException("control needs --secret-file");
    }
    Duration wait = Duration.ofSeconds(waitSeconds == null ? 0 : ServeFlags.positive("--wait", waitSeconds));
    InetSocketAddress address = HostPort.parse(Source.flag("--server"), server);
    Request request = request(command, words);
    SSLContext tls = tls();
    byte[] secret = SecretFiles.secret(secretFile);
    try (ControlClient control = ControlClient.connect(address, name, secret, tls)) {
      Arrays.fill(secret, (byte) 0);
      return request.run(control, wait, out, err);
    } catch (SyncException e) {
      if (e.reason() == SyncException.Reason.RELOAD_FAILED) {
        err.println("dnsd: the primary at " + server + " did not reload: " + e.getMessage());
      } else {
        err.println("dnsd: the primary at " + server + " refused: " + e.getMessage());
      }
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
    int run(ControlClient control, Duration wait, PrintWriter out, PrintWriter err) throws IOException;
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
      case "replace-zone" -> {
        arity(command, a, 2, 2, "ZONE FILE");
        Zone zone = ZoneFiles.load(Path.of(a.get(1)), name(a.get(0)));
        return change(ChangeSet.builder().replaceZone(zone).build());
      }
      case "rollover" -> {
        arity(command, a, 2, 2, "ZONE ksk|zsk");
        return change(ChangeSet.builder().rollover(name(a.get(0)), DnssecCommand.role(a.get(1))).build());
      }
      case "confirm-ds" -> {
        arity(command, a, 1, 1, "ZONE");
        return change(ChangeSet.builder().confirmDs(name(a.get(0))).build());
      }
      case "reload" -> {
        arity(command, a, 0, 0, "no arguments");
        return (control, wait, out, err) -> {
          out.println(control.reload());
          return 0;
        };
      }
      case "stats" -> {
        arity(command, a, 0, 0, "no arguments");
        return (control, wait, out, err) -> {
          out.print(PrometheusText.render(control.statistics()));
          out.flush();
          return 0;
        };
      }
      default -> throw new IllegalStateException("no control command " + command);
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

  private static int listZones(ControlClient control, Duration wait, PrintWriter out, PrintWriter err)
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

  private String required(@Nullable String value, String flag) {
    if (value == null) {
      throw new UsageException("control needs " + flag);
    }
    return value;
  }

  private @Nullable SSLContext tls() throws IOException {
    if (tlsTruststore == null && tlsPasswordFile == null) {
      return null;
    }
    if (tlsTruststore == null || tlsPasswordFile == null) {
      throw new UsageException("--tls-truststore and --tls-password-file go together");
    }
    return TlsFiles.context(null, tlsTruststore, tlsPasswordFile);
  }

  /** Lets RDATA start with '-' (a LOC altitude, a TXT word): only the commands' own flags are flags. */
  static void configure(CommandLine control) {
    for (CommandLine leaf : control.getSubcommands().values()) {
      leaf.setUnmatchedOptionsArePositionalParams(true);
    }
  }

  /** One control command: its words, run against the primary by the parent command. */
  abstract static class Leaf implements Callable<Integer> {
    @ParentCommand ControlCommand control;
    @Parameters(hidden = true) List<String> words = new ArrayList<>();
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      return control.run(spec.name(), words, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
  }

  @Command(
      name = "create-zone",
      mixinStandardHelpOptions = true,
      customSynopsis = "java -jar dnsd.jar control [flags] create-zone ZONE [FILE]",
      description = {"Create ZONE from a master file, or, without FILE, with just",
          "  ZONE 3600 IN SOA ns1.ZONE hostmaster.ZONE 1 3600 600 1209600 300",
          "  ZONE 3600 IN NS  ns1.ZONE"})
  static final class CreateZone extends Leaf {}

  @Command(
      name = "replace-zone",
      mixinStandardHelpOptions = true,
      customSynopsis = "java -jar dnsd.jar control [flags] replace-zone ZONE FILE",
      description = "Replace all of ZONE with the master file's records in one commit (a zone that is "
          + "not there is created); queries see the old zone or the new, never none.")
  static final class ReplaceZone extends Leaf {}

  @Command(
      name = "delete-zone",
      mixinStandardHelpOptions = true,
      customSynopsis = "java -jar dnsd.jar control [flags] delete-zone ZONE",
      description = "Delete ZONE and all its records.")
  static final class DeleteZone extends Leaf {}

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      customSynopsis = "java -jar dnsd.jar control [flags] add NAME TTL TYPE RDATA...",
      description = "Add a record, e.g. add www.example.com 300 A 192.0.2.1")
  static final class Add extends Leaf {}

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      customSynopsis = "java -jar dnsd.jar control [flags] delete NAME [TYPE [RDATA...]]",
      description = "Delete every record at NAME, its RRset of TYPE, or one record.")
  static final class Delete extends Leaf {}

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      customSynopsis = "java -jar dnsd.jar control [flags] list [ZONE]",
      description = "The zones with serial and record count, or ZONE in master format.")
  static final class ListZones extends Leaf {}

  @Command(
      name = "reload",
      mixinStandardHelpOptions = true,
      customSynopsis = "java -jar dnsd.jar control [flags] reload",
      description = "Make the primary reload, as SIGHUP does: dnsd.jar re-reads its config file and "
          + "zone files, replaces each changed zone in one commit and prints what changed; a "
          + "bad file changes nothing and the reason is printed (exit 1).")
  static final class Reload extends Leaf {}

  @Command(
      name = "rollover",
      mixinStandardHelpOptions = true,
      customSynopsis = "java -jar dnsd.jar control [flags] rollover ZONE ksk|zsk",
      description = "Start a rollover of a signed ZONE's KSK (the CSK, in a zone with one key) or ZSK.")
  static final class Rollover extends Leaf {}

  @Command(
      name = "confirm-ds",
      mixinStandardHelpOptions = true,
      customSynopsis = "java -jar dnsd.jar control [flags] confirm-ds ZONE",
      description = "The parent of ZONE now holds the new KSK's (or CSK's) DS: the old key may go.")
  static final class ConfirmDs extends Leaf {}

  @Command(
      name = "stats",
      mixinStandardHelpOptions = true,
      customSynopsis = "java -jar dnsd.jar control [flags] stats",
      description = "Print the primary's statistics in the Prometheus text format, as its "
          + "--metrics-listen endpoint serves them: queries by transport, opcode, type and rcode, "
          + "answer cache, REFUSED, rate limiting, TCP connections, commits, NOTIFY, transfers and "
          + "each secondary's lag.")
  static final class Stats extends Leaf {}
}
