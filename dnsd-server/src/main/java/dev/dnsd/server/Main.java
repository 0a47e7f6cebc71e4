package dev.dnsd.server;

import dev.dnsd.store.StoreException;
import dev.dnsd.zone.InvalidZoneException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The entry point of {@code dnsd.jar}: {@code java -jar dnsd.jar [serve] [flags]} runs the server;
 * {@code export} and {@code import} move zones between a store and master files; {@code control}
 * changes a running primary's zones; {@code dnssec} shows and rolls the keys of signed zones;
 * {@code check-config} checks a config file without serving.
 * Exit codes: 0 success, 1 failure, 2 bad usage.
 */
@Command(
    name = "java -jar dnsd.jar",
    versionProvider = Version.class,
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    synopsisSubcommandLabel = "[COMMAND]",
    description = {
      "An authoritative DNS server. Without a command it serves (as 'serve' does): on "
          + ServeFlags.DEFAULT_LISTEN + " from ./" + StoreSettings.DEFAULT_DB + " unless told otherwise."
    },
    subcommands = {
      ServeCommand.class, ExportCommand.class, ImportCommand.class, ControlCommand.class,
      DnssecCommand.class, CheckConfigCommand.class, HelpCommand.class
    },
    footerHeading = "%n",
    footer = {
      "An empty store is seeded with the demo zone demo.test., unless the server is a secondary. "
          + "Sync secret files and TLS password files must be readable by their owner only (chmod 600); "
          + "a trailing newline is not part of the secret; sync secrets have at least 16 bytes.",
      "",
      "A config file (--config, YAML; keys in README.md) can say everything the flags say; its "
          + "relative paths are relative to its directory, and a flag replaces what the file says of "
          + "the same thing. 'check-config FILE' checks it without serving.",
      "",
      "SIGHUP or 'control reload' re-reads the config file and the zone files and replaces each "
          + "changed zone in one commit; a bad file changes nothing and the log says why. The other "
          + "settings (listen, threads, store, TSIG keys, ACLs, NOTIFY, secondary zones, sync, metrics, "
          + "query logs) take effect at restart.",
      "",
      "Statistics are always counted: --metrics-listen serves them (/metrics, Prometheus text; "
          + "/health), 'control stats' prints them. Every commit gets an audit line at INFO "
          + "through the logger dev.dnsd.audit.",
      "",
      "Exit codes: 0 done, 1 failed, 2 bad usage."
    })
public final class Main implements Callable<Integer> {
  @Mixin ServeFlags flags;
  @Spec CommandSpec spec;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    CommandLine cli = commandLine();
    cli.setOut(o);
    cli.setErr(e);
    try {
      return cli.execute(args);
    } finally {
      o.flush();
      e.flush();
    }
  }

  /** The command tree with dnsd's help layout and error handling. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setHelpFactory(HelpLayout::new);
    cli.setUsageHelpWidth(100);
    cli.setParameterExceptionHandler(Main::badUsage);
    cli.setExecutionExceptionHandler((ex, cmd, parsed) -> failed(ex, cmd));
    cli.setExecutionStrategy(Main::execute);
    ControlCommand.configure(cli.getSubcommands().get("control"));
    return cli;
  }

  @Override
  public Integer call() throws IOException {
    return Serving.run(flags, spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  private static int execute(ParseResult parsed) {
    // Serve's flags belong after 'serve' or with no command at all, not before another command.
    if (parsed.hasSubcommand() && !parsed.matchedOptions().isEmpty()) {
      String command = parsed.subcommand().commandSpec().name();
      throw new ParameterException(parsed.commandSpec().commandLine(),
          "flags go after the command: " + parsed.matchedOptions().get(0).longestName() + " before '" + command + "'");
    }
    return new CommandLine.RunLast().execute(parsed);
  }

  private static int badUsage(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("dnsd: " + problem(ex));
    if (ex instanceof UnmatchedArgumentException unmatched) {
      List<String> suggestions = unmatched.getSuggestions();
      if (!suggestions.isEmpty()) {
        err.println("did you mean " + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size()))) + "?");
      }
    }
    err.println("run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the flags");
    return 2;
  }

  private static String problem(ParameterException ex) {
    if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      String first = unmatched.getUnmatched().get(0);
      CommandSpec spec = ex.getCommandLine().getCommandSpec();
      if (first.startsWith("-")) {
        return "unknown flag " + first;
      }
      if (!spec.subcommands().isEmpty()) {
        String of = spec.parent() == null ? "" : spec.name() + " ";
        return "unknown " + of + "command '" + first + "'";
      }
      return "unexpected argument " + first;
    }
    ArgSpec arg = ex.getArgSpec();
    return arg == null ? ex.getMessage() : ex.getMessage().replace("'" + arg + "'", arg.toString());
  }

  private static int failed(Exception ex, CommandLine cmd) throws Exception {
    PrintWriter err = cmd.getErr();
    if (ex instanceof UsageException) {
      err.println("dnsd: " + ex.getMessage());
      err.println("run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the flags");
      return 2;
    }
    if (ex instanceof InvalidZoneException || ex instanceof StoreException || ex instanceof IOException) {
      // Bad zone files name file and line; store problems name the database file.
      err.println("dnsd: " + ex.getMessage());
      return 1;
    }
    throw ex;
  }
}
