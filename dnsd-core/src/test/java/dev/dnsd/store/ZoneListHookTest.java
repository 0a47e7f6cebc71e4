package dev.dnsd.store;

import static dev.dnsd.TestRecords.zoneRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.TestRecords;
import dev.dnsd.zone.InvalidZoneException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Hooks that add edits to commits creating or deleting zones, in the same change. */
class ZoneListHookTest {
  private static final Name LIST = TestRecords.name("list.test.");
  private final InMemoryRecordStore store = new InMemoryRecordStore();
  private final List<String> calls = new ArrayList<>();

  private static Record txt(Name zone) {
    try {
      return Record.fromString(new Name(zone.toString().replace('.', '-') + "x", LIST), Type.TXT, DClass.IN, 0,
          "\"" + zone + "\"", LIST);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Keeps one TXT record per zone in list.test., as a catalog keeps its members. */
  private final ZoneListHook lister = (before, created, deleted) -> {
    calls.add(created + " " + deleted);
    List<ChangeSet.Op> ops = new ArrayList<>();
    created.forEach(z -> ops.add(new ChangeSet.Add(txt(z))));
    deleted.forEach(z -> ops.add(new ChangeSet.Remove(txt(z))));
    return ops;
  };

  private static Name zone(String name) {
    return TestRecords.name(name);
  }

  @Test
  @DisplayName("a created zone and the hook's edit are one change with one version")
  void createdInTheSameChange() {
    store.commit(ChangeSet.builder().createZone(LIST, zoneRecords(LIST, 1)).build());
    store.addZoneListHook(lister);
    Change change = store.commit(ChangeSet.builder().createZone(zone("a.test."), zoneRecords(zone("a.test."), 1)).build());

    assertThat(change.zones()).extracting(ZoneChange::origin).containsExactly(zone("a.test."), LIST);
    assertThat(store.zones().get(LIST).rrset(txt(zone("a.test.")).getName(), Type.TXT)).isNotNull();
    assertThat(store.zones().get(LIST).serial()).isEqualTo(2);
    assertThat(store.version()).isEqualTo(change.version());
    assertThat(calls).containsExactly("[a.test.] []");
  }

  @Test
  @DisplayName("deleting a zone removes its entry in the same change; editing or replacing one calls no hook")
  void deletions() {
    Name a = zone("a.test.");
    store.commit(ChangeSet.builder().createZone(LIST, zoneRecords(LIST, 1))
        .createZone(a, zoneRecords(a, 1)).add(txt(a)).build());
    store.addZoneListHook(lister);

    store.commit(ChangeSet.builder().replaceZone(a, zoneRecords(a, 5)).build());
    store.commit(ChangeSet.builder().deleteZone(a).createZone(a, zoneRecords(a, 7)).build());
    assertThat(calls).isEmpty();

    Change change = store.commit(ChangeSet.builder().deleteZone(a).build());
    assertThat(change.zones()).extracting(ZoneChange::kind)
        .containsExactly(ZoneChange.Kind.DELETED, ZoneChange.Kind.MODIFIED);
    assertThat(store.zones().get(LIST).rrset(txt(a).getName(), Type.TXT)).isNull();
    assertThat(calls).containsExactly("[] [a.test.]");
  }

  @Test
  @DisplayName("a hook edit that breaks a rule fails the whole commit, and nothing changes")
  void brokenEditFailsAll() {
    store.addZoneListHook((before, created, deleted) -> List.of(new ChangeSet.Add(txt(zone("a.test.")))));
    long version = store.version();
    assertThatThrownBy(() -> store.commit(
        ChangeSet.builder().createZone(zone("a.test."), zoneRecords(zone("a.test."), 1)).build()))
        .isInstanceOf(InvalidZoneException.class); // list.test. does not exist
    assertThat(store.zones().get(zone("a.test."))).isNull();
    assertThat(store.version()).isEqualTo(version);
  }

  @Test
  @DisplayName("a closed hook is called no more")
  void closedHook() {
    store.commit(ChangeSet.builder().createZone(LIST, zoneRecords(LIST, 1)).build());
    RecordStore.Subscription hook = store.addZoneListHook(lister);
    assertThat(hook.initial().get(LIST)).isNotNull();
    hook.close();
    store.commit(ChangeSet.builder().createZone(zone("a.test."), zoneRecords(zone("a.test."), 1)).build());
    assertThat(calls).isEmpty();
    assertThat(store.zones().get(LIST).serial()).isEqualTo(1);
    assertThat(Set.copyOf(store.zones().zones()).size()).isEqualTo(2);
  }
}
