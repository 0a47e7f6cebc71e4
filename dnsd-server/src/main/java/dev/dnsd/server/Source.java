package dev.dnsd.server;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Where a setting was given: a flag on the command line, or a key at a line of the config file.
 * Errors about the setting start with it, so that the operator can find what to fix.
 *
 * @param name the flag ({@code --listen}) or the key's path in the file ({@code
 *     zones[2].notify[0]})
 */
record Source(@Nullable Path file, int line, String name) {
  static Source flag(String flag) {
    return new Source(null, 0, flag);
  }

  /** What a message about this setting starts with: {@code FILE:LINE: } for a file, nothing for a flag. */
  String at() {
    return file == null ? "" : file + ":" + line + ": ";
  }

  /** A setting that cannot be used as given; the message starts with where it was. */
  UsageException invalid(String problem) {
    return new UsageException(at() + problem);
  }

  /** A path as this setting means it: a file's relative paths are relative to its directory. */
  Path resolve(String path) {
    Path p = Path.of(path);
    if (file == null || p.isAbsolute()) {
      return p;
    }
    Path dir = file.toAbsolutePath().getParent();
    return dir == null ? p : dir.resolve(p);
  }
}
