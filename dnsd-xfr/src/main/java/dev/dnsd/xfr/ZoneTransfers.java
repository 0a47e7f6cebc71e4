package dev.dnsd.xfr;

import dev.dnsd.DnsServer;
import dev.dnsd.Replier;
import dev.dnsd.Request;
import dev.dnsd.ServerExtension;
import dev.dnsd.internal.RateLimitedLog;
import dev.dnsd.internal.SetOnce;
import dev.dnsd.store.RecordStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Standard zone replication and dynamic update for a {@link DnsServer}, as one {@link
 * ServerExtension}: AXFR and IXFR out to allowed clients, NOTIFY to secondaries after every
 * commit, RFC 2136 UPDATE from allowed TSIG keys, and secondary zones that follow a primary.
 *
 * <pre>{@code
 * TsigKey key = TsigKey.fromFile("xfr-key", "hmac-sha256", Path.of("xfr.key"));
 * ZoneTransfers xfr = ZoneTransfers.builder()
 *     .tsigKey(key)
 *     .allowTransferKey("example.com", "xfr-key")
 *     .allowTransfer("example.com", "192.0.2.0/24")
 *     .allowUpdate("example.com", "xfr-key")
 *     .notify("example.com", new InetSocketAddress("192.0.2.53", 53))
 *     .secondaryZone("example.net", new InetSocketAddress("198.51.100.1", 53), "xfr-key")
 *     .build();
 * DnsServer server = DnsServer.builder().store(store).extension(xfr).build().start();
 * }</pre>
 *
 * <p>Every request that carries a TSIG record is checked (RFC 8945) and a failure answered
 * NOTAUTH with the TSIG error; answers to verified requests are signed. Transfers and updates are
 * refused unless allowed for the zone; an address prefix or a key allows, whichever matches.
 *
 * <p>This class configures and dispatches; each protocol has a class of its own: {@link
 * TransferOut} with its {@link TransferAcl}, {@link UpdateIn}, {@link NotifyIn} with the
 * secondary zones it refreshes, {@link NotifyOut}, and {@link SignedAnswers}. They answer through
 * one {@code Reply}, which signs and keeps to the request's size limit.
 *
 * <p>Thread-safe. An instance serves one server: it is configured by its builder, started by the
 * server and closed with it. Timers run on the builder's scheduler (a private one by default) and
 * read the builder's clock, so tests can drive both.
 */
public final class ZoneTransfers implements ServerExtension {
  private static final Logger log = LoggerFactory.getLogger(ZoneTransfers.class);
  /** Per packet: a flood of badly signed requests must not become a flood of log lines. */
  private static final RateLimitedLog WARNINGS = new RateLimitedLog(log);

  private final Map<Name, TsigKey> keys;
  private final TransferAcl transferAcl;
  private final Map<Name, List<UpdateGrant>> updateGrants;
  private final Map<Name, List<InetSocketAddress>> notifyTargets;
  private final Map<Name, NotifyIn.Config> secondaryZones;
  private final Clock clock;
  private final @Nullable ScheduledExecutorService givenScheduler;
  private final Duration notifyFirstRetry;
  private final int notifyAttempts;

  // Set by start(); a request that arrives before then is not taken.
  private volatile @Nullable Handlers handlers;
  private @Nullable ScheduledExecutorService scheduler;
  private RecordStore.@Nullable Subscription subscription;

  /** One handler per kind of request this extension takes. */
  private record Handlers(
      SignedAnswers signedAnswers,
      TransferOut transferOut,
      NotifyIn notifyIn,
      UpdateIn updateIn,
      @Nullable NotifyOut notifyOut) {}

