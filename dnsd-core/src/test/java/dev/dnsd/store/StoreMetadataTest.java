package dev.dnsd.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.zone.InvalidZoneException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

class StoreMetadataTest {
  private static final Name MISSING = Name.fromConstantString("missing.example.");

  @Test
  void metadataIsCommittedWithTheChangeAndReadBack() {
    InMemoryRecordStore store = new InMemoryRecordStore();
    assertThat(store.meta("k")).isNull();
    Change change = store.commit(ChangeSet.builder().meta("k", "1").meta("k", "2").build());
    assertThat(store.meta("k")).isEqualTo("2");
    assertThat(change.meta()).containsEntry("k", "2");
  }

  @Test
  void metadataAloneIsAChangeWithTheNextVersionAndIsHeardByListeners() {
    InMemoryRecordStore store = new InMemoryRecordStore();
    List<Change> heard = new ArrayList<>();
    store.subscribe((change, after) -> heard.add(change));
    Change change = store.commit(ChangeSet.builder().meta("k", "v").build());
    assertThat(change.version()).isEqualTo(1);
    assertThat(change.isEmpty()).isFalse();
    assertThat(store.version()).isEqualTo(1);
    assertThat(heard).containsExactly(change);
    assertThat(store.changesSince(0, 10).orElseThrow()).hasSize(1);
  }

  @Test
  void aRejectedChangeSetLeavesTheMetadataAsItWas() {
    InMemoryRecordStore store = new InMemoryRecordStore();
    store.commit(ChangeSet.builder().meta("k", "old").build());
    assertThatThrownBy(() -> store.commit(ChangeSet.builder().deleteZone(MISSING).meta("k", "new").build()))
        .isInstanceOf(InvalidZoneException.class);
    assertThat(store.meta("k")).isEqualTo("old");
    assertThat(store.version()).isEqualTo(1);
  }

  @Test
  void replayingACommittedChangeDoesNotCarryItsMetadata() {
    InMemoryRecordStore store = new InMemoryRecordStore();
    Change change = store.commit(ChangeSet.builder().meta("k", "v").build());
    assertThat(ChangeSet.replaying(change).isEmpty()).isTrue();
  }
}
