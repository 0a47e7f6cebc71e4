package dev.dnsd.xfr;

import dev.dnsd.DnsServer;
import dev.dnsd.Replier;
import dev.dnsd.Request;
import dev.dnsd.ServerExtension;
import dev.dnsd.ServerStatistics;
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
 * commit (TSIG-signed when a key applies), RFC 2136 UPDATE from allowed TSIG keys, secondary
 * zones that follow a primary, and catalog zones (RFC 9432) produced and consumed.
 *
 * <pre>{@code
 * ZoneTransfers xfr = ZoneTransfers.builder()
 *     .tsigKey(TsigKey.of("xfr-key", "hmac-sha256", "c2VjcmV0IG9mIGF0IGxlYXN0IDE2IGJ5dGVz"))
 *     .allowTransferKey("example.com", "xfr-key")     // AXFR and IXFR signed with the key
 *     .allowTransfer("example.com", "127.0.0.0/8")    // or from these addresses
 *     .allowUpdate("example.com", "xfr-key")          // RFC 2136 UPDATE signed with the key
 *     .notify("example.com", new InetSocketAddress("127.0.0.1", 10054)) // signed with xfr-key
 *     .catalog("catalog.example")                     // a catalog zone listing example.com
 *     .build();
 * Zone zone = ZoneFiles.parse("@ 3600 SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ 3600 NS ns1\n",
 *     Name.fromString("example.com."));
 * try (DnsServer server = DnsServer.builder().zone(zone).extension(xfr).build().start()) {
 *   // dig @127.0.0.1 -p PORT example.com AXFR, with server.port() as PORT
 * }
 * }</pre>
 *
 * <p>Every request that carries a TSIG record is checked (RFC 8945) and a failure answered
 * NOTAUTH with the TSIG error; answers to verified requests are signed. Transfers and updates are
 * refused unless allowed for the zone; an address prefix or a key allows, whichever matches.
 *
 * <p>This class configures and dispatches; each protocol has a class of its own: {@link
 * TransferOut} with its {@link TransferAcl}, {@link UpdateIn}, {@link NotifyIn} with the
 * secondary zones it refreshes, {@link NotifyOut}, {@link SignedAnswers}, and the catalog roles
 * {@link CatalogProducer} and {@link CatalogConsumer}. They answer through one {@code Reply},
 * which signs, keeps to the request's size limit and adds the OPT record (with EDNS EXPIRE).
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
  private final Map<Name, List<NotifyTarget>> notifyTargets;
  private final Map<Name, NotifyIn.Config> secondaryZones;
  private final @Nullable Name catalog;
  private final Map<Name, String> catalogGroups;
  private final Map<Name, Name> catalogCoo;
  private final Map<Name, NotifyIn.Config> consumedCatalogs;
  private final Clock clock;
  private final @Nullable ScheduledExecutorService givenScheduler;
  private final Duration notifyFirstRetry;
  private final int notifyAttempts;

  // Set by start(); a request that arrives before then is not taken.
  private volatile @Nullable Handlers handlers;
  private @Nullable ScheduledExecutorService scheduler;
  private RecordStore.@Nullable Subscription subscription;
  private volatile int udpPayload;
  private final XfrStatistics stats;
  private volatile @Nullable RecordStore store;

  /** A secondary to NOTIFY, and the key named for it (null: the zone's transfer key, if any). */
  private record NotifyTarget(InetSocketAddress address, @Nullable Name key) {}

  /** One handler per kind of request this extension takes, and the catalog roles. */
  private record Handlers(
      SignedAnswers signedAnswers,
      TransferOut transferOut,
      NotifyIn notifyIn,
      UpdateIn updateIn,
      @Nullable NotifyOut notifyOut,
      @Nullable CatalogProducer producer,
      @Nullable CatalogConsumer consumer) {}

  /** Set by start(): which zones the produced catalog lists, for the rules members inherit. */
  private volatile @Nullable CatalogProducer producer;

  private ZoneTransfers(Builder b) {
    this.keys = Map.copyOf(b.keys);
    this.transferAcl = new TransferAcl(b.transferPrefixes, b.transferKeys, this::rulesOf);
    Map<Name, List<UpdateGrant>> grants = new LinkedHashMap<>();
    b.update.forEach((zone, list) -> grants.put(zone, List.copyOf(list)));
    this.updateGrants = Map.copyOf(grants);
    Map<Name, List<NotifyTarget>> targets = new LinkedHashMap<>();
    b.notify.forEach((zone, list) -> targets.put(zone, List.copyOf(list)));
    this.notifyTargets = Map.copyOf(targets);
    this.secondaryZones = Map.copyOf(b.secondaries);
    this.catalog = b.catalog;
    this.catalogGroups = Map.copyOf(b.catalogGroups);
    this.catalogCoo = Map.copyOf(b.catalogCoo);
    this.consumedCatalogs = Map.copyOf(b.consumedCatalogs);
    this.clock = b.clock != null ? b.clock : Clock.systemUTC();
    this.givenScheduler = b.scheduler;
    this.notifyFirstRetry = b.notifyFirstRetry;
    this.notifyAttempts = b.notifyAttempts;
    this.stats = new XfrStatistics(clock);
    notifyTargets.forEach((zone, list) -> list.forEach(t -> stats.configured(zone, t.address())));
  }

  /**
   * A new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public synchronized void start(DnsServer server) throws IOException {
    if (handlers != null || scheduler != null) {
      throw new IllegalStateException("ZoneTransfers serves one server and was started already");
    }
    RecordStore store = server.store();
    this.store = store;
    udpPayload = server.maxUdpPayload();
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
      notifyOut = new NotifyOut(this::notifyTargets, timers, clock, notifyFirstRetry, notifyAttempts, stats);
      subscription = store.subscribe(notifyOut::committed);
    }
    Map<Name, NotifyIn.Config> followed = new LinkedHashMap<>(secondaryZones);
    followed.putAll(consumedCatalogs);
    NotifyIn notifyIn = new NotifyIn(followed, keys, server, clock, timers, stats);
    CatalogConsumer consumer =
        consumedCatalogs.isEmpty() ? null : new CatalogConsumer(consumedCatalogs, notifyIn, store, timers);
    CatalogProducer made =
        catalog == null ? null : new CatalogProducer(catalog, catalogGroups, catalogCoo, z -> !notifyIn.follows(z));
    handlers =
        new Handlers(
            new SignedAnswers(server),
            new TransferOut(store, transferAcl, stats),
            notifyIn,
            new UpdateIn(store, updateGrants, notifyIn::follows),
            notifyOut,
            made,
            consumer);
    if (consumer != null) {
      consumer.start();
    }
    if (made != null) {
      made.start(store);
      producer = made;
    }
  }

  /**
   * The zone whose transfer rules and NOTIFY targets a zone follows: its own when it has any,
   * else the produced catalog's when the catalog lists it, so that the catalog's consumers can
   * transfer and hear of the member zones a catalog brings them.
   */
  private Name rulesOf(Name zone) {
    CatalogProducer p = producer;
    return p != null && p.isMember(zone) ? p.catalog() : zone;
  }

  private List<NotifyOut.Target> notifyTargets(Name zone) {
    List<NotifyTarget> targets = notifyTargets.get(zone);
    if (targets == null) {
      targets = notifyTargets.getOrDefault(rulesOf(zone), List.of());
    }
    List<NotifyOut.Target> out = new ArrayList<>(targets.size());
    for (NotifyTarget t : targets) {
      Name key = t.key() != null ? t.key() : transferAcl.firstKey(zone);
      out.add(new NotifyOut.Target(t.address(), key == null ? null : keys.get(key)));
    }
    return out;
  }

  /**
   * NOTIFY and transfers in and out, and each standard secondary this server notifies, per zone:
   * whether it answers, the serial it last took, how far and how long it is behind.
   */
  @Override
  public void statistics(ServerStatistics.Builder statistics) {
    RecordStore s = store;
    stats.addTo(statistics, s == null ? null : s.zones());
  }

  @Override
  public synchronized void close() {
    if (subscription != null) {
      subscription.close();
    }
    Handlers h = handlers;
    if (h != null) {
      if (h.producer() != null) {
        h.producer().close();
      }
      if (h.consumer() != null) {
        h.consumer().close();
      }
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
   *
   * @param zone the zone's origin
   * @return whether it is expired
   */
  public boolean isExpired(String zone) {
    Handlers h = handlers;
    return h != null && h.notifyIn().isExpired(zoneName(zone));
  }

  /** The member zones the catalog consumer follows now; for tests. */
  List<Name> catalogMembers() {
    Handlers h = handlers;
    return h == null || h.consumer() == null ? List.of() : h.consumer().members();
  }

  /** The consumed catalog that owns a member zone now, or null; for tests. */
  @Nullable Name catalogOwner(Name member) {
    Handlers h = handlers;
    return h == null || h.consumer() == null ? null : h.consumer().ownerOf(member);
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
          // A QUERY is offered only when it asks for EDNS EXPIRE, which the answer gets here.
          case QUERY, SIGNED_QUERY, AXFR, IXFR, NOTIFY, UPDATE -> true;
          default -> false;
        };
    if (!taken || h == null) {
      return false;
    }
    Message m = request.message();
    Tsig.Check tsig = Tsig.check(m, request.wire(), keys, clock);
    Reply reply = new Reply(request, tsig, clock, replier, udpPayload, h.notifyIn()::expireSeconds);
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
        case QUERY, SIGNED_QUERY -> h.signedAnswers().answer(reply);
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
    private final Map<Name, List<NotifyTarget>> notify = new LinkedHashMap<>();
    private final Map<Name, NotifyIn.Config> secondaries = new LinkedHashMap<>();
    private @Nullable Name catalog;
    private final Map<Name, String> catalogGroups = new LinkedHashMap<>();
    private final Map<Name, Name> catalogCoo = new LinkedHashMap<>();
    private final Map<Name, NotifyIn.Config> consumedCatalogs = new LinkedHashMap<>();
    private @Nullable Clock clock;
    private @Nullable ScheduledExecutorService scheduler;
    private Duration notifyFirstRetry = Duration.ofSeconds(2);
    private int notifyAttempts = 8;
    private final SetOnce once = new SetOnce();

    private Builder() {}

    /**
     * Adds a TSIG key that requests may be signed with; names are unique.
     *
     * @param key the key
     * @return this builder
     */
    public Builder tsigKey(TsigKey key) {
      if (keys.containsKey(key.name())) {
        throw new IllegalStateException("TSIG key " + key.name() + " was already added");
      }
      keys.put(key.name(), key);
      return this;
    }

    /**
     * Allows AXFR and IXFR of the zone to clients in an address prefix ({@code 192.0.2.0/24}, {@code ::1}).
     *
     * @param zone the zone's origin
     * @param prefix the address prefix
     * @return this builder
     */
    public Builder allowTransfer(String zone, String prefix) {
      transferPrefixes.computeIfAbsent(zoneName(zone), z -> new LinkedHashSet<>()).add(Prefix.parse(prefix));
      return this;
    }

    /**
     * Allows AXFR and IXFR of the zone to requests signed with the named key.
     *
     * @param zone the zone's origin
     * @param keyName the key's name
     * @return this builder
     */
    public Builder allowTransferKey(String zone, String keyName) {
      transferKeys.computeIfAbsent(zoneName(zone), z -> new LinkedHashSet<>()).add(keyName(keyName));
      return this;
    }

    /**
     * Allows UPDATE of any name and type in the zone to requests signed with the named key.
     *
     * @param zone the zone's origin
     * @param keyName the key's name
     * @return this builder
     */
    public Builder allowUpdate(String zone, String keyName) {
      return allowUpdate(zone, keyName, List.of(), List.of());
    }

    /**
     * Allows UPDATE to requests signed with the named key, limited to the listed names and the
     * names below them (none listed: any name) and to the listed types such as {@code Type.TXT}
     * (none listed: any type). An UPDATE with any record outside the grant is REFUSED.
     *
     * @param zone the zone's origin
     * @param keyName the key's name
     * @param names the names granted
     * @param types the types granted
     * @return this builder
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

    /**
     * Sends NOTIFY for the zone to this secondary after every committed change of the zone,
     * signed with the first key {@link #allowTransferKey} names for the zone, if any (a secondary
     * that transfers with a key usually wants its NOTIFYs signed with it too).
     *
     * @param zone the zone's origin
     * @param secondary the secondary's DNS address
     * @return this builder
     */
    public Builder notify(String zone, InetSocketAddress secondary) {
      return notify(zone, secondary, null);
    }

    /**
     * Sends NOTIFY for the zone to this secondary after every committed change, signed with the
     * named key (null: as {@link #notify(String, InetSocketAddress)}). Only an answer signed with
     * that key counts; anything else leaves the NOTIFY to be retried.
     *
     * @param zone the zone's origin
     * @param secondary the secondary's DNS address
     * @param keyName the TSIG key's name, or null
     * @return this builder
     */
    public Builder notify(String zone, InetSocketAddress secondary, @Nullable String keyName) {
      if (secondary.isUnresolved()) {
        throw new IllegalArgumentException("NOTIFY target is unresolved: " + secondary);
      }
      notify.computeIfAbsent(zoneName(zone), z -> new ArrayList<>())
          .add(new NotifyTarget(secondary, keyName == null ? null : keyName(keyName)));
      return this;
    }

    /**
     * Makes the zone a secondary of a primary, transferred without TSIG.
     *
     * @param zone the zone's origin
     * @param primary the primary's DNS address
     * @return this builder
     */
    public Builder secondaryZone(String zone, InetSocketAddress primary) {
      return secondaryZone(zone, primary, null);
    }

    /**
     * Makes the zone a secondary of a primary; queries and transfers are signed with the key.
     *
     * @param zone the zone's origin
     * @param primary the primary's DNS address
     * @param keyName the TSIG key's name, or null for none
     * @return this builder
     */
    public Builder secondaryZone(String zone, InetSocketAddress primary, @Nullable String keyName) {
      Name z = zoneName(zone);
      if (secondaries.containsKey(z) || consumedCatalogs.containsKey(z)) {
        throw new IllegalStateException("zone " + z + " is a secondary zone already");
      }
      secondaries.put(z, config(primary, keyName));
      return this;
    }

    /**
     * Produces a catalog zone (RFC 9432, schema version 2) of this name, listing every zone this
     * server is the primary for; creating or deleting a zone changes it in the same commit. A
     * member zone without transfer rules or NOTIFY targets of its own follows the catalog's
     * ({@link #allowTransfer}, {@link #allowTransferKey}, {@link #notify}), so consumers allowed
     * to transfer the catalog may transfer its members and hear of their changes.
     *
     * @param zone the catalog zone's name
     * @return this builder
     */
    public Builder catalog(String zone) {
      Name z = zoneName(zone);
      once.claim("catalog", z);
      catalog = z;
      return this;
    }

    /**
     * Gives a member zone of the produced catalog a {@code group} property (RFC 9432 §4.4.2):
     * at most 255 bytes, no white space; how consumers treat a group is theirs to configure.
     *
     * @param zone the member zone's origin
     * @param group the group
     * @return this builder
     */
    public Builder catalogGroup(String zone, String group) {
      if (group.isEmpty() || group.length() > 255 || group.codePoints().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("a catalog group is 1 to 255 characters without white space: '" + group + "'");
      }
      if (catalogGroups.putIfAbsent(zoneName(zone), group) != null) {
        throw new IllegalStateException("zone " + zone + " has a catalog group already");
      }
      return this;
    }

    /**
     * Marks a member zone of the produced catalog as moving to another catalog: its {@code coo}
     * property (RFC 9432 §4.4.1), so that consumers of both hand it over instead of refusing it
     * as a clash.
     *
     * @param zone the member zone's origin
     * @param newCatalog the catalog it moves to
     * @return this builder
     */
    public Builder catalogChangeOfOwnership(String zone, String newCatalog) {
      if (catalogCoo.putIfAbsent(zoneName(zone), zoneName(newCatalog)) != null) {
        throw new IllegalStateException("zone " + zone + " has a change of ownership already");
      }
      return this;
    }

    /**
     * Consumes a catalog zone (RFC 9432) from a primary: the catalog is copied as a secondary zone
     * (with the key, when named), and every member zone it lists becomes a secondary zone of the
     * same primary with the same key, added and removed as the catalog changes and kept across
     * restarts with a durable store.
     *
     * @param catalogZone the catalog zone's name
     * @param primary the primary's DNS address
     * @param keyName the TSIG key's name, or null for none
     * @return this builder
     */
    public Builder catalogConsumer(String catalogZone, InetSocketAddress primary, @Nullable String keyName) {
      Name z = zoneName(catalogZone);
      if (secondaries.containsKey(z) || consumedCatalogs.containsKey(z)) {
        throw new IllegalStateException("zone " + z + " is a secondary zone already");
      }
      consumedCatalogs.put(z, config(primary, keyName));
      return this;
    }

    private static NotifyIn.Config config(InetSocketAddress primary, @Nullable String keyName) {
      if (primary.isUnresolved()) {
        throw new IllegalArgumentException("primary address is unresolved: " + primary);
      }
      return new NotifyIn.Config(primary, keyName == null ? null : keyName(keyName));
    }

    /**
     * The clock for TSIG times and zone timers; default the system clock (UTC).
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      once.claim("clock", value);
      clock = value;
      return this;
    }

    /**
     * Runs timers, NOTIFY retries and secondary refreshes; default a private two-thread scheduler,
     * shut down on close. A given scheduler is left running on close.
     *
     * @param value the scheduler
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService value) {
      once.claim("scheduler", value);
      scheduler = value;
      return this;
    }

    /**
     * How NOTIFY is retried until answered: the first retry after {@code firstRetry}, each later
     * one after twice the previous wait, at most {@code attempts} sends. Default 2 s and 8.
     *
     * @param firstRetry the first wait
     * @param attempts the most sends
     * @return this builder
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

    /**
     * The extension, not yet started: a server starts it.
     *
     * @return the extension
     * @throws IllegalStateException when a key is referred to but was not added
     */
    public ZoneTransfers build() {
      List<Name> referenced = new ArrayList<>();
      transferKeys.values().forEach(referenced::addAll);
      update.values().forEach(list -> list.forEach(g -> referenced.add(g.key())));
      secondaries.values().forEach(c -> {
        if (c.key() != null) {
          referenced.add(c.key());
        }
      });
      consumedCatalogs.values().forEach(c -> {
        if (c.key() != null) {
          referenced.add(c.key());
        }
      });
      notify.values().forEach(list -> list.forEach(t -> {
        if (t.key() != null) {
          referenced.add(t.key());
        }
      }));
      if (catalog == null && (!catalogGroups.isEmpty() || !catalogCoo.isEmpty())) {
        throw new IllegalStateException("catalogGroup and catalogChangeOfOwnership need catalog()");
      }
      if (catalog != null && (secondaries.containsKey(catalog) || consumedCatalogs.containsKey(catalog))) {
        throw new IllegalStateException("the produced catalog " + catalog + " cannot be a secondary zone here");
      }
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
