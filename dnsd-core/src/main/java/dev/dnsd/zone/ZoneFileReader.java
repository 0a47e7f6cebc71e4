package dev.dnsd.zone;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Generator;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TTL;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Tokenizer;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * Reads a zone file and the files it includes into a zone, each file once from start to end, so
 * that loading costs the same per line whatever the file holds.
 *
 * <p>The reader cuts a file into entries itself (a line, or the lines a parenthesis holds open,
 * RFC 1035 §5.1) and so knows where each entry starts; dnsjava's {@link Tokenizer} and {@link
 * Record#fromString} parse the text of one entry. The directives ({@code $ORIGIN}, {@code $TTL},
 * {@code $INCLUDE}, {@code $GENERATE}) and the owner, TTL and class fields are read here, as
 * dnsjava's {@code Master} reads them: a missing TTL is the {@code $TTL}, else the previous
 * record's, and an SOA without one takes its minimum field; an included file starts from the
 * including file's origin (or the one its {@code $INCLUDE} names) and {@code $TTL}, and what it
 * sets does not outlive it.
 */
final class ZoneFileReader {
  private static final Logger log = LoggerFactory.getLogger(ZoneFileReader.class);

  /** How deep {@code $INCLUDE}s nest at most; the top-level file is depth 0. */
  static final int MAX_INCLUDE_DEPTH = 16;

  /** Differing TTLs named one by one; the rest of a zone's are counted in one line at the end. */
  private static final int TTL_WARNINGS = 10;

  private static final Pattern GENERATE_RANGE = Pattern.compile("(\\d+)-(\\d+)(?:/(\\d+))?");

  /** dnsjava's Tokenizer starts its messages with "name:line: "; a stream's name is "<none>". */
  private static final Pattern TOKENIZER_PREFIX = Pattern.compile("^<none>:(\\d+): (.*)$", Pattern.DOTALL);

  /** Opens the files a zone is read from: a seam for tests that count what is read. */
  interface Opener {
    Opener FILES = file -> Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);