  private ZoneTransfers(Builder b) {
    this.keys = Map.copyOf(b.keys);
    this.transferAcl = new TransferAcl(b.transferPrefixes, b.transferKeys);
    Map<Name, List<UpdateGrant>> grants = new LinkedHashMap<>();
    b.update.forEach((zone, list) -> grants.put(zone, List.copyOf(list)));
    this.updateGrants = Map.copyOf(grants);
    Map<Name, List<InetSocketAddress>> targets = new LinkedHashMap<>();
    b.notify.forEach((zone, list) -> targets.put(zone, List.copyOf(list)));
    this.notifyTargets = Map.copyOf(targets);
    this.secondaryZones = Map.copyOf(b.secondaries);
    this.clock = b.clock != null ? b.clock : Clock.systemUTC();
    this.givenScheduler = b.scheduler;
    this.notifyFirstRetry = b.notifyFirstRetry;
    this.notifyAttempts = b.notifyAttempts;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public synchronized void start(DnsServer server) throws IOException {
    if (handlers != null || scheduler != null) {
      throw new IllegalStateException("ZoneTransfers serves one server and was started already");
    }
    RecordStore store = server.store();
    ScheduledExecutorService timers = givenScheduler;
    if (timers == null) {
      ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(2, r -> {
        Thread t = new Thread(r, "dnsd-xfr");
        t.setDaemon(true);
        return t;
      });
      own.setRemoveOnCancelPolicy(true);
      timers = own;
    }
    scheduler = timers;
    NotifyOut notifyOut = null;
    if (!notifyTargets.isEmpty()) {
      notifyOut = new NotifyOut(notifyTargets, timers, notifyFirstRetry, notifyAttempts);
      subscription = store.subscribe(notifyOut::committed);
    }
    handlers =
        new Handlers(
            new SignedAnswers(server),
            new TransferOut(store, transferAcl),
            new NotifyIn(secondaryZones, keys, server, clock, timers),
            new UpdateIn(store, updateGrants, secondaryZones.keySet()),
            notifyOut);
  }

  @Override
  public synchronized void close() {
    if (subscription != null) {
      subscription.close();
    }
    Handlers h = handlers;
    if (h != null) {
      h.notifyIn().close();
      if (h.notifyOut() != null) {
        h.notifyOut().close();
      }
    }
    if (givenScheduler == null && scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Whether a secondary zone has expired: no refresh from its primary succeeded for the SOA
   * expire interval. False for zones that are not secondary here. The server answers an expired
   * zone SERVFAIL until a refresh succeeds ({@link DnsServer#setExpired}).
   */
  public boolean isExpired(String zone) {
    Handlers h = handlers;
    return h != null && h.notifyIn().isExpired(zoneName(zone));
  }

  /** NOTIFYs sent and not yet answered nor given up; for tests. */
  int unansweredNotifies() {
    Handlers h = handlers;
    return h == null || h.notifyOut() == null ? 0 : h.notifyOut().unanswered();
  }

  /**
   * Takes the kinds of request this extension answers: signed queries, AXFR and IXFR, NOTIFY and
   * UPDATE. A request whose TSIG fails the check is answered NOTAUTH with the TSIG error, whatever
   * its kind.
   */
  @Override
  public boolean handle(Request request, Replier replier) {
    Handlers h = handlers;
    Request.Kind kind = request.kind();
    boolean taken =
        switch (kind) {
          case SIGNED_QUERY, AXFR, IXFR, NOTIFY, UPDATE -> true;
          default -> false;
        };
    if (!taken || h == null) {
      return false;
    }
    Message m = request.message();
    Tsig.Check tsig = Tsig.check(m, request.wire(), keys, clock);
    Reply reply = new Reply(request, tsig, clock, replier);
    try {
      if (tsig.failed()) {
        TSIGRecord signed = tsig.request();
        WARNINGS.warn(request.client().getAddress(), "TSIG " + Rcode.TSIGstring(tsig.error()),
            "TSIG {} from {} for key {}: refused", Rcode.TSIGstring(tsig.error()),
            Responses.describe(request.client()), signed == null ? "?" : signed.getName());
        reply.send(Rcode.NOTAUTH);
        return true;
      }
      switch (kind) {
        case SIGNED_QUERY -> h.signedAnswers().answer(reply);
        case AXFR, IXFR -> h.transferOut().answer(reply);
        case NOTIFY -> h.notifyIn().answer(reply);
        case UPDATE -> h.updateIn().answer(reply);
        default -> throw new IllegalStateException("not taken: " + kind);
      }
    } catch (IOException e) {
      log.debug("answering {} failed: {}", Responses.describe(request.client()), e.toString());
    } catch (RuntimeException e) {
      WARNINGS.error(request.client().getAddress(), "failed", "answering {} from {} failed; replying SERVFAIL",
          kind, Responses.describe(request.client()), e);
      try {
        reply.send(Rcode.SERVFAIL);
      } catch (IOException | RuntimeException ignored) {
        // The client is gone or the reply cannot be built: nothing more to tell it.
      }
    }
    return true;
  }

  private static Name zoneName(String zone) {
    try {
      return Name.fromString(zone, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("bad zone name '" + zone + "': " + e.getMessage(), e);
    }
  }

  /**
   * Configures {@link ZoneTransfers}. Zone and key names may be given with or without the final
   * dot; arguments are checked when given, and key references at {@link #build()}.
   */
  public static final class Builder {
    private final Map<Name, TsigKey> keys = new LinkedHashMap<>();
    private final Map<Name, Set<Prefix>> transferPrefixes = new LinkedHashMap<>();
    private final Map<Name, Set<Name>> transferKeys = new LinkedHashMap<>();
    private final Map<Name, List<UpdateGrant>> update = new LinkedHashMap<>();
    private final Map<Name, List<InetSocketAddress>> notify = new LinkedHashMap<>();
    private final Map<Name, NotifyIn.Config> secondaries = new LinkedHashMap<>();
    private @Nullable Clock clock;
    private @Nullable ScheduledExecutorService scheduler;
    private Duration notifyFirstRetry = Duration.ofSeconds(2);
    private int notifyAttempts = 8;
    private final SetOnce once = new SetOnce();

    private Builder() {}

    /** Adds a TSIG key that requests may be signed with; names are unique. */
    public Builder tsigKey(TsigKey key) {
      if (keys.containsKey(key.name())) {
        throw new IllegalStateException("TSIG key " + key.name() + " was already added");
      }
      keys.put(key.name(), key);
      return this;
    }

    /** Allows AXFR and IXFR of the zone to clients in an address prefix ({@code 192.0.2.0/24}, {@code ::1}). */
    public Builder allowTransfer(String zone, String prefix) {
      transferPrefixes.computeIfAbsent(zoneName(zone), z -> new LinkedHashSet<>()).add(Prefix.parse(prefix));
      return this;
    }

    /** Allows AXFR and IXFR of the zone to requests signed with the named key. */
    public Builder allowTransferKey(String zone, String keyName) {
      transferKeys.computeIfAbsent(zoneName(zone), z -> new LinkedHashSet<>()).add(keyName(keyName));
      return this;
    }

    /** Allows UPDATE of any name and type in the zone to requests signed with the named key. */
    public Builder allowUpdate(String zone, String keyName) {
      return allowUpdate(zone, keyName, List.of(), List.of());
    }

    /**
     * Allows UPDATE to requests signed with the named key, limited to the listed names and the
     * names below them (none listed: any name) and to the listed types such as {@code Type.TXT}
     * (none listed: any type). An UPDATE with any record outside the grant is REFUSED.
     */
    public Builder allowUpdate(String zone, String keyName, List<String> names, List<Integer> types) {
      Name z = zoneName(zone);
      List<Name> parsed = new ArrayList<>();
      for (String n : names) {
        Name name = zoneName(n);
        if (!name.subdomain(z)) {
          throw new IllegalArgumentException("update name " + name + " is not in zone " + z);
        }
        parsed.add(name);
      }
      for (int type : types) {
        if (!Type.isRR(type)) {
          throw new IllegalArgumentException("not a record type: " + type);
        }
      }
      update.computeIfAbsent(z, k -> new ArrayList<>())
          .add(new UpdateGrant(keyName(keyName), parsed, new LinkedHashSet<>(types)));
      return this;
    }

    /** Sends NOTIFY for the zone to this secondary after every committed change of the zone. */
    public Builder notify(String zone, InetSocketAddress secondary) {
      if (secondary.isUnresolved()) {
        throw new IllegalArgumentException("NOTIFY target is unresolved: " + secondary);
      }
      notify.computeIfAbsent(zoneName(zone), z -> new ArrayList<>()).add(secondary);
      return this;
    }

    /** Makes the zone a secondary of a primary, transferred without TSIG. */
    public Builder secondaryZone(String zone, InetSocketAddress primary) {
      return secondaryZone(zone, primary, null);
    }

    /** Makes the zone a secondary of a primary; queries and transfers are signed with the key. */
    public Builder secondaryZone(String zone, InetSocketAddress primary, @Nullable String keyName) {
      Name z = zoneName(zone);
      if (secondaries.containsKey(z)) {
        throw new IllegalStateException("zone " + z + " is a secondary zone already");
      }
      if (primary.isUnresolved()) {
        throw new IllegalArgumentException("primary address is unresolved: " + primary);
      }
      secondaries.put(z, new NotifyIn.Config(primary, keyName == null ? null : keyName(keyName)));
      return this;
    }

    /** The clock for TSIG times and zone timers; default the system clock (UTC). */
    public Builder clock(Clock value) {
      once.claim("clock", value);
      clock = value;
      return this;
    }

    /**
     * Runs timers, NOTIFY retries and secondary refreshes; default a private two-thread scheduler,
     * shut down on close. A given scheduler is left running on close.
     */
    public Builder scheduler(ScheduledExecutorService value) {
      once.claim("scheduler", value);
      scheduler = value;
      return this;
    }

    /**
     * How NOTIFY is retried until answered: the first retry after {@code firstRetry}, each later
     * one after twice the previous wait, at most {@code attempts} sends. Default 2 s and 8.
     */
    public Builder notifyRetry(Duration firstRetry, int attempts) {
      if (firstRetry.isNegative() || firstRetry.isZero() || attempts < 1) {
        throw new IllegalArgumentException("notifyRetry needs a positive interval and attempts >= 1");
      }
      once.claim("notifyRetry", firstRetry + " x " + attempts);
      notifyFirstRetry = firstRetry;
      notifyAttempts = attempts;
      return this;
    }

    /** @throws IllegalStateException when a key is referred to but was not added */
    public ZoneTransfers build() {
      List<Name> referenced = new ArrayList<>();
      transferKeys.values().forEach(referenced::addAll);
      update.values().forEach(list -> list.forEach(g -> referenced.add(g.key())));
      secondaries.values().forEach(c -> {
        if (c.key() != null) {
          referenced.add(c.key());
        }
      });
      for (Name k : referenced) {
        if (!keys.containsKey(k)) {
          throw new IllegalStateException("TSIG key " + k + " is used but was not added with tsigKey()");
        }
      }
      return new ZoneTransfers(this);
    }

    private static Name keyName(String name) {
      return zoneName(name);
    }
  }
}
