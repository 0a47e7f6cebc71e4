package dev.dnsd.zone;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
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
    Random rnd = new Random(seed);
    List<Key> keys = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      keys.add(new Key(i, hash(rnd)));
    }
    PersistentMap<Key, Integer> map = PersistentMap.empty();
    Map<Key, Integer> expected = new HashMap<>();
    List<Version> versions = new ArrayList<>();

    for (int op = 0; op < 40_000; op++) {
      Key key = keys.get(rnd.nextInt(keys.size()));
      int action = rnd.nextInt(10);
      if (action < 5) {
        int value = rnd.nextInt(1000);
        map = map.put(key, value);
        expected.put(key, value);
      } else if (action < 8) {
        map = map.remove(key);
        expected.remove(key);
      } else if (!Objects.equals(map.get(key), expected.get(key))) {
        throw new AssertionError("op " + op + ": get(" + key + ") = " + map.get(key) + ", expected " + expected.get(key));
      }
      if (map.size() != expected.size()) {
        throw new AssertionError("op " + op + ": size " + map.size() + ", expected " + expected.size());
      }
      if (op % 2_000 == 0) {
        versions.add(new Version(map, new HashMap<>(expected)));
      }
    }
    assertSame(map, expected, keys);
    for (Version v : versions) {
      assertSame(v.map(), v.expected(), keys);
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

  @Test
  @DisplayName("putting the value already there returns the same map")
  void samePut() {
    Key k = new Key(1, 1);
    Integer value = 1000;
    PersistentMap<Key, Integer> map = PersistentMap.<Key, Integer>empty().put(k, value);
    assertThat(map.put(k, value)).isSameAs(map);
  }
}
