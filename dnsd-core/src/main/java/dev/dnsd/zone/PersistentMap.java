package dev.dnsd.zone;

import java.util.Arrays;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * An immutable hash array mapped trie. A put or remove copies only the path from the root to the
 * changed entry (at most seven nodes of up to 32 slots), so a change to a zone of a million names
 * costs about the same as a change to a zone of ten, and every older version stays valid for the
 * readers that still hold it.
 *
 * <p>An editor that makes many changes before it publishes a map passes an edit token: nodes made
 * under a token are then changed in place by later changes under the same token instead of being
 * copied again, which takes building a zone of a million names from many seconds of copying to
 * one pass. A map that readers can see must never be changed under the token it was made with.
 *
 * <p>A branch keeps each entry's key and value in two slots of its array, not in an entry object
 * of its own: a zone of a million names is a million entries, and an object each would be 24 MB.
 * A key's hash is not kept either; keys keep their own (as dnsjava's {@code Name} does).
 */
final class PersistentMap<K, V> {
  private static final PersistentMap<?, ?> EMPTY = new PersistentMap<>(Branch.EMPTY, 0, null);

  // Not final, as a branch's fields: a map made under an edit token is changed in place by later
  // puts under it, so that a build of a million puts makes one map, not a million.
  private Branch root;
  private int size;
  private final @Nullable Object edit;

  private PersistentMap(Branch root, int size, @Nullable Object edit) {
    this.root = root;
    this.size = size;
    this.edit = edit;
  }

  @SuppressWarnings("unchecked")
  static <K, V> PersistentMap<K, V> empty() {
    return (PersistentMap<K, V>) EMPTY;
  }

  int size() {
    return size;
  }

  /**
   * The low five bits of a key's hash choose its slot of the root, so maps of keys that differ
   * there have no node in common: what {@link #joinDisjoint} joins. This is the part of those bits
   * that two builders on two threads split between them.
   */
  static int rootPart(Object key) {
    return key.hashCode() & 1;
  }

  /**
   * The map of the entries of both maps, which must have no root slot in common (every key of one
   * differs from every key of the other in {@link #rootPart}): the maps two threads built of a
   * split set of keys, each under its own edit token, joined. Their nodes are kept as they are,
   * below a new root made under {@code edit}.
   */
  static <K, V> PersistentMap<K, V> joinDisjoint(
      PersistentMap<K, V> a, PersistentMap<K, V> b, @Nullable Object edit) {
    if ((a.root.bitmap & b.root.bitmap) != 0) {
      throw new IllegalArgumentException("the maps share a slot of their roots");
    }
    int bitmap = a.root.bitmap | b.root.bitmap;
    Object[] slots = new Object[2 * Integer.bitCount(bitmap)];
    int fromA = 0;
    int fromB = 0;
    int i = 0;
    for (int rest = bitmap; rest != 0; rest &= rest - 1, i += 2) {
      int bit = rest & -rest;
      if ((a.root.bitmap & bit) != 0) {
        System.arraycopy(a.root.slots, fromA, slots, i, 2);
        fromA += 2;
      } else {
        System.arraycopy(b.root.slots, fromB, slots, i, 2);
        fromB += 2;
      }
    }
    return new PersistentMap<>(new Branch(bitmap, slots, edit), a.size + b.size, edit);
  }

  @SuppressWarnings("unchecked")
  @Nullable V get(K key) {
    int hash = key.hashCode();
    Branch b = root;
    int shift = 0;
    while (true) {
      int bit = 1 << ((hash >>> shift) & 31);
      if ((b.bitmap & bit) == 0) {
        return null;
      }
      int at = pairAt(b.bitmap, bit);
      Object k = b.slots[at];
      Object v = b.slots[at + 1];
      if (k != null) {
        return k.equals(key) ? (V) v : null;
      }
      if (v instanceof Branch child) {
        b = child;
        shift += 5;
      } else {
        Object[] pairs = (Object[]) v;
        for (int i = 0; i < pairs.length; i += 2) {
          if (pairs[i].equals(key)) {
            return (V) pairs[i + 1];
          }
        }
        return null;
      }
    }
  }

  PersistentMap<K, V> put(K key, V value) {
    return put(key, value, null);
  }

  /** A put that may change the nodes made under the same (non-null) edit token in place. */
  PersistentMap<K, V> put(K key, V value, @Nullable Object edit) {
    PersistentMap<K, V> target =
        edit != null && this.edit == edit ? this : new PersistentMap<>(root, size, edit);
    Branch newRoot = put(root, key, key.hashCode(), value, 0, target, edit);
    if (target != this && newRoot == root && target.size == size && edit == null) {
      return this;
    }
    target.root = newRoot;
    return target;
  }

