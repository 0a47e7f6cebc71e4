package dev.dnsd.zone;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PersistentMapTest {

  /** A key whose hash code the test chooses, so that collisions and deep tries are certain. */
  private record Key(int id, int hash) {
    @Override
    public int hashCode() {
      return hash;
    }
  }

  private record Version(PersistentMap<Key, Integer> map, Map<Key, Integer> expected) {}

  /**
   * Hashes from few buckets (full collisions), from values that differ only in their top bits (the
   * trie's deepest level), and from the whole range.
   */
  private static int hash(Random rnd) {
    return switch (rnd.nextInt(4)) {
      case 0 -> rnd.nextInt(16);
      case 1 -> (rnd.nextInt(4) << 30) | 0x1F;
      case 2 -> rnd.nextInt(8) << 27;
      default -> rnd.nextInt();
    };
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42})
  @DisplayName("random puts, removes and gets agree with HashMap; old versions never change")
  void agreesWithHashMap(long seed) {
    randomOps(seed, false);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42})
  @DisplayName("edits under a token agree with HashMap and never change a version kept before a new token")
  void editTokens(long seed) {
    randomOps(seed, true);
  }

  /**
   * 40,000 random operations checked against a HashMap, keeping versions along the way that must
   * never change. With tokens, puts and removes run under an edit token that is replaced whenever
   * a version is kept (as an editor replaces it when it publishes), with plain copying puts mixed in.
   */
  private static void randomOps(long seed, boolean tokens) {
    Random rnd = new Random(seed);
    List<Key> keys = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      keys.add(new Key(i, hash(rnd)));
    }
    PersistentMap<Key, Integer> map = PersistentMap.empty();
    Map<Key, Integer> expected = new HashMap<>();
    List<Version> versions = new ArrayList<>();
    @Nullable Object edit = tokens ? new Object() : null;

    for (int op = 0; op < 40_000; op++) {
      Key key = keys.get(rnd.nextInt(keys.size()));
      int action = rnd.nextInt(10);
      if (action < 5) {
        int value = rnd.nextInt(1000);
        map = map.put(key, value, edit);
        expected.put(key, value);
      } else if (action < 8) {
        map = map.remove(key, edit);
        expected.remove(key);
      } else if (action < 9 && tokens) {
        // A plain (copying) put in between, from which the edits under the token go on.
        if (op % 20 == 0) {
          versions.add(new Version(map, new HashMap<>(expected)));
          edit = new Object();
        }
        map = map.put(key, -1);
        expected.put(key, -1);
      } else if (!Objects.equals(map.get(key), expected.get(key))) {
        throw new AssertionError("op " + op + ": get(" + key + ") = " + map.get(key) + ", expected " + expected.get(key));
      }
      if (map.size() != expected.size()) {
        throw new AssertionError("op " + op + ": size " + map.size() + ", expected " + expected.size());
      }
      if (op % 1_000 == 0) {
        versions.add(new Version(map, new HashMap<>(expected)));
        edit = tokens ? new Object() : null; // published: later edits must copy what it holds
      }
    }
    assertSame(map, expected, keys);
    for (Version v : versions) {
      assertSame(v.map(), v.expected(), keys);
    }
  }

  @Test
  @DisplayName("an edit under a token leaves maps made without it, or under another, unchanged")
  void editTokenLeavesOthersAlone() {
    PersistentMap<Key, Integer> plain = PersistentMap.empty();
    for (int i = 0; i < 2_000; i++) {
      plain = plain.put(new Key(i, i * 0x9E3779B9), i);
    }
    Object first = new Object();
    PersistentMap<Key, Integer> edited = plain;
    for (int i = 0; i < 2_000; i += 2) {
      edited = edited.put(new Key(i, i * 0x9E3779B9), -i, first).remove(new Key(i + 1, (i + 1) * 0x9E3779B9), first);
    }
    PersistentMap<Key, Integer> kept = edited;
    PersistentMap<Key, Integer> again = edited;
    Object second = new Object();
    for (int i = 0; i < 2_000; i += 2) {
      again = again.remove(new Key(i, i * 0x9E3779B9), second);
    }
    assertThat(again.size()).isZero();
    assertThat(kept.size()).isEqualTo(1_000);
    assertThat(plain.size()).isEqualTo(2_000);
    for (int i = 0; i < 2_000; i++) {
      Key k = new Key(i, i * 0x9E3779B9);
      assertThat(plain.get(k)).isEqualTo(i);
      assertThat(kept.get(k)).isEqualTo(i % 2 == 0 ? Integer.valueOf(-i) : null);
    }
  }

  private static void assertSame(PersistentMap<Key, Integer> map, Map<Key, Integer> expected, List<Key> keys) {
    assertThat(map.size()).isEqualTo(expected.size());
    for (Key k : keys) {
      if (!Objects.equals(map.get(k), expected.get(k))) {
        throw new AssertionError("get(" + k + ") = " + map.get(k) + ", expected " + expected.get(k));
      }
    }
    Map<Key, Integer> seen = new HashMap<>();
    map.forEach((k, v) -> {
      if (seen.put(k, v) != null) {
        throw new AssertionError(k + " visited twice");
      }
    });
    assertThat(seen).isEqualTo(expected);
  }

  @Test
  @DisplayName("removing everything leaves an empty map; removing an absent key changes nothing")
  void removeAll() {
    PersistentMap<Key, Integer> map = PersistentMap.empty();
    List<Key> keys = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      Key k = new Key(i, i % 7 == 0 ? 5 : i * 0x9E3779B9);
      keys.add(k);
      map = map.put(k, i);
    }
    assertThat(map.remove(new Key(-1, 5))).isSameAs(map);
    assertThat(map.remove(new Key(-1, 12345))).isSameAs(map);
    for (Key k : keys) {
      map = map.remove(k);
    }
    assertThat(map.size()).isZero();
    map.forEach((k, v) -> {
      throw new AssertionError("left over: " + k);
    });
    assertThat(map.put(keys.get(0), 1).get(keys.get(0))).isEqualTo(1);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42})
  @DisplayName("two maps of the two root parts, each built under its own token, join into one map of all, which later edits change like any other")
  void joinDisjoint(long seed) {
    Random rnd = new Random(seed);
    List<Key> keys = new ArrayList<>();
    Map<Key, Integer> expected = new HashMap<>();
    List<PersistentMap<Key, Integer>> parts = new ArrayList<>(List.of(PersistentMap.empty(), PersistentMap.empty()));
    List<Object> tokens = List.of(new Object(), new Object());
    for (int i = 0; i < 5_000; i++) {
      Key k = new Key(i, hash(rnd));
      keys.add(k);
      expected.put(k, i);
      int part = PersistentMap.rootPart(k);
      parts.set(part, parts.get(part).put(k, i, tokens.get(part)));
    }
    Object edit = new Object();
    PersistentMap<Key, Integer> joined = PersistentMap.joinDisjoint(parts.get(0), parts.get(1), edit);
    assertSame(joined, expected, keys);
    PersistentMap<Key, Integer> before = joined;
    Map<Key, Integer> expectedBefore = new HashMap<>(expected);
    Object later = new Object();
    for (int i = 0; i < 2_000; i++) {
      Key k = keys.get(rnd.nextInt(keys.size()));
      if (rnd.nextBoolean()) {
        joined = joined.put(k, -i, later);
        expected.put(k, -i);
      } else {
        joined = joined.remove(k, later);
        expected.remove(k);
      }
    }
    assertSame(joined, expected, keys);
    assertSame(before, expectedBefore, keys);
  }

  @Test
  @DisplayName("maps that share a root slot are not joined")
  void joinRefusesOverlap() {
    PersistentMap<Key, Integer> a = PersistentMap.<Key, Integer>empty().put(new Key(1, 2), 1);
    PersistentMap<Key, Integer> b = PersistentMap.<Key, Integer>empty().put(new Key(2, 2 | 1 << 5), 2);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PersistentMap.joinDisjoint(a, b, null))
        .isInstanceOf(IllegalArgumentException.class);
    PersistentMap<Key, Integer> joined = PersistentMap.joinDisjoint(a, PersistentMap.empty(), null);
    assertThat(joined.size()).isEqualTo(1);
    assertThat(joined.get(new Key(1, 2))).isEqualTo(1);
  }

  @Test
  @DisplayName("putting the value already there returns the same map")
  void samePut() {
    Key k = new Key(1, 1);
    Integer value = 1000;
    PersistentMap<Key, Integer> map = PersistentMap.<Key, Integer>empty().put(k, value);
    assertThat(map.put(k, value)).isSameAs(map);
  }
}
