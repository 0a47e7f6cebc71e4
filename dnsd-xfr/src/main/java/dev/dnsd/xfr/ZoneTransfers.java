package dev.dnsd.xfr;

import dev.dnsd.DnsServer;
import dev.dnsd.Replier;
import dev.dnsd.Request;
import dev.dnsd.ServerExtension;
import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.RecordStore;
import dev.dnsd.store.StoreException;
import dev.dnsd.store.ZoneChange;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
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
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
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
 * <p>Thread-safe. An instance serves one server: it is configured by its builder, started by the
 * server and closed with it. Timers run on the builder's scheduler (a private one by default) and
 * read the builder's clock, so tests can drive both.
 */
public final class ZoneTransfers implements ServerExtension {
  private static final Logger log = LoggerFactory.getLogger(ZoneTransfers.class);

  private final Map<Name, TsigKey> keys;
  private final Map<Name, Acl> transfer;
  private final Map<Name, List<UpdateGrant>> update;
  private final Map<Name, List<InetSocketAddress>> notify;
  private final Map<Name, SecondaryConfig> secondaryConfig;
  private final Clock clock;
  private final @Nullable ScheduledExecutorService givenScheduler;
  private final Duration notifyFirstRetry;
  private final int notifyAttempts;
  private final Object updateLock = new Object();

  private final Map<Name, SecondaryZone> secondaries = new LinkedHashMap<>();
  private @Nullable ScheduledExecutorService scheduler;
  private @Nullable DnsServer server;
  private RecordStore.@Nullable Subscription subscription;
  private @Nullable Notifier notifier;

  private record Acl(Set<Prefix> prefixes, Set<Name> keys) {}

  private record SecondaryConfig(InetSocketAddress primary, @Nullable Name key) {}

  private ZoneTransfers(Builder b) {
    this.keys = Map.copyOf(b.keys);
    Map<Name, Acl> acls = new LinkedHashMap<>();
    b.transferPrefixes.forEach((zone, prefixes) -> acls.put(zone, new Acl(Set.copyOf(prefixes), Set.of())));
    b.transferKeys.forEach(
        (zone, names) -> {
          Acl old = acls.get(zone);
          acls.put(zone, new Acl(old == null ? Set.of() : old.prefixes(), Set.copyOf(names)));
        });
    this.transfer = Map.copyOf(acls);
    Map<Name, List<UpdateGrant>> grants = new LinkedHashMap<>();
    b.update.forEach((zone, list) -> grants.put(zone, List.copyOf(list)));
    this.update = Map.copyOf(grants);
    Map<Name, List<InetSocketAddress>> targets = new LinkedHashMap<>();
    b.notify.forEach((zone, list) -> targets.put(zone, List.copyOf(list)));
    this.notify = Map.copyOf(targets);
    this.secondaryConfig = Map.copyOf(b.secondaries);
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
    if (this.server != null) {
      throw new IllegalStateException("ZoneTransfers serves one server and was started already");
    }
    RecordStore s = server.store();
    this.server = server;
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
    if (!notify.isEmpty()) {
      notifier = new Notifier(timers, notifyFirstRetry, notifyAttempts);
      subscription = s.subscribe(this::committed);
    }
    for (Map.Entry<Name, SecondaryConfig> e : secondaryConfig.entrySet()) {
      SecondaryConfig c = e.getValue();
      SecondaryZone zone =
          new SecondaryZone(
              e.getKey(), c.primary(), c.key() == null ? null : keys.get(c.key()), s, clock, timers,
              server::setExpired);
      secondaries.put(e.getKey(), zone);
      zone.start();
    }
  }

