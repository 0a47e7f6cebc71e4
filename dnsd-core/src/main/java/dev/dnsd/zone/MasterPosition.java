package dev.dnsd.zone;

import java.io.File;
import java.lang.reflect.Field;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Master;
import org.xbill.DNS.Tokenizer;

/**
 * Where dnsjava's {@link Master} parser stands: the file it reads (an included one while inside an
 * {@code $INCLUDE}) and the line of the last token it read. Master publishes neither, so they are
 * read from its private state. When that state is not accessible (a dnsjava that renamed its
 * fields, or a module layer that does not open {@code org.xbill.DNS}) positions are unknown: errors
 * then name the top-level file and the line from dnsjava's own message, or no line.
 */
final class MasterPosition {
  private static final Logger log = LoggerFactory.getLogger(MasterPosition.class);
  private static final @Nullable Fields FIELDS = Fields.find();

  /** A file and a 1-based line; line 0 when unknown. */
  record Position(Path file, int line) {}

  private MasterPosition() {}

  /** The file being read and the line of the last token read, which ends the last record read. */
  static Position of(Master top, Path topFile) {
    Fields f = FIELDS;
    if (f == null) {
      return new Position(topFile, 0);
    }
    try {
      Master inner = innermost(f, top);
      File file = (File) f.file.get(inner);
      Tokenizer st = (Tokenizer) f.st.get(inner);
      int line = f.line.getInt(st);
      // Reading an end of line counts it, so a record that ended with its newline has the line
      // counter on the next line already; a token put back uncounts it.
      Tokenizer.Token current = (Tokenizer.Token) f.current.get(st);
      if (current != null && current.type == Tokenizer.EOL && !f.ungotten.getBoolean(st)) {
        line--;
      }
      return new Position(inner == top || file == null ? topFile : file.toPath(), line);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return new Position(topFile, 0);
    }
  }

  /**
   * Closes the files of {@code $INCLUDE}s the parser is inside: Master closes an included file
   * only when it reaches the end, so after a failure they would stay open.
   */
  static void closeIncluded(Master top) {
    Fields f = FIELDS;
    if (f == null) {
      return;
    }
    try {
      for (Master m = (Master) f.included.get(top); m != null; m = (Master) f.included.get(m)) {
        m.close();
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.debug("cannot close included zone files", e);
    }
  }

  private static Master innermost(Fields f, Master top) throws IllegalAccessException {
    Master m = top;
    for (Object next; (next = f.included.get(m)) != null; ) {
      m = (Master) next;
    }
    return m;
  }

  private record Fields(
      Field included, Field file, Field st, Field line, Field current, Field ungotten) {
    static @Nullable Fields find() {
      try {
        return new Fields(
            open(Master.class, "included"),
            open(Master.class, "file"),
            open(Master.class, "st"),
            open(Tokenizer.class, "line"),
            open(Tokenizer.class, "current"),
            open(Tokenizer.class, "ungottenToken"));
      } catch (ReflectiveOperationException | RuntimeException e) {
        log.info("zone file errors will not name lines: dnsjava's parser state is not readable ({})", e.toString());
        return null;
      }
    }

    private static Field open(Class<?> type, String name) throws NoSuchFieldException {
      Field field = type.getDeclaredField(name);
      field.setAccessible(true);
      return field;
    }
  }
}