  PersistentMap<K, V> remove(K key) {
    return remove(key, null);
  }

  /** A remove that may change the nodes made under the same (non-null) edit token in place. */
  PersistentMap<K, V> remove(K key, @Nullable Object edit) {
    boolean[] removed = {false};
    Branch newRoot = remove(root, key, key.hashCode(), 0, removed, edit);
    if (!removed[0]) {
      return this;
    }
    Branch left = newRoot == null ? Branch.EMPTY : newRoot;
    if (edit != null && this.edit == edit) {
      root = left;
      size--;
      return this;
    }
    return new PersistentMap<>(left, size - 1, edit);
  }

  @SuppressWarnings("unchecked")
  void forEach(BiConsumer<? super K, ? super V> action) {
    forEach(root, (BiConsumer<Object, Object>) action);
  }

  private static void forEach(Branch b, BiConsumer<Object, Object> action) {
    Object[] slots = b.slots;
    for (int i = 0; i < slots.length; i += 2) {
      if (slots[i] != null) {
        action.accept(slots[i], slots[i + 1]);
      } else if (slots[i + 1] instanceof Branch child) {
        forEach(child, action);
      } else {
        Object[] pairs = (Object[]) slots[i + 1];
        for (int j = 0; j < pairs.length; j += 2) {
          action.accept(pairs[j], pairs[j + 1]);
        }
      }
    }
  }

  /** Counts a new key in {@code counted}'s size. */
  private static Branch put(
      Branch b, Object key, int hash, Object value, int shift, PersistentMap<?, ?> counted,
      @Nullable Object edit) {
    int bit = 1 << ((hash >>> shift) & 31);
    int at = pairAt(b.bitmap, bit);
    if ((b.bitmap & bit) == 0) {
      counted.size++;
      Object[] slots = new Object[b.slots.length + 2];
      System.arraycopy(b.slots, 0, slots, 0, at);
      slots[at] = key;
      slots[at + 1] = value;
      System.arraycopy(b.slots, at, slots, at + 2, b.slots.length - at);
      return b.update(b.bitmap | bit, slots, edit);
    }
    Object k = b.slots[at];
    Object v = b.slots[at + 1];
    Object newKey = null;
    Object newValue;
    if (k != null) {
      if (k.equals(key)) {
        if (v == value) {
          return b;
        }
        newKey = key;
        newValue = value;
      } else {
        counted.size++;
        newValue = merge(k, v, key, hash, value, shift + 5, edit);
      }
    } else if (v instanceof Branch child) {
      newValue = put(child, key, hash, value, shift + 5, counted, edit);
      if (newValue == child) {
        return b;
      }
    } else {
      newValue = putPair((Object[]) v, key, hash, value, shift + 5, counted, edit);
    }
    return withPair(b, at, newKey, newValue, edit);
  }

  /** Where the pair of a slot's bit starts in a branch's array: two slots per bit set below it. */
  private static int pairAt(int bitmap, int bit) {
    return 2 * Integer.bitCount(bitmap & (bit - 1));
  }

  /** The branch with the pair at {@code at} replaced: in place when the edit owns it, else a copy. */
  private static Branch withPair(Branch b, int at, @Nullable Object key, Object value, @Nullable Object edit) {
    if (b.ownedBy(edit)) {
      b.slots[at] = key;
      b.slots[at + 1] = value;
      return b;
    }
    Object[] slots = b.slots.clone();
    slots[at] = key;
    slots[at + 1] = value;
    return new Branch(b.bitmap, slots, edit);
  }

