package dev.dnsd.store;

import static dev.dnsd.store.Fixtures.ORIGIN;
import static dev.dnsd.store.Fixtures.a;
import static dev.dnsd.store.Fixtures.zoneRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.zone.ZoneTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AbstractRecordStoreTest {

  /** A store whose durable write fails on demand. */
  private static final class FlakyStore extends AbstractRecordStore {
    boolean failNext;
    final List<Change> persisted = new ArrayList<>();

    FlakyStore() {
      super(ZoneTable.empty());
    }

    @Override
    protected void persist(List<Change> batch) {
      if (failNext) {
        failNext = false;
        throw new IllegalStateException("disk full");
      }
      persisted.addAll(batch);
    }

    @Override
    protected void closeStorage() {}

    @Override
    public Optional<List<Change>> changesSince(long afterVersion, int limit) {
      return Optional.empty();
    }
  }

  @Test
  @DisplayName("a commit that cannot be made durable changes nothing, and the next one takes its version")
  void persistFailure() {
    FlakyStore store = new FlakyStore();
    store.commit(ChangeSet.builder().createZone(ORIGIN, zoneRecords(ORIGIN, 1)).build());
    List<Change> heard = new ArrayList<>();
    store.subscribe((change, after) -> heard.add(change));
    ZoneTable before = store.zones();

    store.failNext = true;
    assertThatThrownBy(() -> store.commit(ChangeSet.builder().add(a("www", 1)).build()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("disk full");
    assertThat(store.zones()).isSameAs(before);
    assertThat(heard).isEmpty();

    Change next = store.commit(ChangeSet.builder().add(a("www", 2)).build());
    assertThat(next.version()).isEqualTo(2);
    assertThat(store.zones().get(ORIGIN).serial()).isEqualTo(2);
    assertThat(store.persisted).extracting(Change::version).containsExactly(1L, 2L);
    assertThat(heard).containsExactly(next);
  }
}
