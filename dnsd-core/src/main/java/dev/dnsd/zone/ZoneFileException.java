package dev.dnsd.zone;

import java.nio.file.Path;

/**
 * A zone file that cannot be loaded: bad syntax, a missing {@code $INCLUDE} file, or a record that
 * breaks a zone rule. The message reads {@code path:line: problem}, the form compilers and editors
 * understand; the line is that of the offending record or directive, in the file it is written in
 * (an included file, when it is there).
 *
 * <pre>{@code
 * try {
 *   zone = ZoneFiles.load(path, origin);
 * } catch (ZoneFileException e) {
 *   editor.jumpTo(e.file(), e.line());
 * }
 * }</pre>
 */
public class ZoneFileException extends InvalidZoneException {
  /** The file the problem is in. */
  private final Path file;
  /** The 1-based line, or 0. */
  private final int line;
  /** The problem, without file and line. */
  private final String problem;

  /**
   * A problem at a line of a file.
   *
   * @param line the 1-based line, or 0 when the problem is with the file as a whole (a zone
   *     without SOA, say)
   * @param file the file the problem is in
   * @param problem what is wrong
   */
  public ZoneFileException(Path file, int line, String problem) {
    super(format(file, line, problem));
    this.file = file;
    this.line = line;
    this.problem = problem;
  }

  /**
   * A problem with its cause.
   *
   * @param file the file the problem is in
   * @param line the 1-based line, or 0 for the file as a whole
   * @param problem what is wrong
   * @param cause the failure underneath
   */
  public ZoneFileException(Path file, int line, String problem, Throwable cause) {
    super(format(file, line, problem), cause);
    this.file = file;
    this.line = line;
    this.problem = problem;
  }

  private static String format(Path file, int line, String problem) {
    return line > 0 ? file + ":" + line + ": " + problem : file + ": " + problem;
  }

  /**
   * The file the problem is in; an included file when the problem is there.
   *
   * @return the file
   */
  public Path file() {
    return file;
  }

  /**
   * The 1-based line, or 0 when the problem concerns the whole file.
   *
   * @return the line
   */
  public int line() {
    return line;
  }

  /**
   * The message without file and line.
   *
   * @return the problem
   */
  public String problem() {
    return problem;
  }
}
