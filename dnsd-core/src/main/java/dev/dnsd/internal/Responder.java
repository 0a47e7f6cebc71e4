package dev.dnsd.internal;

import dev.dnsd.RateLimit;
import dev.dnsd.Replier;
import dev.dnsd.Request;
import dev.dnsd.ServerExtension;
import dev.dnsd.internal.transport.QueryHandler;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers DNS queries authoritatively from the zones served: query bytes in, answer bytes out.
 *
 * <pre>{@code
 * Responder responder = new Responder(store::zones, ServerConfig.defaults());
 * byte[] answer = responder.respond(buf, length, client, false, replier);
 * if (answer != null) socket.send(answer);
 * }</pre>
 *
 * <p>Thread-safe and lock-free: each query reads the zone table once and works on that immutable
 * snapshot, so a change published meanwhile is seen whole by the next query and not at all by this
 * one. {@link #respond} never throws; an unexpected failure is logged and answered SERVFAIL.
 *
 * <p>What it answers: QUERY in class IN from the zones (RFC 1034, 2308, 4592, 6672, 6604), with
 * signatures and denial proofs from signed zones when the query has DO=1 (RFC 4035 §3.1), class
 * CH TXT names from the configuration, EDNS(0) per RFC 6891 with DO and NSID (RFC 5001). Other
 * opcodes and AXFR/IXFR are offered to the configured {@link ServerExtension}s, else NOTIMP and
 * REFUSED; so are signed queries and SOA queries asking for EDNS EXPIRE, else answered plainly. Responses to our own answers (QR=1) and packets shorter than a header are dropped.
 *
 * <p>A miss of the answer cache whose answer is simple (NXDOMAIN, NODATA, a wildcard's records, a
 * referral, with no DNSSEC records) is encoded straight from the zone snapshot ({@link
 * DirectAnswer}); the rest takes the full path: dnsjava parses, {@link Lookup} finds, dnsjava
 * encodes.
 *
 * <p>Each request is classified once, here ({@link Request.Kind}), and its response size limit
 * worked out once ({@link Edns#responseLimit}); an extension that takes the request finds both on
 * the {@link Request}.
 *
 * <p>ANY (RFC 8482): over UDP the answer holds one RRset at the name, the one with the lowest type
 * code, so the choice is deterministic and small; over TCP it holds every RRset at the name,
 * since size and amplification do not matter there and tools like {@code dig ANY +tcp} expect it.
 */
public final class Responder implements QueryHandler {
  private static final Logger log = LoggerFactory.getLogger(Responder.class);
  /** A query that makes the lookup fail would, repeated, fill the log with stack traces. */
  private static final RateLimitedLog ERRORS = new RateLimitedLog(log);

  private final Supplier<ZoneTable> zones;
  /** One empty set: the cache tells states apart by the identity of their expired sets. */
  private static final Set<Name> NONE_EXPIRED = Set.of();

  private final Supplier<Set<Name>> expired;
  private final ServerConfig config;
  private final byte @Nullable [] nsid;
  private final @Nullable AnswerCache cache;
  /** The RRsets' wire forms for the direct encoding; null when every miss takes the full path. */
  private final DirectAnswer.@Nullable Memo directMemo;
  private final @Nullable ServerCookies cookies;
  private final @Nullable RateLimiter rateLimiter;
  /** What every request counts into; null only in benchmarks that measure what counting costs. */
  private final @Nullable QueryCounters counters;
  /**
   * The OPT record of an answer copied from the query (REFUSED, a rate-limited TC), by {@code (DO
   * ? 1 : 0) | (NSID asked ? 2 : 0)}; the same for every rcode below 16.
   */
  private final byte[][] refusedOpt = new byte[4][];

  /**
   * A responder without expired zones.
   *
   * @param zones the zone table, read once per query
   * @param config the server's settings
   */
  public Responder(Supplier<ZoneTable> zones, ServerConfig config) {
    this(zones, () -> NONE_EXPIRED, config);
  }

  /**
   * A responder that answers some zones SERVFAIL.
   *
   * @param expired the origins of zones to answer SERVFAIL, read once per query: secondary zones
   *     whose primary was unreachable for the SOA expire interval
   * @param zones the zone table, read once per query
   * @param config the server's settings
   */
  public Responder(Supplier<ZoneTable> zones, Supplier<Set<Name>> expired, ServerConfig config) {
    this(zones, expired, config, new QueryCounters());
  }

  /**
   * A responder that counts into the given counters, or (null) counts nothing: what a benchmark
   * compares to measure the counters' cost.
   *
   * @param zones the zone table, read once per query
   * @param expired the origins of zones to answer SERVFAIL, read once per query
   * @param config the server's settings
   * @param counters where every request is counted, or null for nowhere
   */
  public Responder(
      Supplier<ZoneTable> zones, Supplier<Set<Name>> expired, ServerConfig config, @Nullable QueryCounters counters) {
    this(zones, expired, config, counters, true);
  }

  /**
   * A responder that may be told to answer every cache miss the full way: what tests compare the
   * direct encoding with ({@link DirectAnswer}).
   */
  Responder(
      Supplier<ZoneTable> zones, Supplier<Set<Name>> expired, ServerConfig config, @Nullable QueryCounters counters,
      boolean directEncoding) {
    this.directMemo = directEncoding ? new DirectAnswer.Memo() : null;
    this.counters = counters;
    this.zones = zones;
    this.expired = expired;
    this.config = config;
    this.nsid = config.nsid();
    this.cache = config.answerCacheBytes() == 0 ? null : new AnswerCache(config.answerCacheBytes());
    byte[] secret = config.cookieSecret();
    Clock clock = config.clock();
    LongSupplier seconds = () -> clock.millis() / 1000;
    this.cookies =
        !config.cookies()
            ? null
            : secret != null
                ? ServerCookies.fixed(secret, seconds)
                : ServerCookies.random(Duration.ofDays(1), seconds);
    RateLimit limit = config.rateLimit();
    this.rateLimiter = limit == null ? null : new RateLimiter(limit, () -> clock.millis() * 1_000_000);
    for (int i = 0; i < refusedOpt.length; i++) {
      Edns shape = new Edns(0, Edns.MIN_PAYLOAD, (i & 1) != 0, (i & 2) != 0, false, null);
      refusedOpt[i] = shape.answerOpt(Rcode.REFUSED, config.maxUdpPayload(), nsid).toWire(Section.ADDITIONAL);
    }
  }

  /**
   * The counters every request answered here counts into.
   *
   * @return the counters, or null when this responder counts nothing
   */
  public @Nullable QueryCounters counters() {
    return counters;
  }

  /**
   * The answer to a query as the responder builds it, before encoding: for an extension that
   * answers a signed query itself (it checks the TSIG, then signs this). Extensions are not asked.
   *
   * @param query the query
   * @param tcp whether it came over TCP
   * @return the answer, not encoded
   * @throws IllegalArgumentException when the query is not one QUERY question
   */
  public Message answer(Message query, boolean tcp) {
    if (query.getHeader().getOpcode() != Opcode.QUERY || query.getHeader().getCount(Section.QUESTION) != 1) {
      throw new IllegalArgumentException("not a QUERY with one question");
    }
    Edns edns;
    try {
      edns = Edns.read(query);
    } catch (IOException e) {
      return build(query, null, Answer.withRcode(Rcode.FORMERR));
    }
    return build(query, edns, lookup(query.getQuestion(), zones.get(), expired.get(), tcp, dnssecOk(edns)));
  }

  /**
   * A worker's scratch state, reused for every query it answers: the wire reader's result, and
   * what the cheap path found for the full path to use.
   */
  private static final class Scratch {
    final WireQuery query = new WireQuery();
    /** This worker's counters (null: none); what the request did, for them. */
    final QueryCounters.@Nullable Cell counts;
    int path;
    int limited;
    /** The question's type as dnsjava read it on the full path; -1 for none. */
    int qtype;
    /** The answer's rcode above the header's four bits (BADVERS, BADCOOKIE). */
    int extendedRcode;
    /** Whether the wire reader took the query (then {@link #query} describes it). */
    boolean parsed;
    /** The cached answer found. */
    AnswerCache.@Nullable Entry hit;
    /** The generation a fresh answer is cached under; null when it is not to be cached. */
    AnswerCache.@Nullable Generation generation;
    /** Where the answer's OPT record starts (-1: none), and how the rate limiter counts it. */
    int optStart;
    int rrlKind;
    long rrlName;
    /** The query's COOKIE option data: in {@code cookieSource} from {@code cookieAt}; 0 long: none. */
    byte[] cookieSource = new byte[0];
    int cookieAt;
    int cookieLength;
    final byte[] hashInput = new byte[32];
    /** This worker's direct encoder, or null when misses take the full path. */
    final @Nullable DirectAnswer direct;

    Scratch(QueryCounters.@Nullable Cell counts, DirectAnswer.@Nullable Memo memo) {
      this.counts = counts;
      this.direct = memo == null ? null : new DirectAnswer(memo);
    }
  }

  /**
   * Answers one request.
   *
   * @param packet the received bytes, of which the first {@code length} are the message
   * @param tcp whether it came over TCP: the answer may then be up to 65535 bytes, otherwise it
   *     fits the client's EDNS payload size (512 without EDNS) and our maximum, with TC if cut
   * @param replier how an extension that takes the request sends its answers
   * @return the encoded answer, or null when the packet is dropped or an extension took it
   */
  @Override
  public byte @Nullable [] respond(
      byte[] packet, int length, InetSocketAddress client, boolean tcp, Replier replier) {
    byte[] out = new byte[65535];
    int n = answer(new Scratch(counters == null ? null : counters.shared(), directMemo), packet, length, client, tcp, replier, out);
    return n < 0 ? null : Arrays.copyOf(out, n);
  }

  /**
   * Answers one request for one thread, into its buffer, keeping scratch state between calls: the
   * transports' hot path, which then allocates nothing when the answer is cached or refused.
   */
  @Override
  public QueryHandler.Worker worker() {
    Scratch s = new Scratch(counters == null ? null : counters.worker(), directMemo);
    return new QueryHandler.Worker() {
      @Override
      public int respond(
          byte[] packet, int length, InetSocketAddress client, boolean tcp, Replier replier, byte[] out) {
        return answer(s, packet, length, client, tcp, replier, out);
      }

      /**
       * Only a request that is not a plain QUERY can reach an extension (the wire reader takes
       * plain queries alone); with no extensions, nothing blocks.
       */
      @Override
      public boolean mayBlock(byte[] packet, int length) {
        return !config.extensions().isEmpty()
            && acceptable(packet, length)
            && !s.query.parse(packet, length, true, config.maxUdpPayload());
      }
    };
  }

  /** The answer into {@code out}: its length, or -1 when nothing is to be sent. */
  private int answer(
      Scratch s, byte[] packet, int length, InetSocketAddress client, boolean tcp, Replier replier, byte[] out) {
    if (!acceptable(packet, length)) {
      return -1;
    }
    int n;
    s.path = QueryCounters.NONE;
    s.limited = QueryCounters.NONE;
    s.qtype = -1;
    s.extendedRcode = 0;
    try {
      ZoneTable table = zones.get();
      Set<Name> stale = expired.get();
      switch (fast(s, table, stale, packet, length, tcp)) {
        case HIT:
          s.path = QueryCounters.CACHE_HIT;
          AnswerCache.Entry hit = s.hit;
          n = patch(hit.answer, packet, s.query, out);
          s.optStart = hit.optStart;
          s.rrlKind = hit.rrlKind;
          s.rrlName = hit.rrlName;
          break;
        case REFUSE:
          s.path = QueryCounters.REFUSED;
          n = copyQuestion(packet, s.query, out, Rcode.REFUSED, false);
          s.optStart = s.query.edns ? s.query.questionEnd : -1;
          s.rrlKind = RateLimiter.ERROR;
          s.rrlName = 0;
          break;
        default:
          s.path = cache != null && s.parsed ? QueryCounters.CACHE_MISS : QueryCounters.NONE;
          n = s.parsed && s.direct != null ? direct(s, s.direct, table, stale, packet, out) : DirectAnswer.FALLBACK;
          if (n == DirectAnswer.FALLBACK) {
            byte[] full = slow(s, table, stale, packet, length, client, tcp, replier);
            if (full == null) {
              return counted(s, packet, tcp, out, -1);
            }
            n = copy(full, out);
          }
      }
    } catch (RuntimeException e) {
      return counted(s, packet, tcp, out, copy(failed(packet, length, client, e), out));
    }
    return counted(s, packet, tcp, out,
        cookies == null && rateLimiter == null ? n : limitAndCookie(s, packet, client, tcp, out, n));
  }

  /** Counts the request and what became of it; returns the answer's length. */
  private static int counted(Scratch s, byte[] packet, boolean tcp, byte[] out, int n) {
    QueryCounters.Cell c = s.counts;
    if (c != null) {
      int rcode = n < Header.LENGTH ? -1 : s.extendedRcode << 4 | (out[3] & 0x0F);
      c.query(tcp, (packet[2] >>> 3) & 0x0F, s.parsed ? s.query.qtype : s.qtype, rcode, s.path, s.limited);
    }
    return n;
  }

  /**
   * Response rate limiting, then the server cookie: a query with a valid server cookie is not
   * limited (its address is not forged), and a limited one that sent a cookie gets BADCOOKIE with
   * a fresh one instead of an empty TC answer (RFC 7873 §5.2.3).
   */
  private int limitAndCookie(Scratch s, byte[] packet, InetSocketAddress client, boolean tcp, byte[] out, int n) {
    ServerCookies c = cookies;
    int verdict = ServerCookies.NONE;
    if (c != null && s.cookieLength > 0) {
      verdict = c.check(s.cookieSource, s.cookieAt, s.cookieLength, client.getAddress(), s.hashInput);
    }
    RateLimiter limiter = rateLimiter;
    if (limiter != null && !tcp && verdict != ServerCookies.VALID && verdict != ServerCookies.VALID_STALE) {
      switch (limiter.check(client.getAddress(), s.rrlKind, s.rrlName)) {
        case RateLimiter.DROP:
          s.limited = QueryCounters.RRL_DROPPED;
          return -1;
        case RateLimiter.SLIP:
          s.limited = QueryCounters.RRL_SLIPPED;
          if (!s.parsed) {
            byte[] tc = headerOnly(packet, Rcode.NOERROR);
            tc[2] |= FLAGS_TC;
            return copy(tc, out);
          }
          if (c != null && verdict != ServerCookies.NONE) {
            s.limited = QueryCounters.RRL_BADCOOKIE;
            s.extendedRcode = Rcode.BADCOOKIE >>> 4;
            return badCookie(c, s, packet, client, out);
          }
          return copyQuestion(packet, s.query, out, Rcode.NOERROR, true);
        default:
          break;
      }
    }
    if (c != null && verdict != ServerCookies.NONE && s.optStart >= 0) {
      int rdlength = (out[s.optStart + 9] & 0xFF) << 8 | (out[s.optStart + 10] & 0xFF);
      rdlength += ServerCookies.OPTION_BYTES;
      out[s.optStart + 9] = (byte) (rdlength >>> 8);
      out[s.optStart + 10] = (byte) rdlength;
      n += c.write(out, n, s.cookieSource, s.cookieAt, verdict, client.getAddress(), s.hashInput);
    }
    return n;
  }

  /** BADCOOKIE (rcode 23) with the question and a fresh server cookie, DO echoed. */
  private int badCookie(ServerCookies c, Scratch s, byte[] packet, InetSocketAddress client, byte[] out) {
    WireQuery q = s.query;
    int n = copyQuestion(packet, q, out, Rcode.BADCOOKIE & 0xF, false);
    if (q.edns) {
      n = q.questionEnd; // our own OPT record follows instead of the usual one
    }
    out[10] = 0;
    out[11] = 1;
    out[n] = 0; // root
    out[n + 1] = 0;
    out[n + 2] = 41; // OPT
    out[n + 3] = (byte) (config.maxUdpPayload() >>> 8);
    out[n + 4] = (byte) config.maxUdpPayload();
    out[n + 5] = (byte) (Rcode.BADCOOKIE >>> 4); // the rcode's upper eight bits
    out[n + 6] = 0; // version
    out[n + 7] = (byte) (q.dnssecOk ? 0x80 : 0);
    out[n + 8] = 0;
    out[n + 9] = 0;
    out[n + 10] = ServerCookies.OPTION_BYTES;
    return n + 11 + c.write(out, n + 11, s.cookieSource, s.cookieAt, ServerCookies.INVALID, client.getAddress(), s.hashInput);
  }

  /** Whether the answer to this query would come from the cache now; for tests. */
  boolean isCached(byte[] query, boolean tcp) {
    WireQuery q = new WireQuery();
    ZoneTable table = zones.get();
    return cache != null
        && q.parse(query, query.length, tcp, config.maxUdpPayload())
        && cache.get(cache.generation(table, expired.get()), query, q) != null;
  }

  @Nullable AnswerCache cache() {
    return cache;
  }

  private static boolean acceptable(byte[] packet, int length) {
    // Responses are dropped: answering them could start a loop between two servers.
    return length >= Header.LENGTH && length <= packet.length && (packet[2] & 0x80) == 0;
  }

  private static byte[] failed(byte[] packet, int length, InetSocketAddress client, RuntimeException e) {
    ERRORS.error(client.getAddress(), "failed", "Answering a {}-byte query from {} failed; replying SERVFAIL",
        length, client, e);
    return headerOnly(packet, Rcode.SERVFAIL);
  }

  private static int copy(byte @Nullable [] answer, byte[] out) {
    if (answer == null) {
      return -1;
    }
    System.arraycopy(answer, 0, out, 0, answer.length);
    return answer.length;
  }

  private static final int MISS = 0;
  private static final int HIT = 1;
  private static final int REFUSE = 2;

  /**
   * The cheap path: reads only the header and question, then finds the answer in the cache
   * ({@link #HIT}, in {@code s.hit}), or finds the name in no zone ({@link #REFUSE}); on a
   * {@link #MISS} {@code s.generation} is set when the full path's answer may be cached.
   */
  private int fast(
      Scratch s, ZoneTable table, Set<Name> stale, byte[] packet, int length, boolean tcp) {
    s.generation = null;
    s.hit = null;
    WireQuery q = s.query;
    s.parsed = q.parse(packet, length, tcp, config.maxUdpPayload());
    s.cookieSource = packet;
    s.cookieAt = s.parsed ? q.cookieAt : 0;
    s.cookieLength = s.parsed ? q.cookieLength : 0;
    if (cache == null || !s.parsed) {
      return MISS;
    }
    AnswerCache.Generation generation = cache.generation(table, stale);
    AnswerCache.Entry hit = cache.get(generation, packet, q);
    if (hit != null) {
      s.hit = hit;
      return HIT;
    }
    if (q.qclass == DClass.IN
        && !generation.origins().mayHold(packet, q)
        && refusedLength(q) + cookieRoom(s.cookieLength) <= q.limit) {
      return REFUSE;
    }
    s.generation = generation;
    return MISS;
  }

  /** What an answer must leave free for the server cookie that will be added to it. */
  private int cookieRoom(int queryCookieLength) {
    return cookies != null && queryCookieLength > 0 ? ServerCookies.OPTION_BYTES : 0;
  }

  /**
   * The cached answer with this query's ID, RD and CD bits and question name (same name but for
   * case, which DNS keeps as the client wrote it). Names in the answer that point to the question
   * then read in the client's case too, as they would in a freshly encoded answer.
   */
  private static int patch(byte[] cached, byte[] packet, WireQuery q, byte[] out) {
    System.arraycopy(cached, 0, out, 0, cached.length);
    out[0] = packet[0];
    out[1] = packet[1];
    out[2] = (byte) ((cached[2] & ~0x01) | (packet[2] & 0x01));
    out[3] = (byte) ((cached[3] & ~0x10) | (packet[3] & 0x10));
    System.arraycopy(packet, WireQuery.QNAME, out, WireQuery.QNAME, q.nameEnd - WireQuery.QNAME);
    return cached.length;
  }

  private int refusedLength(WireQuery q) {
    return q.questionEnd + (q.edns ? refusedOpt[optShape(q)].length : 0);
  }

  private static int optShape(WireQuery q) {
    return (q.dnssecOk ? 1 : 0) | (q.nsidRequested ? 2 : 0);
  }

  /**
   * An answer with only the question, copied from the query as the full path would encode it: the
   * header with QR, RD and CD, the question, and our OPT record when the query had EDNS. REFUSED
   * for a name in no zone here; NOERROR with TC for a rate-limited answer that slips.
   */
  private int copyQuestion(byte[] packet, WireQuery q, byte[] out, int rcode, boolean truncated) {
    int n = q.questionEnd;
    System.arraycopy(packet, 0, out, 0, n);
    out[2] = (byte) (0x80 | (packet[2] & 0x01) | (truncated ? FLAGS_TC : 0));
    out[3] = (byte) ((packet[3] & 0x10) | rcode);
    out[10] = 0;
    out[11] = 0;
    if (q.edns) {
      byte[] opt = refusedOpt[optShape(q)];
      System.arraycopy(opt, 0, out, n, opt.length);
      out[11] = 1;
      n += opt.length;
    }
    return n;
  }

  private static final int FLAGS_TC = 0x02; // in the third header byte

  /**
   * A miss answered by the direct encoding into {@code out}, set up for the rate limiter, the
   * cookie and the cache as the full path would; {@link DirectAnswer#FALLBACK} when it cannot.
   */
  private int direct(Scratch s, DirectAnswer d, ZoneTable table, Set<Name> stale, byte[] packet, byte[] out) {
    WireQuery q = s.query;
    byte[] opt = q.edns ? refusedOpt[optShape(q)] : null; // the rcode's upper bits are 0 here
    int n = d.answer(table, stale, packet, q, out, q.limit - cookieRoom(s.cookieLength), opt);
    Zone zone = d.zone;
    d.zone = null;
    if (n == DirectAnswer.FALLBACK || zone == null) {
      return DirectAnswer.FALLBACK;
    }
    s.optStart = opt == null ? -1 : n - opt.length;
    s.rrlKind = d.rrlKind;
    s.rrlName =
        s.rrlKind == RateLimiter.POSITIVE
            ? questionKey(WireNames.hash64(packet, WireQuery.QNAME, q.nameEnd), q.qtype)
            : zone.origin().hashCode();
    AnswerCache.Generation generation = s.generation;
    if (generation != null && cache != null && (d.nameHeld || cache.admit(q))) {
      cache.put(generation, packet, q, Arrays.copyOf(out, n), List.of(zone), s.optStart, s.rrlKind, s.rrlName);
    }
    return n;
  }

  /**
   * The full path: dnsjava parses, the request is classified, the lookup runs, dnsjava encodes;
   * cached when allowed. One method on purpose: at more than 325 bytecodes (C2's
   * FreqInlineSize) the JIT compiles it on its own instead of inlining it into the workers' hot
   * loop, which keeps that loop's compiled code small, and a rare branch taken here recompiles
   * only this method.
   */
  private byte @Nullable [] slow(
      Scratch s,
      ZoneTable table,
      Set<Name> stale,
      byte[] packet,
      int length,
      InetSocketAddress client,
      boolean tcp,
      Replier replier) {
    AnswerCache.Generation generation = s.generation;
    // Until a lookup answers it, the request is an error to the rate limiter and gets no cookie.
    s.optStart = -1;
    s.rrlKind = RateLimiter.ERROR;
    s.rrlName = 0;
    s.cookieLength = 0;
    byte[] wire = Arrays.copyOf(packet, length);
    Message query;
    Edns edns;
    try {
      query = new Message(wire);
      edns = Edns.read(query);
    } catch (IOException | IllegalArgumentException e) {
      return formerr(wire);
    }
    int limit = Edns.responseLimit(tcp, edns, config.maxUdpPayload());
    Record question = query.getQuestion();
    s.qtype = question == null ? -1 : question.getType();
    if (edns != null && edns.version() > 0) {
      s.extendedRcode = Rcode.BADVERS >>> 4;
      return encode(query, edns, Answer.withRcode(Rcode.BADVERS), limit); // RFC 6891 §6.1.3
    }
    Header header = query.getHeader();
    Request.Kind kind =
        Request.Kind.of(header.getOpcode(), question == null ? 0 : question.getType(), query.getTSIG() != null);
    switch (kind) {
      case NOTIFY, UPDATE, OTHER:
        // Before the question check: an unknown opcode may have no question (RFC 8906 §8.1.4).
        return offer(kind, query, wire, client, tcp, limit, replier)
            ? null
            : encode(query, edns, Answer.withRcode(Rcode.NOTIMP), limit);
      default:
        break;
    }
    if (header.getCount(Section.QUESTION) != 1) {
      return encode(query, edns, Answer.withRcode(Rcode.FORMERR), limit);
    }
    switch (kind) {
      case AXFR, IXFR:
        return offer(kind, query, wire, client, tcp, limit, replier)
            ? null
            : encode(query, edns, Answer.withRcode(Rcode.REFUSED), limit);
      case SIGNED_QUERY:
        // A signed query wants a signed answer (RFC 8945 §5.3): the extension holding the keys
        // makes it; when none takes it, it is answered unsigned.
        if (offer(kind, query, wire, client, tcp, limit, replier)) {
          return null;
        }
        break;
      case QUERY:
        // EXPIRE (RFC 7314) is the zone's remaining time, which the extension keeping the
        // secondary zones' timers knows; when none takes the query, it is answered without it.
        if (edns != null && edns.expireRequested() && question.getType() == Type.SOA
            && offer(kind, query, wire, client, tcp, limit, replier)) {
          return null;
        }
        break;
      default:
        break;
    }
    Answer answer = lookup(question, table, stale, tcp, dnssecOk(edns));
    byte[] cookie = edns == null ? null : edns.cookie();
    if (cookie != null && cookies != null) {
      s.cookieSource = cookie;
      s.cookieAt = 0;
      s.cookieLength = cookie.length;
    }
    byte[] encoded = encode(query, edns, answer, limit - cookieRoom(s.cookieLength));
    s.optStart = edns == null ? -1 : encoded.length - edns.answerOptLength(nsid);
    s.rrlKind = rateLimitKind(answer);
    s.rrlName =
        s.rrlKind == RateLimiter.POSITIVE
            ? questionKey(packet, s, question)
            : answer.sources.isEmpty() ? 0 : answer.sources.get(0).origin().hashCode();
    if (generation != null
        && cache != null
        && sameKey(s.query, question, edns, limit)
        && !answer.caseSensitive()) {
      cache.put(generation, packet, s.query, encoded, answer.sources, s.optStart, s.rrlKind, s.rrlName);
    }
    return encoded;
  }

  /**
   * The name and type of the question, case folded, as one number: what tells positive answers
   * apart for the rate limiter, whether the query came the cheap way or not.
   */
  private static long questionKey(byte[] packet, Scratch s, Record question) {
    long name =
        s.parsed
            ? WireNames.hash64(packet, WireQuery.QNAME, s.query.nameEnd)
            : WireNames.hash64(question.getName().toWireCanonical(), 0, question.getName().length());
    return questionKey(name, question.getType());
  }

  private static long questionKey(long nameHash, int qtype) {
    return nameHash * 31 + qtype;
  }

  /** What the rate limiter counts an answer as: identical answers are limited together. */
  private static int rateLimitKind(Answer answer) {
    if (answer.rcode == Rcode.NXDOMAIN) {
      return RateLimiter.NXDOMAIN;
    }
    if (answer.rcode != Rcode.NOERROR) {
      return RateLimiter.ERROR;
    }
    if (!answer.answer.isEmpty()) {
      return RateLimiter.POSITIVE;
    }
    return answer.authoritative ? RateLimiter.NODATA : RateLimiter.REFERRAL;
  }

  private static boolean dnssecOk(@Nullable Edns edns) {
    return edns != null && edns.dnssecOk();
  }

  private Answer lookup(Record question, ZoneTable table, Set<Name> stale, boolean tcp, boolean dnssecOk) {
    if (question.getDClass() == DClass.IN) {
      Answer answer = new Lookup(table, stale, dnssecOk).find(question.getName(), question.getType(), tcp);
      Additional.addTargets(table, answer, dnssecOk);
      return answer;
    }
    if (question.getDClass() == DClass.CH) {
      return Chaos.answer(config.chaosTxt(), question.getName(), question.getType());
    }
    return Answer.refused();
  }

  /**
   * Whether dnsjava read the query as the wire reader did: a guard that keeps an answer out of the
   * cache should the two ever disagree.
   */
  private static boolean sameKey(WireQuery key, Record question, @Nullable Edns edns, int limit) {
    return key.qtype == question.getType()
        && key.qclass == question.getDClass()
        && key.limit == limit
        && key.edns == (edns != null)
        && (edns == null || (key.dnssecOk == edns.dnssecOk() && key.nsidRequested == edns.nsidRequested()));
  }

  private boolean offer(
      Request.Kind kind, Message query, byte[] wire, InetSocketAddress client, boolean tcp, int limit,
      Replier replier) {
    if (config.extensions().isEmpty()) {
      return false;
    }
    Request request = new Request(kind, query, wire, client, tcp, limit);
    for (ServerExtension extension : config.extensions()) {
      if (extension.handle(request, replier)) {
        return true;
      }
    }
    return false;
  }

  private byte[] encode(Message query, @Nullable Edns edns, Answer answer, int limit) {
    return Truncation.encode(build(query, edns, answer), limit, answer.requiredAdditional, 0);
  }

  /** The reply: QR=1, RA=0, with ID, opcode, RD, CD and the question copied from the query. */
  private Message build(Message query, @Nullable Edns edns, Answer answer) {
    Header in = query.getHeader();
    Message out = new Message(in.getID());
    Header header = out.getHeader();
    header.setFlag(Flags.QR);
    header.setOpcode(in.getOpcode());
    copyFlag(in, header, Flags.RD);
    copyFlag(in, header, Flags.CD);
    if (answer.authoritative) {
      header.setFlag(Flags.AA);
    }
    header.setRcode(answer.rcode & 0xF);
    if (in.getCount(Section.QUESTION) == 1) {
      out.addRecord(query.getQuestion(), Section.QUESTION);
    }
    for (Record r : answer.answer) {
      out.addRecord(r, Section.ANSWER);
    }
    for (Record r : answer.authority) {
      out.addRecord(r, Section.AUTHORITY);
    }
    for (Record r : answer.additional) {
      out.addRecord(r, Section.ADDITIONAL);
    }
    if (edns != null) {
      out.addRecord(edns.answerOpt(answer.rcode, config.maxUdpPayload(), nsid), Section.ADDITIONAL);
    }
    return out;
  }

  private static void copyFlag(Header from, Header to, int flag) {
    if (from.getFlag(flag)) {
      to.setFlag(flag);
    }
  }

  /**
   * FORMERR for a request dnsjava could not read or whose EDNS broke a rule: the header, and our
   * OPT record when the request carried one (RFC 6891 §7), DO echoed. Its extended rcode bits
   * are 0, as REFUSED's are, so the REFUSED answer's OPT record serves.
   */
  private byte[] formerr(byte[] wire) {
    byte[] header = headerOnly(wire, Rcode.FORMERR);
    int dnssecOk = Edns.rawDnssecOk(wire, wire.length);
    if (dnssecOk == Edns.NO_OPT) {
      return header;
    }
    byte[] opt = refusedOpt[dnssecOk];
    byte[] out = Arrays.copyOf(header, header.length + opt.length);
    System.arraycopy(opt, 0, out, header.length, opt.length);
    out[11] = 1;
    return out;
  }

  /** A reply with only a header, for a query we could not parse: ID, opcode, RD and CD copied. */
  private static byte[] headerOnly(byte[] query, int rcode) {
    byte[] out = new byte[Header.LENGTH];
    out[0] = query[0];
    out[1] = query[1];
    out[2] = (byte) (0x80 | (query[2] & 0x79)); // QR, then the query's opcode and RD
    out[3] = (byte) ((query[3] & 0x10) | rcode); // the query's CD, then the rcode
    return out;
  }
}
