package dev.dnsd.xfr;

// DNSSEC interop with real validators and verifiers. CI must install these Debian packages in
// .ci/run: unbound, ldnsutils (ldns-verify-zone), bind9-utils (dnssec-verify), bind9-dnsutils
// (delv) and knot (knotd, a secondary). With CI=true a missing program fails the test.

import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.DnsServer;
import dev.dnsd.ManualClock;
import dev.dnsd.ReceivedQuery;
import dev.dnsd.RandomEdits;
import dev.dnsd.SignedZoneCheck;
import dev.dnsd.dnssec.DnssecAlgorithm;
import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.dnssec.DnssecStatus;
import dev.dnsd.dnssec.KeyRole;
import dev.dnsd.dnssec.Signer;
import dev.dnsd.dnssec.SigningKey;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.store.RecordStore;
import dev.dnsd.zone.InvalidZoneException;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;

/**
 * dnsd's signed zones as real validators see them: Unbound with the zone's DS as trust anchor
 * validates every kind of answer, fails a broken signature, and still resolves every name after
 * random commits with aggressive use of NSEC (RFC 8198); ldns-verify-zone and dnssec-verify
 * accept the AXFR; delv says "fully validated"; Knot as a secondary fed by IXFR serves the signed
 * zone, validated through it.
 */