    /** A reader of the file's bytes as ISO-8859-1 characters, one char per byte. */
    BufferedReader open(Path file) throws IOException;
  }

  /** A loaded zone, and the line of the top-level file's {@code $ORIGIN} that named it (or 0). */
  record Loaded(Zone zone, int originLine) {}

  /** One entry: its text, lines joined with {@code \n}, and the lines it spans. */
  private record Entry(String text, int first, int last) {}

  /** A file being read, and the parser state that is its own (RFC 1035 §5.1 for $INCLUDE). */
  private static final class Source implements AutoCloseable {
    final Path file;
    final Path identity;
    final BufferedReader in;
    int line;
    @Nullable Name origin;
    long defaultTtl;
    @Nullable Record last;

    Source(Path file, Path identity, BufferedReader in, @Nullable Name origin, long defaultTtl) {
      this.file = file;
      this.identity = identity;
      this.in = in;
      this.origin = origin;
      this.defaultTtl = defaultTtl;
    }

    /** The next entry, skipping blank and comment lines; null at the end of the file. */
    @Nullable Entry next() throws IOException {
      String text;
      do {
        text = readLine();
        if (text == null) {
          return null;
        }
      } while (isBlank(text));
      int first = line;
      int depth = depthAfter(text, 0);
      if (depth == 0) {
        return new Entry(text + "\n", first, first);
      }
      StringBuilder joined = new StringBuilder(text).append('\n');
      for (String more; depth > 0 && (more = readLine()) != null; ) {
        joined.append(more).append('\n');
        depth = depthAfter(more, depth);
      }
      return new Entry(joined.toString(), first, line);
    }

    private @Nullable String readLine() throws IOException {
      try {
        String text = in.readLine();
        if (text != null) {
          line++;
        }
        return text;
      } catch (IOException e) {
        throw new IOException("cannot read " + file + " after line " + line + ": " + e.getMessage(), e);
      }
    }

    /** The origin relative names complete with; known once the zone's is. */
    Name origin() {
      return Objects.requireNonNull(origin, "origin before the zone's is known");
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException ignored) {
        // Only read from; nothing is lost.
      }
    }
  }

  private final Opener opener;
  private final @Nullable Name givenOrigin;
  private final Source top;
  /** The files being read, innermost first: the top-level file and the $INCLUDEs it is inside. */
  private final Deque<Source> sources = new ArrayDeque<>();
  private Zone.@Nullable Editor editor;
  private int originLine;
  private @Nullable String soaAt;
  private int ttlDifferences;

  private ZoneFileReader(Opener opener, @Nullable Name givenOrigin, Source top) {
    this.opener = opener;
    this.givenOrigin = givenOrigin;
    this.top = top;
    sources.push(top);
  }

  /**
   * Reads a zone file.
   *
   * @param origin the zone's origin; null for the top-level file's last {@code $ORIGIN} before its
   *     first record, {@code $INCLUDE} or {@code $GENERATE}, or else the origin its name gives
   */
  static Loaded read(Path file, @Nullable Name origin, Opener opener) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString());
    }
    ZoneFileReader reader =
        new ZoneFileReader(
            opener, origin, new Source(file, file.toRealPath(), opener.open(file), origin, -1));
    try {
      return reader.readAll();
    } finally {
      for (Source s : reader.sources) {
        s.close();
      }
    }
  }

  /**
   * Reads zone text as if it were a file's: errors name {@code label} as their file, and a relative
   * {@code $INCLUDE} is resolved beside the label, as beside a file. The text is taken as the
   * bytes a UTF-8 file of it would hold, which is how a file's bytes reach the parser.
   */
  static Zone read(Path label, String text, Name origin) throws IOException {
    String bytes = new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    ZoneFileReader reader =
        new ZoneFileReader(
            Opener.FILES, origin,
            new Source(label, label, new BufferedReader(new StringReader(bytes)), origin, -1));
    try {
      return reader.readAll().zone();
    } finally {
      for (Source s : reader.sources) {
        s.close();
      }
    }
  }

  private Loaded readAll() throws IOException {
    while (!sources.isEmpty()) {
      Source source = sources.peek();
      Entry entry = source.next();
      if (entry == null) {
        sources.pop().close();
      } else {
        entry(source, entry);
      }
    }
    if (ttlDifferences > TTL_WARNINGS) {
      log.warn(
          "{}: {} more records whose TTL differs from their RRset's, not named one by one",
          top.file, ttlDifferences - TTL_WARNINGS);
    }
    try {
      return new Loaded(zone().build(), originLine);
    } catch (InvalidZoneException e) {
      throw new ZoneFileException(top.file, 0, e.getMessage(), e);
    }
  }

  private void entry(Source source, Entry entry) throws IOException {
    Tokenizer st = tokenizer(entry.text);
    Record record;
    try {
      Tokenizer.Token token = st.get(true, false);
      Name owner;
      if (token.type == Tokenizer.WHITESPACE) {
        Tokenizer.Token next = st.get();
        if (next.isEOL()) {
          return;
        }
        st.unget();
        Record last = source.last;
        if (last == null) {
          throw st.exception("no owner: the first record of a file names its owner");
        }
        owner = last.getName();
      } else if (token.isEOL()) {
        return;
      } else if (token.type == Tokenizer.IDENTIFIER && token.value.startsWith("$")) {
        directive(source, entry, st, token.value);
        return;
      } else {
        zone(); // the first record: the zone's origin is known now
        owner = parseName(st, token.value, source.origin());
        Record last = source.last;
        if (last != null && owner.equals(last.getName())) {
          owner = last.getName(); // one Name object for all records of an owner
        }
      }
      record = record(source, st, owner);
    } catch (TextParseException | RuntimeException e) {
      throw syntax(source, entry, e);
    }
    source.last = record;
    add(source, entry, record);
  }

  private void directive(Source source, Entry entry, Tokenizer st, String word) throws IOException {
    switch (word.toUpperCase(Locale.ROOT)) {
      case "$ORIGIN" -> {
        source.origin = st.getName(Name.root);
        st.getEOL();
        if (editor == null && givenOrigin == null) {
          originLine = entry.first;
        }
      }
      case "$TTL" -> {
        source.defaultTtl = st.getTTL();
        st.getEOL();
      }
      case "$INCLUDE" -> include(source, entry, st);
      case "$GENERATE" -> generate(source, entry, st);
      default -> throw st.exception("unknown directive " + word);
    }
  }

  private void include(Source source, Entry entry, Tokenizer st) throws IOException {
    zone();
    String name = st.getString();
    Name origin = source.origin();
    Tokenizer.Token token = st.get();
    if (token.isString()) {
      origin = parseName(st, token.value, Name.root);
      st.getEOL();
    }
    // Relative to the including file, as BIND and dnsjava have it.
    Path file = source.file.resolveSibling(name);
    Path identity;
    try {
      if (!Files.isRegularFile(file)) {
        throw at(source, entry, "cannot open $INCLUDE file " + file + ": no such file");
      }
      identity = file.toRealPath();
    } catch (IOException e) {
      throw at(source, entry, "cannot open $INCLUDE file " + file + ": " + e);
    }
    for (Source open : sources) {
      if (open.identity.equals(identity)) {
        throw at(source, entry, "$INCLUDE loop: " + chain(file));
      }
    }
    if (sources.size() > MAX_INCLUDE_DEPTH) {
      throw at(source, entry,
          "$INCLUDE nested more than " + MAX_INCLUDE_DEPTH + " files deep: " + chain(file));
    }
    BufferedReader in;
    try {
      in = opener.open(file);
    } catch (IOException e) {
      throw at(source, entry, "cannot open $INCLUDE file " + file + ": " + e);
    }
    sources.push(new Source(file, identity, in, origin, source.defaultTtl));
  }

  /** The files being read, outermost first, and the one that would close the loop. */
  private String chain(Path again) {
    StringBuilder out = new StringBuilder();
    for (var it = sources.descendingIterator(); it.hasNext(); ) {
      out.append(it.next().file).append(" includes ");
    }
    return out.append(again).toString();
  }

  /** {@code $GENERATE start-stop[/step] owner [ttl] [class] type rdata}, as BIND has it. */
  private void generate(Source source, Entry entry, Tokenizer st) throws IOException {
    zone();
    String range = st.getIdentifier();
    Matcher m = GENERATE_RANGE.matcher(range);
    boolean matches = m.matches();
    long start = matches ? parseUInt32(m.group(1)) : -1;
    long stop = matches ? parseUInt32(m.group(2)) : -1;
    long step = matches && m.group(3) != null ? parseUInt32(m.group(3)) : 1;
    if (start < 0 || stop < start || step <= 0) {
      throw st.exception("$GENERATE range must be start-stop[/step]: " + range);
    }
    String ownerPattern = st.getIdentifier();
    Header h = header(source, st);
    if (!Generator.supportedType(h.type)) {
      throw st.exception("$GENERATE does not support " + Type.string(h.type) + " records");
    }
    String rdataPattern = st.getIdentifier();
    st.getEOL();
    Generator generator =
        new Generator(start, stop, step, ownerPattern, h.type, h.dclass, h.ttl, rdataPattern, source.origin());
    for (Record r; (r = generated(source, entry, generator)) != null; ) {
      add(source, entry, r);
    }
  }

  private @Nullable Record generated(Source source, Entry entry, Generator generator) {
    try {
      return generator.nextRecord();
    } catch (IOException | RuntimeException e) {
      throw at(source, entry, "$GENERATE: " + e.getMessage());
    }
  }

  private static long parseUInt32(String digits) {
    try {
      long value = Long.parseLong(digits);
      return value <= 0xFFFFFFFFL ? value : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private record Header(long ttl, int dclass, int type, boolean soaTtl) {}

  /** The fields after the owner: {@code [ttl] [class] type} or {@code [class] [ttl] type}. */
  private static Header header(Source source, Tokenizer st) throws IOException {
    String word = st.getString();
    int dclass = DClass.value(word);
    boolean classFirst = dclass >= 0;
    if (classFirst) {
      word = st.getString();
    }
    long ttl;
    try {
      ttl = TTL.parseTTL(word);
      word = st.getString();
    } catch (NumberFormatException e) {
      Record last = source.last;
      ttl = source.defaultTtl >= 0 ? source.defaultTtl : last != null ? last.getTTL() : -1;
    }
    if (!classFirst) {
      dclass = DClass.value(word);
      if (dclass >= 0) {
        word = st.getString();
      } else {
        dclass = DClass.IN;
      }
    }
    int type = Type.value(word);
    if (type < 0) {
      throw st.exception("unknown type " + word);
    }
    if (ttl < 0 && type != Type.SOA) {
      throw st.exception("no TTL: the record has none and no $TTL or earlier record gives one");
    }
    return new Header(Math.max(ttl, 0), dclass, type, ttl < 0);
  }

  private static Record record(Source source, Tokenizer st, Name owner) throws IOException {
    Header h = header(source, st);
    Record record;
    try {
      record = Record.fromString(owner, h.type, h.dclass, h.ttl, st, source.origin());
    } catch (WireParseException e) {
      // RFC 3597's \# form hands the data to the type's wire reader, whose errors carry no line.
      throw st.exception("bad " + Type.string(h.type) + " data: " + e.getMessage());
    }
    if (h.soaTtl && record instanceof SOARecord soa) {
      // As BIND does: an SOA without a TTL takes its minimum field, which becomes the default.
      source.defaultTtl = soa.getMinimum();
      return new SOARecord(
          soa.getName(), soa.getDClass(), soa.getMinimum(), soa.getHost(), soa.getAdmin(),
          soa.getSerial(), soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum());
    }
    return record;
  }

  private void add(Source source, Entry entry, Record r) {
    Zone.Editor zone = zone();
    int type = r.getType();
    RRset existing = zone.rrset(r.getName(), type);
    if (type == Type.SOA && soaAt == null) {
      soaAt = source.file + ":" + entry.first;
    } else if (type == Type.SOA) {
      throw at(source, entry, "a second SOA record; the zone's SOA is at " + soaAt);
    } else if ((type == Type.CNAME || type == Type.DNAME)
        && existing != null
        && !existing.first().equals(r)) {
      throw at(source, entry,
          "a second " + Type.string(type) + " at " + r.getName() + "; an owner has at most one");
    }
    // RRSIG records keep the TTLs of the RRsets they cover: theirs differ by design.
    if (existing != null && type != Type.RRSIG && existing.ttl() != r.getTTL()
        && ++ttlDifferences <= TTL_WARNINGS) {
      log.warn(
          "{}:{}: TTL {} differs from the {} earlier {} {} record(s); the RRset takes {} (RFC 2181 §5.2)",
          source.file, entry.first, r.getTTL(), existing.ttl(), r.getName(), Type.string(type), r.getTTL());
    }
    try {
      zone.add(r);
    } catch (InvalidZoneException e) {
      throw at(source, entry, e.getMessage());
    }
  }

  /**
   * The editor of the zone. Its origin is the one the caller gave, else the top-level file's last
   * {@code $ORIGIN} before its first record, {@code $INCLUDE} or {@code $GENERATE}, else the one
   * the file's name gives; from then on it is known.
   */
  private Zone.Editor zone() {
    Zone.Editor e = editor;
    if (e == null) {
      Name origin = givenOrigin != null ? givenOrigin : top.origin;
      if (origin == null) {
        origin = ZoneFiles.originOfName(top.file);
        top.origin = origin;
      }
      e = Zone.empty(origin).edit();
      editor = e;
    }
    return e;
  }

  private static Name parseName(Tokenizer st, String text, @Nullable Name origin) throws TextParseException {
    try {
      Name name = Name.fromString(text, origin);
      if (!name.isAbsolute()) {
        throw st.exception("relative name " + text + " and no origin to complete it");
      }
      return name;
    } catch (TextParseException e) {
      throw st.exception(e.getMessage());
    }
  }

  /** A tokenizer of one entry's bytes, as dnsjava would read them from the file. */
  private static Tokenizer tokenizer(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    // Sized to the entry: the Tokenizer would otherwise wrap it in an 8 KiB buffer per record.
    return new Tokenizer(new BufferedInputStream(new ByteArrayInputStream(bytes), bytes.length));
  }

  private static ZoneFileException at(Source source, Entry entry, String problem) {
    return new ZoneFileException(source.file, entry.first, problem);
  }

  /**
   * An error parsing an entry, at the line the tokenizer was on when it found the problem. The
   * tokenizer counts a line once it has read its end, so a problem found at the end of the
   * entry's last line is put on that line.
   */
  private static ZoneFileException syntax(Source source, Entry entry, Exception e) {
    if (e instanceof ZoneFileException z) {
      return z;
    }
    String problem = String.valueOf(e.getMessage());
    int line = entry.first;
    Matcher m = TOKENIZER_PREFIX.matcher(problem);
    if (m.matches()) {
      line = Math.min(entry.last, entry.first + Integer.parseInt(m.group(1)) - 1);
      problem = m.group(2);
    }
    return new ZoneFileException(source.file, line, problem, e);
  }

  /** Whether a line holds nothing but blanks and maybe a comment. */
  private static boolean isBlank(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == ';') {
        return true;
      }
      if (c != ' ' && c != '\t') {
        return false;
      }
    }
    return true;
  }

  /**
   * The depth of parentheses after a line, starting at {@code depth}: an entry continues over lines
   * while one is open (RFC 1035 §5.1). Quotes, escapes and comments as dnsjava's Tokenizer reads
   * them; a stray closing parenthesis is left for the tokenizer to report.
   */
  static int depthAfter(String line, int depth) {
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == ';') {
        break;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        depth = Math.max(0, depth - 1);
      }
    }
    return depth;
  }
}
