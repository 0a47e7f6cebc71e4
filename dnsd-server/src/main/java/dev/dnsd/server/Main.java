package dev.dnsd.server;

import dev.dnsd.store.StoreException;
import dev.dnsd.zone.InvalidZoneException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The entry point of {@code dnsd.jar}: {@code java -jar dnsd.jar [serve] [flags]} runs the server;
 * {@code export} and {@code import} move zones between a store and master files; {@code control}
 * changes a running primary's zones. Exit codes: 0 success, 1 failure, 2 bad usage.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    List<String> rest = Arrays.asList(args);
    String command = rest.isEmpty() || rest.get(0).startsWith("-") ? "serve" : rest.get(0);
    if (!rest.isEmpty() && !rest.get(0).startsWith("-")) {
      rest = rest.subList(1, rest.size());
    }
    try {
      switch (command) {
        case "serve":
          return ServeCommand.run(rest, out, err);
        case "export":
          return ExportCommand.run(rest, out, err);
        case "import":
          return ImportCommand.run(rest, out, err);
        case "control":
          return ControlCommand.run(rest, out, err);
        case "help":
          out.print(ServeCommand.USAGE);
          return 0;
        default:
          err.println("dnsd: unknown command '" + command + "'");
          err.print(ServeCommand.USAGE);
          return 2;
      }
    } catch (UsageException e) {
      err.println("dnsd: " + e.getMessage());
      String help = command.equals("serve") ? "--help" : command + " --help";
      err.println("run 'java -jar dnsd.jar " + help + "' for the flags");
      return 2;
    } catch (InvalidZoneException | StoreException | IOException e) {
      // Bad zone files name file and line; store problems name the database file.
      err.println("dnsd: " + e.getMessage());
      return 1;
    }
  }
}
