package dev.dnsd.server;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code java -jar dnsd.jar [serve]}: runs the server until the process is stopped. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description = "Serve DNS until stopped (also what dnsd.jar does without a command).")
final class ServeCommand implements Callable<Integer> {
  @Mixin ServeFlags flags;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    return Serving.run(flags, spec.commandLine().getOut(), spec.commandLine().getErr());
  }
}
