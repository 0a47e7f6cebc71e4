package dev.dnsd.store;

import static dev.dnsd.TestRecords.ORIGIN;
import static dev.dnsd.TestRecords.a;
import static dev.dnsd.TestRecords.zoneRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A store reserved for one writer refuses everyone else's commits, and says whose it is. */
class ReservationTest {
  private final InMemoryRecordStore store = new InMemoryRecordStore();

  @Test
  void onlyTheOwnerCommitsWhileTheReservationLasts() {
    store.commit(ChangeSet.builder().createZone(ORIGIN, zoneRecords(ORIGIN, 1)).build());
    RecordStore.Committer owner = store.reserve("the replica of ns1");

    assertThatThrownBy(() -> store.commit(ChangeSet.builder().add(a("www", 1)).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "commit refused: this store is written only by the replica of ns1; a change committed"
                + " beside it would make the store diverge from its source");
    assertThat(store.version()).isEqualTo(1);

    assertThat(owner.commit(ChangeSet.builder().add(a("www", 1)).build()).version()).isEqualTo(2);
    assertThatThrownBy(() -> store.reserve("another"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("reserved already, by the replica of ns1");

    owner.close();
    owner.close();
    assertThat(store.commit(ChangeSet.builder().add(a("mail", 2)).build()).version()).isEqualTo(3);
    assertThatThrownBy(() -> owner.commit(ChangeSet.builder().add(a("x", 3)).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("was ended");
    assertThat(store.version()).isEqualTo(3);
  }
}