  /**
   * The responder's answer to a query signed with a key we know, signed in turn (RFC 8945 §5.3).
   * Over UDP an answer that does not fit the client's size goes out as its header and question
   * with TC, still signed, so the client retries over TCP.
   */
  private void signedAnswer(DnsServer s, Request request, Tsig.Check tsig, Replier replier)
      throws IOException {
    Message query = request.message();
    Message answer = s.answer(query, request.tcp());
    byte[] wire = Tsig.encode(answer, tsig, clock);
    OPTRecord opt = query.getOPT();
    int limit = request.tcp() ? Message.MAXLENGTH : Math.max(512, opt == null ? 512 : opt.getPayloadSize());
    if (wire.length > limit) {
      Message cut = Responses.reply(query, answer.getRcode());
      cut.getHeader().setFlag(Flags.TC);
      if (answer.getHeader().getFlag(Flags.AA)) {
        cut.getHeader().setFlag(Flags.AA);
      }
      wire = Tsig.encode(cut, tsig, clock);
    }
    replier.send(wire);
  }

  @Override
  public synchronized void close() {
    if (subscription != null) {
      subscription.close();
    }
    secondaries.values().forEach(SecondaryZone::close);
    if (notifier != null) {
      notifier.close();
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
    SecondaryZone s = secondaries.get(zoneName(zone));
    return s != null && s.isExpired();
  }

  /** NOTIFYs sent and not yet answered nor given up; for tests. */
  int unansweredNotifies() {
    Notifier n = notifier;
    return n == null ? 0 : n.unanswered();
  }

  /** Runs on the committing thread, so it only hands NOTIFYs to the notifier. */
  private void committed(Change change, ZoneTable after) {
    Notifier n = notifier;
    if (n == null) {
      return;
    }
    for (ZoneChange zc : change.zones()) {
      List<InetSocketAddress> targets = notify.get(zc.origin());
      SOARecord soa = zc.newSoa();
      if (targets == null || soa == null) {
        continue;
      }
      for (InetSocketAddress target : targets) {
        n.notify(soa, target);
      }
    }
  }

  @Override
  public boolean handle(Request request, Replier replier) {
    Message m = request.message();
    int opcode = m.getHeader().getOpcode();
    Record question = m.getQuestion();
    boolean transfer =
        opcode == Opcode.QUERY && question != null
            && (question.getType() == Type.AXFR || question.getType() == Type.IXFR);
    boolean signedQuery = opcode == Opcode.QUERY && !transfer && m.getTSIG() != null;
    if (!transfer && !signedQuery && opcode != Opcode.NOTIFY && opcode != Opcode.UPDATE) {
      return false;
    }
    DnsServer srv = server;
    if (srv == null) {
      return false;
    }
    Tsig.Check tsig = Tsig.check(m, request.wire(), keys, clock);
    try {
      if (tsig.failed()) {
        log.warn("TSIG {} from {} for key {}: refused", Rcode.TSIGstring(tsig.error()),
            Responses.describe(request.client()), tsig.request() == null ? "?" : tsig.request().getName());
        replier.send(Tsig.encode(Responses.reply(m, Rcode.NOTAUTH), tsig, clock));
      } else if (signedQuery) {
        signedAnswer(srv, request, tsig, replier);
      } else if (transfer) {
        transfer(request, tsig, srv.store(), replier);
      } else if (opcode == Opcode.NOTIFY) {
        notified(request, tsig, replier);
      } else {
        update(request, tsig, srv.store(), replier);
      }
    } catch (IOException e) {
      log.debug("answering {} failed: {}", Responses.describe(request.client()), e.toString());
    } catch (RuntimeException e) {
      log.error("answering {} from {} failed; replying SERVFAIL", Opcode.string(opcode),
          Responses.describe(request.client()), e);
      try {
        replier.send(Tsig.encode(Responses.reply(m, Rcode.SERVFAIL), tsig, clock));
      } catch (IOException | RuntimeException ignored) {
        // The client is gone or the reply cannot be built: nothing more to tell it.
      }
    }
    return true;
  }

  private void transfer(Request request, Tsig.Check tsig, RecordStore s, Replier replier)
      throws IOException {
    Message m = request.message();
    Record question = m.getQuestion();
    int rcode = Rcode.NOERROR;
    ZoneTable table = s.zones();
    Zone zone = table.get(question.getName());
    boolean axfr = question.getType() == Type.AXFR;
    if (question.getDClass() != DClass.IN || m.getHeader().getCount(Section.QUESTION) != 1) {
      rcode = Rcode.FORMERR;
    } else if (zone == null) {
      rcode = Rcode.NOTAUTH; // RFC 5936 §2.2.1: not authoritative for that zone
    } else if (!transferAllowed(zone.origin(), request, tsig)) {
      rcode = Rcode.REFUSED;
    } else if (axfr && !request.tcp()) {
      rcode = Rcode.FORMERR; // AXFR is defined over TCP only (RFC 5936 §4.2)
    }
    if (rcode != Rcode.NOERROR || zone == null) {
      if (rcode == Rcode.REFUSED) {
        log.info("{} of {} refused to {}", Type.string(question.getType()), question.getName(),
            Responses.describe(request.client()));
      }
      replier.send(Tsig.encode(Responses.reply(m, rcode), tsig, clock));
      return;
    }
    List<Record> records;
    if (axfr) {
      records = TransferOut.axfr(zone);
    } else {
      SOARecord clientSoa = null;
      for (Record r : m.getSection(Section.AUTHORITY)) {
        if (r instanceof SOARecord soa) {
          clientSoa = soa;
        }
      }
      if (clientSoa == null) {
        replier.send(Tsig.encode(Responses.reply(m, Rcode.FORMERR), tsig, clock));
        return;
      }
      records = new TransferOut(s).ixfr(table, zone, clientSoa.getSerial());
    }
    if (request.tcp()) {
      TransferOut.stream(m, records, tsig, clock, replier);
    } else {
      TransferOut.udp(m, records, zone.soa(), tsig, clock, replier);
    }
  }

  private boolean transferAllowed(Name zone, Request request, Tsig.Check tsig) {
    Acl acl = transfer.get(zone);
    if (acl == null) {
      return false;
    }
    if (tsig.verified() && tsig.key() != null && acl.keys().contains(tsig.key().name())) {
      return true;
    }
    for (Prefix p : acl.prefixes()) {
      if (p.contains(request.client().getAddress())) {
        return true;
      }
    }
    return false;
  }

  /** NOTIFY in (RFC 1996 §3.7, §3.11): from a secondary zone's primary, start a refresh. */
  private void notified(Request request, Tsig.Check tsig, Replier replier) throws IOException {
    Message m = request.message();
    Record question = m.getQuestion();
    int rcode;
    SecondaryZone zone = question == null ? null : secondaries.get(question.getName());
    if (question == null || question.getType() != Type.SOA) {
      rcode = Rcode.FORMERR;
    } else if (zone == null) {
      rcode = Rcode.NOTAUTH;
    } else if (!zone.primary.getAddress().equals(request.client().getAddress())) {
      log.info("NOTIFY for {} from {}, which is not its primary: refused", question.getName(),
          Responses.describe(request.client()));
      rcode = Rcode.REFUSED;
    } else {
      zone.notified();
      rcode = Rcode.NOERROR;
    }
    Message reply = Responses.reply(m, rcode);
    reply.getHeader().setFlag(Flags.AA);
    replier.send(Tsig.encode(reply, tsig, clock));
  }

  /** UPDATE (RFC 2136): only signed, by a key allowed for the zone, to a zone we are primary for. */
  private void update(Request request, Tsig.Check tsig, RecordStore s, Replier replier)
      throws IOException {
    Message m = request.message();
    Record zoneSection = m.getQuestion();
    int rcode;
    if (m.getHeader().getCount(Section.ZONE) != 1 || zoneSection == null
        || zoneSection.getType() != Type.SOA || zoneSection.getDClass() != DClass.IN) {
      rcode = Rcode.FORMERR;
    } else if (s.zones().get(zoneSection.getName()) == null) {
      rcode = Rcode.NOTAUTH;
    } else if (secondaries.containsKey(zoneSection.getName())) {
      rcode = Rcode.REFUSED; // a secondary's copy changes only by transfer from its primary
    } else {
      List<UpdateGrant> grants = grants(zoneSection.getName(), tsig);
      if (grants.isEmpty()) {
        log.info("UPDATE of {} from {} refused: {}", zoneSection.getName(), Responses.describe(request.client()),
            tsig.verified() ? "key " + tsig.key().name() + " may not change it" : "not signed");
        rcode = Rcode.REFUSED;
      } else {
        rcode = applyUpdate(m, zoneSection.getName(), grants, s);
      }
    }
    replier.send(Tsig.encode(Responses.reply(m, rcode), tsig, clock));
  }

  private List<UpdateGrant> grants(Name zone, Tsig.Check tsig) {
    List<UpdateGrant> all = update.get(zone);
    if (all == null || !tsig.verified() || tsig.key() == null) {
      return List.of();
    }
    List<UpdateGrant> out = new ArrayList<>();
    for (UpdateGrant g : all) {
      if (g.key().equals(tsig.key().name())) {
        out.add(g);
      }
    }
    return out;
  }

  /**
   * Checks and commits under one lock so that two UPDATEs never interleave between prerequisite
   * check and commit. Commits made directly through the store can still come between the two.
   */
  private int applyUpdate(Message m, Name origin, List<UpdateGrant> grants, RecordStore s) {
    synchronized (updateLock) {
      Zone zone = s.zones().get(origin);
      if (zone == null) {
        return Rcode.NOTAUTH;
      }
      DynamicUpdate.Outcome outcome;
      try {
        outcome =
            DynamicUpdate.evaluate(m, zone, r -> grants.stream().anyMatch(g -> g.allows(r)));
        ChangeSet changes = outcome.changes();
        if (changes != null) {
          Change change = s.commit(changes);
          log.info("UPDATE of {} committed as version {}", origin, change.version());
        }
      } catch (InvalidZoneException e) {
        log.info("UPDATE of {} refused: {}", origin, e.getMessage());
        return Rcode.REFUSED;
      } catch (StoreException e) {
        log.error("UPDATE of {} could not be committed", origin, e);
        return Rcode.SERVFAIL;
      }
      return outcome.rcode();
    }
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
    private final Map<Name, SecondaryConfig> secondaries = new LinkedHashMap<>();
    private @Nullable Clock clock;
    private @Nullable ScheduledExecutorService scheduler;
    private Duration notifyFirstRetry = Duration.ofSeconds(2);
    private int notifyAttempts = 8;
    private boolean notifyRetrySet;

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
      secondaries.put(z, new SecondaryConfig(primary, keyName == null ? null : keyName(keyName)));
      return this;
    }

    /** The clock for TSIG times and zone timers; default the system clock (UTC). */
    public Builder clock(Clock value) {
      if (clock != null) {
        throw new IllegalStateException("clock was already set to " + clock);
      }
      clock = value;
      return this;
    }

    /**
     * Runs timers, NOTIFY retries and secondary refreshes; default a private two-thread scheduler,
     * shut down on close. A given scheduler is left running on close.
     */
    public Builder scheduler(ScheduledExecutorService value) {
      if (scheduler != null) {
        throw new IllegalStateException("scheduler was already set");
      }
      scheduler = value;
      return this;
    }

    /**
     * How NOTIFY is retried until answered: the first retry after {@code firstRetry}, each later
     * one after twice the previous wait, at most {@code attempts} sends. Default 2 s and 8.
     */
    public Builder notifyRetry(Duration firstRetry, int attempts) {
      if (notifyRetrySet) {
        throw new IllegalStateException("notifyRetry was already set");
      }
      if (firstRetry.isNegative() || firstRetry.isZero() || attempts < 1) {
        throw new IllegalArgumentException("notifyRetry needs a positive interval and attempts >= 1");
      }
      notifyFirstRetry = firstRetry;
      notifyAttempts = attempts;
      notifyRetrySet = true;
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
