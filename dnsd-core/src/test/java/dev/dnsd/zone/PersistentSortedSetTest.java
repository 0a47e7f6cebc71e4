package dev.dnsd.zone;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PersistentSortedSetTest {

  private record Version(PersistentSortedSet<Integer> set, TreeSet<Integer> expected) {}

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42})
  @DisplayName("random adds and removes agree with TreeSet in every neighbour query; old versions never change")
  void agreesWithTreeSet(long seed) {
    randomOps(seed, false, false);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42})
  @DisplayName("edits under a token change only nodes made under it, never a version kept before a new token")
  void editTokens(long seed) {
    randomOps(seed, true, false);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42})
  @DisplayName("a set built in bulk from sorted keys takes later edits like one built key by key")
  void bulkBuilt(long seed) {
    randomOps(seed, true, true);
  }

  private static void randomOps(long seed, boolean tokens, boolean bulk) {
    Random rnd = new Random(seed);
    // A range that makes removals common and nodes split and empty again and again.
    int range = 6000;
    TreeSet<Integer> expected = new TreeSet<>();
    PersistentSortedSet<Integer> set = PersistentSortedSet.empty();
    Object token = tokens ? new Object() : null;
    if (bulk) {
      for (int i = 0; i < 3000; i++) {
        expected.add(rnd.nextInt(range));
      }
      set = PersistentSortedSet.ofSorted(expected.toArray(new Integer[0]), token);
    }
    List<Version> kept = new ArrayList<>();
    for (int op = 0; op < 40_000; op++) {
      int key = rnd.nextInt(range);
      if (rnd.nextInt(10) < 6) {
        set = set.add(key, token);
        expected.add(key);
      } else {
        set = set.remove(key, token);
        expected.remove(key);
      }
      if (op % 4000 == 0) {
        kept.add(new Version(set, new TreeSet<>(expected)));
        if (tokens) {
          token = new Object(); // as an editor does when it publishes
        }
      }
      if (op % 97 == 0) {
        check(set, expected, rnd, range);
      }
    }
    check(set, expected, rnd, range);
    for (Version v : kept) {
      check(v.set(), v.expected(), rnd, range);
    }
  }

  private static void check(PersistentSortedSet<Integer> set, TreeSet<Integer> expected, Random rnd, int range) {
    assertThat(set.size()).isEqualTo(expected.size());
    List<Integer> all = new ArrayList<>();
    set.forEach(all::add);
    assertThat(all).containsExactlyElementsOf(expected);
    assertThat(set.first()).isEqualTo(expected.isEmpty() ? null : expected.first());
    assertThat(set.last()).isEqualTo(expected.isEmpty() ? null : expected.last());
    for (int i = 0; i < 50; i++) {
      int key = rnd.nextInt(range + 2) - 1;
      assertThat(set.floor(key)).isEqualTo(expected.floor(key));
      assertThat(set.lower(key)).isEqualTo(expected.lower(key));
      assertThat(set.higher(key)).isEqualTo(expected.higher(key));
      assertThat(set.ceiling(key)).isEqualTo(expected.ceiling(key));
      assertThat(set.contains(key)).isEqualTo(expected.contains(key));
    }
  }

  @Test
  @DisplayName("an unchanged set is returned as it is when a key is added again or a missing one removed")
  void noOpsReturnTheSameSet() {
    PersistentSortedSet<Integer> set = PersistentSortedSet.<Integer>empty().add(1, null).add(2, null);
    assertThat(set.add(1, null)).isSameAs(set);
    assertThat(set.remove(3, null)).isSameAs(set);
  }

  @Test
  @DisplayName("removing every key leaves an empty set with no first or last")
  void emptiesCompletely() {
    PersistentSortedSet<Integer> set = PersistentSortedSet.empty();
    for (int i = 0; i < 1000; i++) {
      set = set.add(i, null);
    }
    for (int i = 0; i < 1000; i++) {
      set = set.remove(i, null);
    }
    assertThat(set.isEmpty()).isTrue();
    assertThat(set.first()).isNull();
    assertThat(set.last()).isNull();
    assertThat(set.floor(5)).isNull();
  }
}