class DnssecInteropTest {
  private static final Name ORIGIN = Fixtures.name("example.com.");
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final List<AutoCloseable> running = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T resource) {
    running.add(resource);
    return resource;
  }

  private static Zone zone() {
    return Zone.of(ORIGIN, List.of(
        Fixtures.rr("example.com.", Type.SOA, 3600, "ns1.example.com. admin.example.com. 1 3600 600 86400 300"),
        Fixtures.rr("example.com.", Type.NS, "ns1.example.com."),
        Fixtures.rr("ns1.example.com.", Type.A, "192.0.2.1"),
        Fixtures.rr("www.example.com.", Type.A, "192.0.2.10"),
        Fixtures.rr("mail.example.com.", Type.MX, "10 www.example.com."),
        Fixtures.rr("alias.example.com.", Type.CNAME, "www.example.com."),
        Fixtures.rr("a.b.c.example.com.", Type.TXT, "\"below empty non-terminals\""),
        Fixtures.rr("*.wild.example.com.", Type.TXT, "\"a wildcard\""),
        Fixtures.rr("secure.example.com.", Type.NS, "ns.elsewhere.example."),
        Fixtures.rr("secure.example.com.", Type.DS, "12345 13 2 " + "AB".repeat(32)),
        Fixtures.rr("insecure.example.com.", Type.NS, "ns.insecure.example.com."),
        Fixtures.rr("ns.insecure.example.com.", Type.A, "192.0.2.20"),
        // Over Unbound's 1,232 bytes once signed: truncated over UDP, asked again over TCP.
        Fixtures.rr("big.example.com.", Type.TXT, "\"" + "x".repeat(250) + "\" \"" + "y".repeat(250) + "\""),
        Fixtures.rr("big.example.com.", Type.TXT, "\"" + "z".repeat(250) + "\" \"" + "w".repeat(250) + "\""),
        Fixtures.rr("big.example.com.", Type.TXT, "\"" + "v".repeat(250) + "\" \"" + "u".repeat(250) + "\"")));
  }

  private static DnssecPolicy policy(DnssecPolicy.Denial denial) {
    return DnssecPolicy.builder().denial(denial).build();
  }

  private DnsServer serve(RecordStore store) throws Exception {
    ZoneTransfers xfr = ZoneTransfers.builder().allowTransfer("example.com", "127.0.0.1").build();
    return keep(DnsServer.builder().store(store).extension(xfr).build().start());
  }

  private Unbound unbound(String name, InetSocketAddress server, List<DSRecord> anchors) throws Exception {
    return keep(Unbound.start(dir.resolve(name), List.of(new Unbound.Stub(ORIGIN, server, anchors))));
  }

  private static Name n(String relative) {
    return Fixtures.name(relative.isEmpty() ? "example.com." : relative + ".example.com.");
  }

  /** Unbound validated the answer (AD) and it has the rcode and, for NOERROR, answers or not. */
  private static void secure(Unbound u, Name name, int type, int rcode, boolean data) throws IOException {
    Message m = u.resolve(name, type);
    String what = name + " " + Type.string(type);
    assertThat(m.getRcode()).as("%s rcode; unbound said:\n%s", what, m).isEqualTo(rcode);
    assertThat(Unbound.ad(m)).as("%s validated (AD); unbound's log:\n%s", what, u.log()).isTrue();
    if (rcode == Rcode.NOERROR) {
      if (data) {
        assertThat(m.getSection(Section.ANSWER)).as("%s data", what).isNotEmpty();
      } else {
        assertThat(m.getSection(Section.ANSWER)).as("%s no data", what).isEmpty();
      }
    }
  }

  /** Every kind of answer RFC 4035 §3.1 has, validated. */
  private static void everyKindOfAnswer(Unbound u) throws IOException {
    secure(u, n("www"), Type.A, Rcode.NOERROR, true);
    secure(u, n("mail"), Type.MX, Rcode.NOERROR, true);
    secure(u, n("alias"), Type.A, Rcode.NOERROR, true);
    secure(u, n("nope"), Type.A, Rcode.NXDOMAIN, false);
    secure(u, n("deeper.nope.c"), Type.A, Rcode.NXDOMAIN, false);
    secure(u, n("www"), Type.TXT, Rcode.NOERROR, false);
    secure(u, n("b.c"), Type.A, Rcode.NOERROR, false);
    secure(u, n("c"), Type.TXT, Rcode.NOERROR, false);
    secure(u, n("anything.wild"), Type.TXT, Rcode.NOERROR, true);
    secure(u, n("anything.wild"), Type.A, Rcode.NOERROR, false);
    secure(u, n("secure"), Type.DS, Rcode.NOERROR, true);
    secure(u, n("insecure"), Type.DS, Rcode.NOERROR, false);
    secure(u, n(""), Type.DNSKEY, Rcode.NOERROR, true);
    secure(u, n(""), Type.CDS, Rcode.NOERROR, true);
    secure(u, n(""), Type.CDNSKEY, Rcode.NOERROR, true);
    secure(u, n("big"), Type.TXT, Rcode.NOERROR, true);
  }

  /**
   * The zone as served, with one signature broken (a bit of the RRSIG of www's A flipped), served
   * by a server of its own: Unbound with the zone's anchor answers SERVFAIL for that RRset and
   * still validates the others, so its AD elsewhere is the signatures' doing.
   */
  private void bogusOnceBroken(Zone served, List<DSRecord> anchors, String name) throws Exception {
    List<Record> records = new ArrayList<>();
    int broken = 0;
    for (Record r : served.records()) {
      if (r instanceof RRSIGRecord sig && sig.getName().equals(n("www")) && sig.getTypeCovered() == Type.A) {
        byte[] signature = sig.getSignature().clone();
        signature[signature.length / 2] ^= 0x01;
        r = new RRSIGRecord(sig.getName(), sig.getDClass(), sig.getTTL(), sig.getTypeCovered(), sig.getAlgorithm(),
            sig.getOrigTTL(), sig.getExpire(), sig.getTimeSigned(), sig.getFootprint(), sig.getSigner(), signature);
        broken++;
      }
      records.add(r);
    }
    assertThat(broken).as("signatures of www A").isPositive();
    RecordStore store = new InMemoryRecordStore();
    store.commit(ChangeSet.builder().replaceZone(Zone.of(ORIGIN, records)).build());
    DnsServer tampered = serve(store);
    try (Unbound u = Unbound.start(dir.resolve(name), List.of(new Unbound.Stub(ORIGIN, tampered.address(), anchors)))) {
      Message m = u.resolve(n("www"), Type.A);
      assertThat(m.getRcode()).as("www A with a broken signature; unbound said:\n%s", m).isEqualTo(Rcode.SERVFAIL);
      secure(u, n("mail"), Type.MX, Rcode.NOERROR, true);
      secure(u, n("nope"), Type.A, Rcode.NXDOMAIN, false);
    }
  }

  @ParameterizedTest
  @EnumSource(DnssecPolicy.Denial.class)
  @DisplayName("Unbound validates every kind of answer as secure")
  void unboundValidatesEveryKindOfAnswer(DnssecPolicy.Denial denial) throws Exception {
    RecordStore store = new InMemoryRecordStore();
    store.commit(ChangeSet.builder().replaceZone(zone()).sign(ORIGIN, policy(denial)).build());
    Set<ReceivedQuery.Transport> bigOver = java.util.concurrent.ConcurrentHashMap.newKeySet();
    DnsServer dnsd = keep(DnsServer.builder().store(store)
        .queryListener(q -> {
          if (n("big").equals(q.name()) && q.type() == Type.TXT) {
            bigOver.add(q.transport());
          }
        })
        .build().start());
    Unbound u = unbound("unbound", dnsd.address(), store.dnssec(ORIGIN).ds());
    everyKindOfAnswer(u);
    assertThat(bigOver).as("the signed answer that does not fit UDP: TC, then TCP")
        .containsExactlyInAnyOrder(ReceivedQuery.Transport.UDP, ReceivedQuery.Transport.TCP);
    bogusOnceBroken(store.zones().get(ORIGIN), store.dnssec(ORIGIN).ds(), "broken");
  }

  @ParameterizedTest
  @EnumSource(DnssecAlgorithm.class)
  @DisplayName("a zone signed with each algorithm is validated by Unbound and accepted by the verifiers")
  void everyAlgorithm(DnssecAlgorithm algorithm) throws Exception {
    RecordStore store = new InMemoryRecordStore();
    store.commit(ChangeSet.builder().replaceZone(zone()).sign(ORIGIN, DnssecPolicy.of(algorithm)).build());
    assertThat(store.dnssec(ORIGIN).ds()).allMatch(ds -> ds.getAlgorithm() == algorithm.number());
    DnsServer dnsd = serve(store);
    Unbound u = unbound("unbound", dnsd.address(), store.dnssec(ORIGIN).ds());
    secure(u, n("www"), Type.A, Rcode.NOERROR, true);
    secure(u, n("nope"), Type.A, Rcode.NXDOMAIN, false);
    secure(u, n("www"), Type.TXT, Rcode.NOERROR, false);
    secure(u, n("anything.wild"), Type.TXT, Rcode.NOERROR, true);
    secure(u, n("big"), Type.TXT, Rcode.NOERROR, true);
    verifiersAccept(dnsd, true);
  }

  @Test
  @DisplayName("a broken signature makes Unbound answer SERVFAIL, and only for that RRset")
  void brokenSignatureIsBogus() throws Exception {
    SigningKey key = SigningKey.generate(ORIGIN, DnssecAlgorithm.ECDSAP256SHA256, true);
    Instant now = Instant.now();
    Zone signed = zone().edit()
        .signAll(new Signer(DnssecPolicy.defaults(), List.of(key), List.of(key), List.of(key.dnskey()), now))
        .build();
    // The data changes after signing: served as a zone that arrived so, with the old signature.
    Zone tampered = Zone.of(ORIGIN, signed.records()).edit()
        .setRRset(n("www"), Type.A, List.of(Fixtures.rr("www.example.com.", Type.A, "192.0.2.66")))
        .build();
    RecordStore store = new InMemoryRecordStore();
    store.commit(ChangeSet.builder().replaceZone(tampered).build());
    DnsServer dnsd = serve(store);
    Unbound u = unbound("unbound", dnsd.address(), List.of(key.ds(3600)));
    assertThat(u.resolve(n("www"), Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
    secure(u, n("mail"), Type.MX, Rcode.NOERROR, true);
  }

  /** The zone as AXFR delivers it, written as a master file. */
  private Path axfr(DnsServer dnsd, String file) throws Exception {
    ZoneTransferIn xfr = ZoneTransferIn.newAXFR(ORIGIN, dnsd.address().getAddress().getHostAddress(), dnsd.port(), null);
    xfr.run();
    StringBuilder text = new StringBuilder();
    for (Record r : xfr.getAXFR()) {
      text.append(r).append('\n');
    }
    Path out = dir.resolve(file);
    Files.writeString(out, text);
    return out;
  }

  /**
   * ldns-verify-zone and dnssec-verify accept the zone. A CSK is a DNSKEY with the KSK flag that
   * signs everything: dnssec-verify's -z is for that.
   */
  private void verifiersAccept(DnsServer dnsd, boolean csk) throws Exception {
    Path zoneFile = axfr(dnsd, "axfr.zone");
    Path ldns = RealDns.require("ldns-verify-zone", "ldnsutils");
    RealDns.Run l = RealDns.run(dir, "", ldns.toString(), zoneFile.toString());
    assertThat(l.exit()).as("ldns-verify-zone said:\n%s", l.output()).isZero();
    Path bind = RealDns.require("dnssec-verify", "bind9-utils");
    List<String> command = new ArrayList<>(List.of(bind.toString(), "-o", ORIGIN.toString()));
    if (csk) {
      command.add("-z");
    }
    command.add(zoneFile.toString());
    RealDns.Run b = RealDns.run(dir, "", command.toArray(new String[0]));
    assertThat(b.exit()).as("dnssec-verify said:\n%s", b.output()).isZero();
  }

  /** The names a resolver should find: every authoritative name, with a type it has. */
  private static Map<Name, Integer> authoritativeNames(Zone zone) {
    Map<Name, Set<Integer>> types = new LinkedHashMap<>();
    for (Record r : zone.records()) {
      types.computeIfAbsent(r.getName(), k -> new LinkedHashSet<>()).add(r.getType());
    }
    Map<Name, Integer> out = new LinkedHashMap<>();
    for (Map.Entry<Name, Set<Integer>> e : types.entrySet()) {
      Name name = e.getKey();
      Set<Integer> t = e.getValue();
      if (name.equals(ORIGIN) || occluded(types, name) || (t.contains(Type.NSEC3) && t.size() <= 2)) {
        continue;
      }
      if (t.contains(Type.NS)) {
        out.put(name, Type.DS); // a delegation: the parent answers for its DS
        continue;
      }
      for (int type : new int[] {Type.CNAME, Type.DNAME, Type.A, Type.AAAA, Type.TXT, Type.MX}) {
        if (t.contains(type)) {
          out.put(name, type);
          break;
        }
      }
    }
    return out;
  }

  private static boolean occluded(Map<Name, Set<Integer>> types, Name name) {
    for (Name a = new Name(name, 1); a.labels() >= ORIGIN.labels(); a = new Name(a, 1)) {
      Set<Integer> t = types.getOrDefault(a, Set.of());
      if (t.contains(Type.DNAME) || (!a.equals(ORIGIN) && t.contains(Type.NS))) {
        return true;
      }
      if (a.equals(ORIGIN)) {
        break;
      }
    }
    return false;
  }

  @ParameterizedTest
  @EnumSource(DnssecPolicy.Denial.class)
  @DisplayName("after 1,000 random commits the verifiers accept the zone, and Unbound, using NSEC aggressively, still finds every name and validates every kind of answer")
  void afterRandomCommits(DnssecPolicy.Denial denial) throws Exception {
    RecordStore store = new InMemoryRecordStore();
    store.commit(ChangeSet.builder().replaceZone(zone()).sign(ORIGIN, policy(denial)).build());
    DnsServer dnsd = serve(store);
    RandomEdits edits = new RandomEdits(ORIGIN, 1000 + denial.ordinal());
    int committed = 0;
    for (int i = 0; i < 1000; i++) {
      try {
        store.commit(edits.next(store.zones().get(ORIGIN)));
        committed++;
      } catch (InvalidZoneException e) {
        // a CNAME beside data: refused whole
      }
    }
    assertThat(committed).isGreaterThan(800);
    Zone zone = store.zones().get(ORIGIN);
    SignedZoneCheck.check(zone, Instant.now());
    verifiersAccept(dnsd, true);
    Unbound u = unbound("unbound", dnsd.address(), store.dnssec(ORIGIN).ds());
    Map<Name, Integer> names = authoritativeNames(zone);
    assertThat(names).hasSizeGreaterThan(20);
    // Denials first, so that Unbound holds many NSEC intervals when it looks up the names: below
    // the apex and below names with data (never below a delegation, which Unbound would follow).
    List<Name> parents = new ArrayList<>(List.of(ORIGIN));
    names.forEach((name, type) -> {
      if (type != Type.DS && type != Type.CNAME && type != Type.DNAME && !name.isWild()) {
        parents.add(name);
      }
    });
    Random random = new Random(denial.ordinal());
    for (int i = 0; i < 60; i++) {
      Name parent = parents.get(random.nextInt(parents.size()));
      Name missing = Name.concatenate(Fixtures.name("m" + random.nextInt(1_000_000)), parent);
      Message m = u.resolve(missing, Type.A);
      assertThat(Unbound.ad(m)).as("%s validated: %s", missing, m).isTrue();
    }
    // The names themselves, and their empty non-terminal ancestors.
    for (Map.Entry<Name, Integer> e : names.entrySet()) {
      for (Name a = new Name(e.getKey(), 1); !a.equals(ORIGIN); a = new Name(a, 1)) {
        // CNAME: an ancestor may own one (with names below it), which another type would follow.
        Message ent = u.resolve(a, Type.CNAME);
        assertThat(ent.getRcode()).as("ancestor %s of %s exists", a, e.getKey()).isEqualTo(Rcode.NOERROR);
      }
      Message m = u.resolve(e.getKey(), e.getValue());
      assertThat(m.getRcode()).as("%s %s after the denials; unbound said\n%s", e.getKey(), Type.string(e.getValue()), m)
          .isEqualTo(Rcode.NOERROR);
      assertThat(Unbound.ad(m)).as("%s validated", e.getKey()).isTrue();
    }
    // And every kind of answer, from the fixed names the random edits leave alone.
    everyKindOfAnswer(u);
    delvFullyValidates(dnsd, store.dnssec(ORIGIN).ds(), n("www"), Type.A);
    delvFullyValidates(dnsd, store.dnssec(ORIGIN).ds(), n("nope"), Type.A);
    delvFullyValidates(dnsd, store.dnssec(ORIGIN).ds(), names.keySet().iterator().next(), Type.A);
    bogusOnceBroken(zone, store.dnssec(ORIGIN).ds(), "broken");
  }

  private void delvFullyValidates(DnsServer dnsd, List<DSRecord> anchors, Name name, int type) throws Exception {
    Path delv = RealDns.require("delv", "bind9-dnsutils");
    StringBuilder conf = new StringBuilder("trust-anchors {\n");
    for (DSRecord ds : anchors) {
      conf.append("  \"").append(ds.getName()).append("\" static-ds ").append(ds.getFootprint()).append(' ')
          .append(ds.getAlgorithm()).append(' ').append(ds.getDigestID()).append(" \"")
          .append(org.xbill.DNS.utils.base16.toString(ds.getDigest())).append("\";\n");
    }
    conf.append("};\n");
    Path anchorFile = dir.resolve("delv-anchors.conf");
    Files.writeString(anchorFile, conf);
    RealDns.Run run = RealDns.run(dir, "", delv.toString(), "@127.0.0.1", "-p", Integer.toString(dnsd.port()),
        "-a", anchorFile.toString(), "+root=" + ORIGIN, name.toString(), Type.string(type));
    assertThat(run.output()).as("delv on %s %s said:\n%s", name, Type.string(type), run.output())
        .contains("fully validated");
  }

  @Test
  @DisplayName("switching from NSEC to NSEC3 and back is one commit each, under the same key; Unbound validates and the verifiers accept the zone after each")
  void switchDenial() throws Exception {
    RecordStore store = new InMemoryRecordStore();
    store.commit(ChangeSet.builder().replaceZone(zone()).sign(ORIGIN, policy(DnssecPolicy.Denial.NSEC)).build());
    DnsServer dnsd = serve(store);
    List<DSRecord> anchor = store.dnssec(ORIGIN).ds();
    for (DnssecPolicy.Denial denial : List.of(DnssecPolicy.Denial.NSEC3, DnssecPolicy.Denial.NSEC)) {
      long version = store.version();
      store.commit(ChangeSet.builder().sign(ORIGIN, policy(denial)).build());
      assertThat(store.version()).as("one commit").isEqualTo(version + 1);
      assertThat(store.dnssec(ORIGIN).ds()).as("the same key").isEqualTo(anchor);
      Zone zone = store.zones().get(ORIGIN);
      assertThat(zone.nsec3Param() != null).as("NSEC3PARAM").isEqualTo(denial == DnssecPolicy.Denial.NSEC3);
      assertThat(zone.records()).as("no record of the other chain")
          .noneMatch(r -> r.getType() == (denial == DnssecPolicy.Denial.NSEC ? Type.NSEC3 : Type.NSEC));
      try (Unbound u = Unbound.start(dir.resolve("u-" + denial), List.of(new Unbound.Stub(ORIGIN, dnsd.address(), anchor)))) {
        everyKindOfAnswer(u);
      }
      verifiersAccept(dnsd, true);
    }
  }

  // ---- rollovers, with dnsd's clock advanced

  /**
   * A policy for rollovers a test can step through: keys become safe to use in two hours, and
   * signatures start ten days back, so that they bracket Unbound's real clock while dnsd's runs
   * days ahead.
   */
  private static DnssecPolicy.Builder rolloverPolicy() {
    return DnssecPolicy.builder()
        .propagationDelay(Duration.ofHours(1))
        .dnskeyTtl(Duration.ofHours(1))
        .inceptionOffset(Duration.ofDays(10))
        .signatureValidity(Duration.ofDays(30));
  }

  /** Runs the zone's upkeep, event after event, until {@code done} holds (within ten days). */
  private static void advanceUntil(RecordStore store, ManualClock clock, String what,
      java.util.function.Predicate<DnssecStatus> done) {
    Instant limit = clock.instant().plus(Duration.ofDays(10));
    while (!done.test(store.dnssec(ORIGIN))) {
      Instant next = store.dnssec(ORIGIN).nextEvent();
      if (next.isAfter(clock.instant())) {
        assertThat(next).as("%s before ten days on", what).isBefore(limit);
        clock.set(next);
      }
      store.commit(ChangeSet.builder().maintainSigning(ORIGIN).build());
    }
  }

  private static List<Integer> tags(DnssecStatus status, KeyRole role) {
    return status.keys().stream().filter(k -> k.role() == role).map(DnssecStatus.Key::tag).toList();
  }

  @Test
  @DisplayName("through a ZSK rollover on the policy's lifetime Unbound validates at every stage, and the verifiers accept the result")
  void zskRollover() throws Exception {
    ManualClock clock = new ManualClock(Instant.now());
    RecordStore store = new InMemoryRecordStore(RecordStore.DEFAULT_HISTORY, clock);
    DnssecPolicy p = rolloverPolicy().keys(DnssecPolicy.KeyScheme.KSK_ZSK).zskLifetime(Duration.ofDays(1)).build();
    store.commit(ChangeSet.builder().replaceZone(zone()).sign(ORIGIN, p).build());
    DnsServer dnsd = serve(store);
    List<DSRecord> anchor = store.dnssec(ORIGIN).ds();
    int oldZsk = tags(store.dnssec(ORIGIN), KeyRole.ZSK).get(0);
    int stage = 0;
    try (Unbound u = Unbound.start(dir.resolve("u" + stage++), List.of(new Unbound.Stub(ORIGIN, dnsd.address(), anchor)))) {
      everyKindOfAnswer(u);
    }
    advanceUntil(store, clock, "a new ZSK published", s -> tags(s, KeyRole.ZSK).size() == 2);
    try (Unbound u = Unbound.start(dir.resolve("u" + stage++), List.of(new Unbound.Stub(ORIGIN, dnsd.address(), anchor)))) {
      everyKindOfAnswer(u);
    }
    advanceUntil(store, clock, "the new ZSK signing",
        s -> s.keys().stream().anyMatch(k -> k.tag() == oldZsk && k.state() == DnssecStatus.State.RETIRED));
    try (Unbound u = Unbound.start(dir.resolve("u" + stage++), List.of(new Unbound.Stub(ORIGIN, dnsd.address(), anchor)))) {
      everyKindOfAnswer(u);
    }
    advanceUntil(store, clock, "the old ZSK withdrawn", s -> !tags(s, KeyRole.ZSK).contains(oldZsk));
    try (Unbound u = Unbound.start(dir.resolve("u" + stage), List.of(new Unbound.Stub(ORIGIN, dnsd.address(), anchor)))) {
      everyKindOfAnswer(u);
    }
    verifiersAccept(dnsd, false);
    bogusOnceBroken(store.zones().get(ORIGIN), anchor, "broken");
  }

  @Test
  @DisplayName("through a CSK rollover Unbound validates with the old anchor, both, and the new one once the parent's DS changed")
  void cskRollover() throws Exception {
    ManualClock clock = new ManualClock(Instant.now());
    RecordStore store = new InMemoryRecordStore(RecordStore.DEFAULT_HISTORY, clock);
    store.commit(ChangeSet.builder().replaceZone(zone()).sign(ORIGIN, rolloverPolicy().build()).build());
    DnsServer dnsd = serve(store);
    List<DSRecord> oldDs = store.dnssec(ORIGIN).ds();
    int oldCsk = oldDs.get(0).getFootprint();
    store.commit(ChangeSet.builder().rollover(ORIGIN, KeyRole.CSK).build());
    try (Unbound u = Unbound.start(dir.resolve("u0"), List.of(new Unbound.Stub(ORIGIN, dnsd.address(), oldDs)))) {
      everyKindOfAnswer(u);
    }
    advanceUntil(store, clock, "the new CSK signing", s -> s.ds().get(0).getFootprint() != oldCsk);
    List<DSRecord> newDs = store.dnssec(ORIGIN).ds();
    List<DSRecord> both = new ArrayList<>(oldDs);
    both.addAll(newDs);
    for (List<DSRecord> anchor : List.of(oldDs, both, newDs)) {
      try (Unbound u = Unbound.start(dir.resolve("u" + anchor.size() + anchor.get(0).getFootprint()),
          List.of(new Unbound.Stub(ORIGIN, dnsd.address(), anchor)))) {
        everyKindOfAnswer(u);
      }
    }
    // The parent now has the new DS: the old CSK goes once caches forgot the old DS.
    store.commit(ChangeSet.builder().confirmDs(ORIGIN).build());
    advanceUntil(store, clock, "the old CSK withdrawn", s -> s.keys().size() == 1);
    try (Unbound u = Unbound.start(dir.resolve("u-last"), List.of(new Unbound.Stub(ORIGIN, dnsd.address(), newDs)))) {
      everyKindOfAnswer(u);
    }
    verifiersAccept(dnsd, true);
    bogusOnceBroken(store.zones().get(ORIGIN), newDs, "broken");
  }

  // ---- secondaries and zones signed elsewhere

  private RealDns.Daemon knot(int port, String zones) throws Exception {
    Path knotd = RealDns.require("knotd", "knot");
    Path home = dir.resolve("knot");
    for (String sub : new String[] {"run", "db", "zones"}) {
      Files.createDirectories(home.resolve(sub));
    }
    String conf = """
        server:
            rundir: "%1$s/run"
            listen: 127.0.0.1@%2$d
        log:
          - target: stderr
            any: info
        database:
            storage: "%1$s/db"
        template:
          - id: default
            storage: "%1$s/zones"
            zonefile-sync: -1
        %3$s
        """.formatted(home, port, zones);
    Path file = home.resolve("knot.conf");
    Files.writeString(file, conf);
    return keep(RealDns.Daemon.start(home.resolve("knot.log"), knotd.toString(), "-c", file.toString()));
  }

  private static long serialAt(InetSocketAddress server) {
    Message m = RealDns.query(server, ORIGIN, Type.SOA);
    if (m == null || m.getRcode() != Rcode.NOERROR || m.getSection(Section.ANSWER).isEmpty()) {
      return -1;
    }
    return ((SOARecord) m.getSection(Section.ANSWER).get(0)).getSerial();
  }

  @ParameterizedTest
  @EnumSource(DnssecPolicy.Denial.class)
  @DisplayName("Knot as a secondary, fed by IXFR, serves the signed zone and Unbound validates through it")
  void knotSecondary(DnssecPolicy.Denial denial) throws Exception {
    int knotPort = EndToEndTest.freePort();
    RecordStore store = new InMemoryRecordStore();
    store.commit(ChangeSet.builder().replaceZone(zone()).sign(ORIGIN, policy(denial)).build());
    ZoneTransfers xfr = ZoneTransfers.builder()
        .allowTransfer("example.com", "127.0.0.1")
        .notify("example.com", new InetSocketAddress("127.0.0.1", knotPort))
        .build();
    DnsServer dnsd = keep(DnsServer.builder().store(store).extension(xfr).build().start());
    RealDns.Daemon knot = knot(knotPort, """
        remote:
          - id: dnsd
            address: 127.0.0.1@%d
        acl:
          - id: from-dnsd
            address: 127.0.0.1
            action: notify
        zone:
          - domain: example.com
            master: dnsd
            acl: from-dnsd
            zonefile-load: none
        """.formatted(dnsd.port()));
    InetSocketAddress knotAddress = new InetSocketAddress("127.0.0.1", knotPort);
    Await.until("Knot to load the zone\n" + knot.log(), DEADLINE, () -> serialAt(knotAddress) == store.zones().get(ORIGIN).serial());
    store.commit(ChangeSet.builder().add(Fixtures.rr("fresh.example.com.", Type.A, "192.0.2.77")).build());
    long serial = store.zones().get(ORIGIN).serial();
    Await.until("Knot to take the change by IXFR\n" + knot.log(), DEADLINE, () -> serialAt(knotAddress) == serial);
    assertThat(knot.log()).contains("IXFR, incoming");
    Unbound u = unbound("unbound", knotAddress, store.dnssec(ORIGIN).ds());
    everyKindOfAnswer(u);
    secure(u, n("fresh"), Type.A, Rcode.NOERROR, true);
  }

  @ParameterizedTest
  @EnumSource(DnssecPolicy.Denial.class)
  @DisplayName("a zone file signed by dnssec-signzone is served with proofs from its own records")
  void presignedZoneFile(DnssecPolicy.Denial denial) throws Exception {
    Path keygen = RealDns.require("dnssec-keygen", "bind9-utils");
    Path signzone = RealDns.require("dnssec-signzone", "bind9-utils");
    Path keys = Files.createDirectories(dir.resolve("keys"));
    for (String[] args : new String[][] {{"-f", "KSK"}, {}}) {
      List<String> command = new ArrayList<>(List.of(keygen.toString(), "-q", "-K", keys.toString(), "-a", "ECDSAP256SHA256"));
      command.addAll(List.of(args));
      command.add(ORIGIN.toString());
      RealDns.Run run = RealDns.run(dir, "", command.toArray(new String[0]));
      assertThat(run.exit()).as(run.output()).isZero();
    }
    StringBuilder text = new StringBuilder();
    for (Record r : zone().records()) {
      text.append(r).append('\n');
    }
    Path file = dir.resolve("example.com.zone");
    Files.writeString(file, text);
    List<String> sign = new ArrayList<>(List.of(signzone.toString(), "-S", "-K", keys.toString(), "-o", ORIGIN.toString(),
        "-d", dir.toString(), "-f", dir.resolve("signed.zone").toString()));
    if (denial == DnssecPolicy.Denial.NSEC3) {
      sign.addAll(List.of("-3", "-", "-H", "0"));
    }
    sign.add(file.toString());
    RealDns.Run signed = RealDns.run(dir, "", sign.toArray(new String[0]));
    assertThat(signed.exit()).as(signed.output()).isZero();
    Zone presigned = dev.dnsd.zone.ZoneFiles.load(dir.resolve("signed.zone"), ORIGIN);
    RecordStore store = new InMemoryRecordStore();
    store.commit(ChangeSet.builder().replaceZone(presigned).build());
    DnsServer dnsd = serve(store);
    assertThat(store.dnssec(ORIGIN)).as("dnsd holds no key of it").isNull();
    List<DSRecord> anchor = new ArrayList<>();
    for (Record r : presigned.rrset(ORIGIN, Type.DNSKEY).records()) {
      org.xbill.DNS.DNSKEYRecord k = (org.xbill.DNS.DNSKEYRecord) r;
      if ((k.getFlags() & org.xbill.DNS.DNSKEYRecord.Flags.SEP_KEY) != 0) {
        anchor.add(new DSRecord(ORIGIN, k.getDClass(), 3600, DSRecord.SHA256_DIGEST_ID, k));
      }
    }
    Unbound u = unbound("unbound", dnsd.address(), anchor);
    secure(u, n("www"), Type.A, Rcode.NOERROR, true);
    secure(u, n("nope"), Type.A, Rcode.NXDOMAIN, false);
    secure(u, n("www"), Type.TXT, Rcode.NOERROR, false);
    secure(u, n("b.c"), Type.A, Rcode.NOERROR, false);
    secure(u, n("anything.wild"), Type.TXT, Rcode.NOERROR, true);
    secure(u, n("anything.wild"), Type.A, Rcode.NOERROR, false);
    secure(u, n("insecure"), Type.DS, Rcode.NOERROR, false);
  }

  @Test
  @DisplayName("a zone a signing Knot primary sends dnsd by AXFR is served with proofs from its own records")
  void signedByKnotPrimary() throws Exception {
    int knotPort = EndToEndTest.freePort();
    int dnsdPort = EndToEndTest.freePort();
    Path zones = Files.createDirectories(dir.resolve("knot/zones"));
    StringBuilder text = new StringBuilder();
    for (Record r : zone().records()) {
      text.append(r).append('\n');
    }
    Files.writeString(zones.resolve("example.com.zone"), text);
    RealDns.Daemon knot = knot(knotPort, """
        remote:
          - id: dnsd
            address: 127.0.0.1@%d
        acl:
          - id: to-dnsd
            address: 127.0.0.1
            action: transfer
        zone:
          - domain: example.com
            dnssec-signing: on
            acl: to-dnsd
            notify: dnsd
        """.formatted(dnsdPort));
    InetSocketAddress knotAddress = new InetSocketAddress("127.0.0.1", knotPort);
    Await.until("Knot to sign and serve the zone\n" + knot.log(), DEADLINE, () -> {
      Message m = RealDns.query(knotAddress, ORIGIN, Type.DNSKEY);
      return m != null && !m.getSection(Section.ANSWER).isEmpty();
    });
    DnsServer dnsd = keep(DnsServer.builder().listen("127.0.0.1", dnsdPort)
        .extension(ZoneTransfers.builder().secondaryZone("example.com", knotAddress).build())
        .build().start());
    Await.until("dnsd to transfer the signed zone", DEADLINE,
        () -> dnsd.zones().get(ORIGIN) != null && dnsd.zones().get(ORIGIN).isSigned());
    List<DSRecord> anchor = new ArrayList<>();
    for (Record r : dnsd.zones().get(ORIGIN).rrset(ORIGIN, Type.DNSKEY).records()) {
      org.xbill.DNS.DNSKEYRecord k = (org.xbill.DNS.DNSKEYRecord) r;
      if ((k.getFlags() & org.xbill.DNS.DNSKEYRecord.Flags.SEP_KEY) != 0) {
        anchor.add(new DSRecord(ORIGIN, k.getDClass(), 3600, DSRecord.SHA256_DIGEST_ID, k));
      }
    }
    Unbound u = unbound("unbound", dnsd.address(), anchor);
    everyKindOfAnswer(u);
  }

  @Test
  @DisplayName("a key dnssec-keygen made signs in dnsd, and a key dnsd wrote signs in dnssec-signzone")
  void bindKeyFilesBothWays() throws Exception {
    Path keygen = RealDns.require("dnssec-keygen", "bind9-utils");
    Path signzone = RealDns.require("dnssec-signzone", "bind9-utils");
    Path verify = RealDns.require("dnssec-verify", "bind9-utils");
    Path fromBind = Files.createDirectories(dir.resolve("from-bind"));
    RealDns.Run gen = RealDns.run(dir, "", keygen.toString(), "-q", "-K", fromBind.toString(), "-a", "ED25519",
        "-f", "KSK", ORIGIN.toString());
    assertThat(gen.exit()).as(gen.output()).isZero();
    SigningKey bindKey = SigningKey.readBind(fromBind.resolve(gen.output().strip() + ".private"));
    RecordStore store = new InMemoryRecordStore();
    store.commit(ChangeSet.builder().replaceZone(zone()).importKey(ORIGIN, bindKey, KeyRole.CSK)
        .sign(ORIGIN, DnssecPolicy.of(DnssecAlgorithm.ED25519)).build());
    assertThat(store.dnssec(ORIGIN).keys()).extracting(DnssecStatus.Key::tag).containsExactly(bindKey.tag());
    DnsServer dnsd = serve(store);
    Unbound u = unbound("unbound", dnsd.address(), List.of(bindKey.ds(3600)));
    secure(u, n("www"), Type.A, Rcode.NOERROR, true);
    secure(u, n("nope"), Type.A, Rcode.NXDOMAIN, false);

    Path fromDnsd = Files.createDirectories(dir.resolve("from-dnsd"));
    SigningKey.generate(ORIGIN, DnssecAlgorithm.ECDSAP256SHA256, true).writeBind(fromDnsd);
    SigningKey.generate(ORIGIN, DnssecAlgorithm.ECDSAP256SHA256, false).writeBind(fromDnsd);
    StringBuilder text = new StringBuilder();
    for (Record r : zone().records()) {
      text.append(r).append('\n');
    }
    Path file = dir.resolve("unsigned.zone");
    Files.writeString(file, text);
    Path signedFile = dir.resolve("bind-signed.zone");
    RealDns.Run signed = RealDns.run(dir, "", signzone.toString(), "-S", "-K", fromDnsd.toString(), "-o",
        ORIGIN.toString(), "-d", dir.toString(), "-f", signedFile.toString(), file.toString());
    assertThat(signed.exit()).as(signed.output()).isZero();
    RealDns.Run checked = RealDns.run(dir, "", verify.toString(), "-o", ORIGIN.toString(), signedFile.toString());
    assertThat(checked.exit()).as(checked.output()).isZero();
  }

  @Test
  @DisplayName("nsupdate changes a signed zone: the new name validates at once, the deleted one is proved gone")
  void dynamicUpdateIsSigned() throws Exception {
    Path nsupdate = RealDns.require("nsupdate", "bind9-dnsutils");
    RecordStore store = new InMemoryRecordStore();
    store.commit(ChangeSet.builder().replaceZone(zone()).sign(ORIGIN, policy(DnssecPolicy.Denial.NSEC)).build());
    DnsServer dnsd = keep(DnsServer.builder().store(store)
        .extension(ZoneTransfers.builder().tsigKey(Fixtures.KEY).allowUpdate("example.com", "xfr-key").build())
        .build().start());
    String key = "hmac-sha256:xfr-key:" + Fixtures.SECRET;
    String server = "server 127.0.0.1 " + dnsd.port() + "\nzone example.com.\n";
    RealDns.Run add = RealDns.run(dir, server + "update add dyn.example.com. 300 A 192.0.2.99\nsend\n",
        nsupdate.toString(), "-y", key);
    assertThat(add.exit()).as(add.output()).isZero();
    RealDns.Run delete = RealDns.run(dir, server + "update delete www.example.com. A\nsend\n", nsupdate.toString(), "-y", key);
    assertThat(delete.exit()).as(delete.output()).isZero();
    RealDns.Run forged = RealDns.run(dir, server + "update add x.example.com. 300 NSEC example.com. A\nsend\n",
        nsupdate.toString(), "-y", key);
    assertThat(forged.output()).as("an UPDATE of the signer's records").contains("REFUSED");
    Unbound u = unbound("unbound", dnsd.address(), store.dnssec(ORIGIN).ds());
    secure(u, n("dyn"), Type.A, Rcode.NOERROR, true);
    secure(u, n("www"), Type.A, Rcode.NXDOMAIN, false);
  }
}
