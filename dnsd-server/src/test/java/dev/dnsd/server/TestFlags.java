package dev.dnsd.server;

import picocli.CommandLine;

/** Settings from serve's flags as the command line gives them, for tests of what they build. */
final class TestFlags {
  private TestFlags() {}

  static Settings settings(String... args) {
    ServeFlags flags = new ServeFlags();
    new CommandLine(flags).parseArgs(args);
    return flags.settings();
  }
}
