package dev.dnsd.xfr;

import static dev.dnsd.xfr.Fixtures.KEY;
import static dev.dnsd.xfr.Fixtures.ORIGIN;
import static dev.dnsd.xfr.Fixtures.name;
import static dev.dnsd.xfr.Fixtures.rr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dnsd.Await;
import dev.dnsd.DnsServer;
import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeListener;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.store.RecordStore;
import dev.dnsd.store.ZoneChange;
import dev.dnsd.store.ZoneListHook;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneTable;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Catalog zones (RFC 9432, schema version 2): dnsd as producer, and as consumer of itself. */
class CatalogTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final Name CATALOG = name("catalog.test.");
  private DnsServer producer;
  private DnsServer consumer;

  @AfterEach
  void stop() {
    if (consumer != null) {
      consumer.close();
    }
    if (producer != null) {
      producer.close();
    }
  }

  static List<Record> zoneRecords(String origin) {
    return List.of(
        rr(origin, Type.SOA, 3600, "ns1." + origin + " admin." + origin + " 1 3600 600 86400 300"),
        rr(origin, Type.NS, "ns1." + origin),
        rr("www." + origin, Type.A, "192.0.2.80"));
  }

  private void startProducer(int consumerPort) throws Exception {
    ZoneTransfers.Builder xfr = ZoneTransfers.builder().tsigKey(KEY)
        .catalog("catalog.test")
        .catalogGroup("example.com", "signed")
        .allowTransferKey("catalog.test", "xfr-key");
    if (consumerPort > 0) {
      xfr.notify("catalog.test", new InetSocketAddress("127.0.0.1", consumerPort));
    }
    producer = DnsServer.builder().zone(Fixtures.zone()).extension(xfr.build()).build().start();
  }

  private void startConsumer(int port, RecordStore store) throws Exception {
    consumer = DnsServer.builder().listen("127.0.0.1", port).store(store)
        .extension(ZoneTransfers.builder().tsigKey(KEY)
            .catalogConsumer("catalog.test", producer.address(), "xfr-key").build())
        .build().start();
  }

  private Map<Name, Catalog.Member> members() {
    Map<Name, Catalog.Member> members = Catalog.read(producer.zones().get(CATALOG));
    assertThat(members).as("a readable version 2 catalog").isNotNull();
    return members;
  }

  @Test
  void theProducerListsEachZoneAndCreatingOrDeletingOneChangesTheCatalogInTheSameCommit() throws Exception {
    startProducer(0);
    Zone catalog = producer.zones().get(CATALOG);
    assertThat(catalog.rrset(name("version.catalog.test."), Type.TXT).records())
        .containsExactly(rr("version.catalog.test.", Type.TXT, 0, "\"2\""));
    assertThat(members()).containsOnlyKeys(ORIGIN);
    assertThat(members().get(ORIGIN).group()).isEqualTo("signed");
    long serial = catalog.serial();

    Change created = producer.commit(ChangeSet.builder().createZone(name("new.test."), zoneRecords("new.test.")).build());
    assertThat(created.zones()).extracting(ZoneChange::origin).containsExactly(name("new.test."), CATALOG);
    assertThat(members()).containsOnlyKeys(ORIGIN, name("new.test."));
    assertThat(members().get(name("new.test.")).group()).isNull();
    assertThat(producer.zones().get(CATALOG).serial()).isEqualTo(serial + 1);

    producer.commit(ChangeSet.builder().deleteZone(name("new.test.")).build());
    assertThat(members()).containsOnlyKeys(ORIGIN);
    Zone after = producer.zones().get(CATALOG);
    after.forEachRRset(rrset -> assertThat(rrset.owner().toString()).doesNotContain(
        created.zones().get(1).added().get(0).getName().getLabelString(0)));
  }

  @Test
  void aRecreatedZoneGetsANewMemberLabel() throws Exception {
    startProducer(0);
    producer.commit(ChangeSet.builder().createZone(name("new.test."), zoneRecords("new.test.")).build());
    String first = members().get(name("new.test.")).id();
    producer.commit(ChangeSet.builder().deleteZone(name("new.test.")).build());
    producer.commit(ChangeSet.builder().createZone(name("new.test."), zoneRecords("new.test.")).build());
    assertThat(members().get(name("new.test.")).id()).isNotEqualTo(first);
  }

  @Test
  void aConsumerFollowsTheMembersAsTheCatalogChangesAndKeepsThemAcrossARestart() throws Exception {
    int consumerPort = EndToEndTest.freePort();
    startProducer(consumerPort);
    KeptStore store = new KeptStore();
    startConsumer(consumerPort, store);

    Await.until("the consumer to follow example.com", DEADLINE, () -> consumer.zones().get(ORIGIN) != null);
    producer.commit(ChangeSet.builder().createZone(name("dyn.test."), zoneRecords("dyn.test."))
        .createZone(name("gone.test."), zoneRecords("gone.test.")).build());
    Await.until("the consumer to serve the new zones", DEADLINE,
        () -> consumer.zones().get(name("dyn.test.")) != null && consumer.zones().get(name("gone.test.")) != null);
    assertThat(consumer.zones().get(name("dyn.test.")).rrset(name("www.dyn.test."), Type.A)).isNotNull();

    // A member's change reaches the consumer by NOTIFY (the catalog's targets) and IXFR.
    producer.commit(ChangeSet.builder().add(rr("new.dyn.test.", Type.A, "192.0.2.81")).build());
    Await.until("the member's change", DEADLINE,
        () -> consumer.zones().get(name("dyn.test.")).rrset(name("new.dyn.test."), Type.A) != null);

    producer.commit(ChangeSet.builder().deleteZone(name("gone.test.")).build());
    Await.until("the deleted zone to go", DEADLINE, () -> consumer.zones().get(name("gone.test.")) == null);

    consumer.close();
    producer.commit(ChangeSet.builder().deleteZone(name("dyn.test.")).build()); // while it is down
    producer.commit(ChangeSet.builder().createZone(name("later.test."), zoneRecords("later.test.")).build());
    startConsumer(consumerPort, store);
    assertThat(consumer.zones().get(ORIGIN)).isNotNull();
    Await.until("the restarted consumer to follow the catalog", DEADLINE,
        () -> consumer.zones().get(name("later.test.")) != null && consumer.zones().get(name("dyn.test.")) == null);
    producer.commit(ChangeSet.builder().add(rr("after.example.com.", Type.A, "192.0.2.82")).build());
    Await.until("a member kept across the restart to follow its primary", DEADLINE,
        () -> consumer.zones().get(ORIGIN).rrset(name("after.example.com."), Type.A) != null);
  }

  /** A hand-made catalog zone: version 2, and these member nodes (label, member, coo or null). */
  private static List<Record> catalog(String origin, String... nodes) {
    List<Record> out = new java.util.ArrayList<>(List.of(
        rr(origin, Type.SOA, 0, "invalid. invalid. 1 3600 600 2419200 0"),
        rr(origin, Type.NS, 0, "invalid."),
        rr("version." + origin, Type.TXT, 0, "\"2\"")));
    for (String node : nodes) {
      String[] parts = node.split(" ");
      out.add(rr(parts[0] + ".zones." + origin, Type.PTR, 0, parts[1]));
      if (parts.length > 2) {
        out.add(rr("coo." + parts[0] + ".zones." + origin, Type.PTR, 0, parts[2]));
      }
    }
    return out;
  }

  @Test
  void aMemberListedByTwoCatalogsStaysWithTheFirstUntilItsCooNamesTheOther() throws Exception {
    int consumerPort = EndToEndTest.freePort();
    producer = DnsServer.builder()
        .zone(Zone.of(name("a.cat."), catalog("a.cat.", "m1 x.test.")))
        .zone(Zone.of(name("x.test."), zoneRecords("x.test.")))
        .extension(ZoneTransfers.builder()
            .allowTransfer("a.cat", "127.0.0.0/8").allowTransfer("b.cat", "127.0.0.0/8")
            .allowTransfer("x.test", "127.0.0.0/8")
            .notify("a.cat", new InetSocketAddress("127.0.0.1", consumerPort))
            .notify("b.cat", new InetSocketAddress("127.0.0.1", consumerPort))
            .build())
        .build().start();
    ZoneTransfers xfr = ZoneTransfers.builder()
        .catalogConsumer("a.cat", producer.address(), null)
        .catalogConsumer("b.cat", producer.address(), null)
        .build();
    consumer = DnsServer.builder().listen("127.0.0.1", consumerPort).extension(xfr).build().start();
    Await.until("a.cat's member to be followed", DEADLINE, () -> consumer.zones().get(name("x.test.")) != null);

    producer.commit(ChangeSet.builder().createZone(name("b.cat."), catalog("b.cat.", "m2 x.test.")).build());
    Await.until("b.cat to arrive", DEADLINE, () -> consumer.zones().get(name("b.cat.")) != null);
    assertThat(xfr.catalogOwner(name("x.test."))).isEqualTo(name("a.cat."));

    producer.commit(ChangeSet.builder().add(rr("coo.m1.zones.a.cat.", Type.PTR, 0, "b.cat.")).build());
    Await.until("a.cat's coo to arrive", DEADLINE,
        () -> consumer.zones().get(name("a.cat.")).rrset(name("coo.m1.zones.a.cat."), Type.PTR) != null);
    assertThat(xfr.catalogOwner(name("x.test."))).isEqualTo(name("a.cat."));
    // The move happens when b.cat changes its listing of the member (RFC 9432 §4.4.1): here a new label.
    producer.commit(ChangeSet.builder().removeName(name("m2.zones.b.cat."))
        .add(rr("m3.zones.b.cat.", Type.PTR, 0, "x.test.")).build());
    Await.until("the member to move to b.cat", DEADLINE, () -> name("b.cat.").equals(xfr.catalogOwner(name("x.test."))));
    Await.until("the member to be transferred again after the reset", DEADLINE,
        () -> consumer.zones().get(name("x.test.")) != null);

    producer.commit(ChangeSet.builder().removeName(name("m1.zones.a.cat.")).removeName(name("coo.m1.zones.a.cat.")).build());
    Await.until("a.cat to drop the member", DEADLINE,
        () -> consumer.zones().get(name("a.cat.")).rrset(name("m1.zones.a.cat."), Type.PTR) == null);
    assertThat(xfr.catalogOwner(name("x.test."))).isEqualTo(name("b.cat."));
    assertThat(consumer.zones().get(name("x.test."))).as("kept: b.cat owns it now").isNotNull();
  }

  /** An in-memory store that outlives the server closing it, as a file would. */
  static final class KeptStore implements RecordStore {
    private final InMemoryRecordStore inner = new InMemoryRecordStore();

    @Override
    public Change commit(ChangeSet changes) {
      return inner.commit(changes);
    }

    @Override
    public ZoneTable zones() {
      return inner.zones();
    }

    @Override
    public @Nullable String meta(String key) {
      return inner.meta(key);
    }

    @Override
    public Optional<List<Change>> changesSince(long afterVersion, int limit) {
      return inner.changesSince(afterVersion, limit);
    }

    @Override
    public Subscription subscribe(ChangeListener listener) {
      return inner.subscribe(listener);
    }

    @Override
    public Subscription addZoneListHook(ZoneListHook hook) {
      return inner.addZoneListHook(hook);
    }

    @Override
    public void close() {}
  }
}