  /** A put into a collision bucket: the pairs of keys with one hash. */
  private static Object putPair(
      Object[] pairs, Object key, int hash, Object value, int shift, PersistentMap<?, ?> counted,
      @Nullable Object edit) {
    if (pairs[0].hashCode() != hash) {
      counted.size++;
      return split(pairs, pairs[0].hashCode(), key, hash, value, shift, edit);
    }
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equals(key)) {
        Object[] copy = pairs.clone();
        copy[i] = key;
        copy[i + 1] = value;
        return copy;
      }
    }
    counted.size++;
    Object[] grown = Arrays.copyOf(pairs, pairs.length + 2);
    grown[pairs.length] = key;
    grown[pairs.length + 1] = value;
    return grown;
  }

  /** The node of an entry and a new one, of different keys, below a branch at {@code shift}. */
  private static Object merge(
      Object key1, Object value1, Object key2, int hash2, Object value2, int shift,
      @Nullable Object edit) {
    int hash1 = key1.hashCode();
    if (hash1 == hash2) {
      return new Object[] {key1, value1, key2, value2};
    }
    return join(key1, value1, hash1, key2, value2, hash2, shift, edit);
  }

  /** The node of a collision bucket and a new entry of another hash. */
  private static Object split(
      Object[] pairs, int pairsHash, Object key, int hash, Object value, int shift,
      @Nullable Object edit) {
    return join(null, pairs, pairsHash, key, value, hash, shift, edit);
  }

  /**
   * A branch holding two slots of different hashes: an entry (or, with a null first key, a
   * collision bucket) and an entry.
   */
  private static Branch join(
      @Nullable Object key1, Object value1, int hash1, Object key2, Object value2, int hash2,
      int shift, @Nullable Object edit) {
    // Two different 32-bit hashes differ in some 5-bit group before the shift passes 30.
    int a = (hash1 >>> shift) & 31;
    int b = (hash2 >>> shift) & 31;
    if (a == b) {
      Branch below = join(key1, value1, hash1, key2, value2, hash2, shift + 5, edit);
      return new Branch(1 << a, new Object[] {null, below}, edit);
    }
    return a < b
        ? new Branch((1 << a) | (1 << b), new Object[] {key1, value1, key2, value2}, edit)
        : new Branch((1 << a) | (1 << b), new Object[] {key2, value2, key1, value1}, edit);
  }

  /**
   * Returns the node without the key (null when it became empty); {@code removed[0]} tells whether
   * the key was there, since a node changed in place is the same node.
   */
  private static @Nullable Branch remove(
      Branch b, Object key, int hash, int shift, boolean[] removed, @Nullable Object edit) {
    int bit = 1 << ((hash >>> shift) & 31);
    if ((b.bitmap & bit) == 0) {
      return b;
    }
    int at = pairAt(b.bitmap, bit);
    Object k = b.slots[at];
    Object v = b.slots[at + 1];
    Object newKey = null;
    Object newValue;
    if (k != null) {
      if (!k.equals(key)) {
        return b;
      }
      removed[0] = true;
      newValue = null;
    } else if (v instanceof Branch child) {
      Branch left = remove(child, key, hash, shift + 5, removed, edit);
      if (left == child) {
        return b;
      }
      newValue = left;
    } else {
      Object[] pairs = (Object[]) v;
      int i = 0;
      while (i < pairs.length && !pairs[i].equals(key)) {
        i += 2;
      }
      if (i == pairs.length) {
        return b;
      }
      removed[0] = true;
      if (pairs.length == 4) {
        newKey = pairs[2 - i];
        newValue = pairs[3 - i];
      } else {
        Object[] left = new Object[pairs.length - 2];
        System.arraycopy(pairs, 0, left, 0, i);
        System.arraycopy(pairs, i + 2, left, i, left.length - i);
        newValue = left;
      }
    }
    if (newValue != null) {
      return withPair(b, at, newKey, newValue, edit);
    }
    if (b.slots.length == 2) {
      return null;
    }
    Object[] slots = new Object[b.slots.length - 2];
    System.arraycopy(b.slots, 0, slots, 0, at);
    System.arraycopy(b.slots, at + 2, slots, at, slots.length - at);
    return b.update(b.bitmap & ~bit, slots, edit);
  }

  /**
   * A node of the trie: for each bit of its bitmap, in order, two slots, a key and its value, or
   * null and the node below (a branch, or a collision bucket: an array of the pairs of keys that
   * have one hash).
   */
  private static final class Branch {
    static final Branch EMPTY = new Branch(0, new Object[0], null);
    // Not final: a branch made under an edit token changes in place until its map is published.
    int bitmap;
    Object[] slots;
    private final @Nullable Object edit;

    Branch(int bitmap, Object[] slots, @Nullable Object edit) {
      this.bitmap = bitmap;
      this.slots = slots;
      this.edit = edit;
    }

    boolean ownedBy(@Nullable Object token) {
      return token != null && edit == token;
    }

    /** This branch changed in place when the token owns it, otherwise a new one. */
    Branch update(int newBitmap, Object[] newSlots, @Nullable Object token) {
      if (ownedBy(token)) {
        bitmap = newBitmap;
        slots = newSlots;
        return this;
      }
      return new Branch(newBitmap, newSlots, token);
    }
  }
}
