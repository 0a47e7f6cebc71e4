package dev.dnsd.sync;

import static dev.dnsd.sync.Zones.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.store.Change;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.InMemoryRecordStore;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

class CodecTest {

  @Test
  void aCommittedChangeSurvivesTheWireWithSoaSerialsAndNameCase() throws Exception {
    InMemoryRecordStore store = new InMemoryRecordStore();
    store.commit(Zones.createZone("Example.COM"));
    Change change =
        store.commit(
            ChangeSet.builder()
                .add(Zones.a("WWW.example.com", 1))
                .remove(Zones.a("nothing.example.com", 2))
                .build());
    Change back = Codec.change(new WireReader(Codec.change(change).toByteArray()));
    assertThat(back).isEqualTo(new Change(change.version(), change.committedAtMillis(), change.zones()));
    assertThat(back.zones().get(0).newSoa().getSerial()).isEqualTo(2);
    assertThat(back.zones().get(0).added().stream().map(r -> r.getName().toString()))
        .contains("WWW.example.com.");
  }

  @Test
  void everyChangeSetOperationSurvivesTheWire() throws Exception {
    Name origin = name("example.com");
    ChangeSet changes =
        ChangeSet.builder()
            .createZone(origin, Zones.apex("example.com"))
            .replaceZone(origin, Zones.apex("example.com"))
            .add(Zones.a("a.example.com", 1))
            .remove(Zones.a("a.example.com", 1))
            .removeRRset(name("a.example.com"), Type.A)
            .setRRset(name("b.example.com"), Type.A, java.util.List.of(Zones.a("b.example.com", 2)))
            .removeName(name("b.example.com"))
            .rollover(origin, dev.dnsd.dnssec.KeyRole.KSK)
            .rollover(origin, dev.dnsd.dnssec.KeyRole.ZSK)
            .rollover(origin, dev.dnsd.dnssec.KeyRole.CSK)
            .confirmDs(origin)
            .deleteZone(origin)
            .build();
    WireWriter w = new WireWriter();
    Codec.ops(w, changes);
    WireReader r = new WireReader(w.toByteArray());
    assertThat(Codec.ops(r, "test").ops()).isEqualTo(changes.ops());
    r.end();
  }

  @Test
  void aTruncatedOrPaddedMessageIsAProtocolErrorNotACrash() throws Exception {
    InMemoryRecordStore store = new InMemoryRecordStore();
    Change change = store.commit(Zones.createZone("example.com"));
    byte[] wire = Codec.change(change).toByteArray();
    for (int cut = 0; cut < wire.length; cut++) {
      byte[] shorter = Arrays.copyOf(wire, cut);
      assertThatThrownBy(() -> Codec.change(new WireReader(shorter))).isInstanceOf(ProtocolException.class);
    }
    byte[] longer = Arrays.copyOf(wire, wire.length + 1);
    assertThatThrownBy(() -> Codec.change(new WireReader(longer))).isInstanceOf(ProtocolException.class);
    byte[] hugeCount = new WireWriter().u32(0xFFFFFFFFL).toByteArray();
    assertThatThrownBy(() -> Codec.ops(new WireReader(hugeCount), "test")).isInstanceOf(ProtocolException.class);
  }
}
