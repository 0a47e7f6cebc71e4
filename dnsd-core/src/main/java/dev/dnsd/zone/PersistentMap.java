package dev.dnsd.zone;

import java.util.Arrays;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * An immutable hash array mapped trie. A put or remove copies only the path from the root to the
 * changed entry (at most seven nodes of up to 32 slots), so a change to a zone of a million names
 * costs about the same as a change to a zone of ten, and every older version stays valid for the
 * readers that still hold it.
 */
final class PersistentMap<K, V> {
  private static final PersistentMap<?, ?> EMPTY = new PersistentMap<>(Branch.EMPTY, 0);

  private final Branch root;
  private final int size;

  private PersistentMap(Branch root, int size) {
    this.root = root;
    this.size = size;
  }

  @SuppressWarnings("unchecked")
  static <K, V> PersistentMap<K, V> empty() {
    return (PersistentMap<K, V>) EMPTY;
  }

  int size() {
    return size;
  }

  @SuppressWarnings("unchecked")
  @Nullable V get(K key) {
    int hash = key.hashCode();
    Object node = root;
    int shift = 0;
    while (true) {
      if (node instanceof Branch b) {
        int bit = 1 << ((hash >>> shift) & 31);
        if ((b.bitmap & bit) == 0) {
          return null;
        }
        node = b.slots[Integer.bitCount(b.bitmap & (bit - 1))];
        shift += 5;
      } else if (node instanceof Leaf l) {
        return l.hash == hash && l.key.equals(key) ? (V) l.value : null;
      } else {
        for (Leaf l : ((Collision) node).leaves) {
          if (l.key.equals(key)) {
            return (V) l.value;
          }
        }
        return null;
      }
    }
  }

  PersistentMap<K, V> put(K key, V value) {
    Leaf leaf = new Leaf(key, key.hashCode(), value);
    boolean[] added = {false};
    Object newRoot = put(root, leaf, 0, added);
    return newRoot == root ? this : new PersistentMap<>((Branch) newRoot, added[0] ? size + 1 : size);
  }

  PersistentMap<K, V> remove(K key) {
    Object newRoot = remove(root, key, key.hashCode(), 0);
    if (newRoot == root) {
      return this;
    }
    return new PersistentMap<>(newRoot == null ? Branch.EMPTY : (Branch) newRoot, size - 1);
  }

  @SuppressWarnings("unchecked")
  void forEach(BiConsumer<? super K, ? super V> action) {
    forEach(root, (BiConsumer<Object, Object>) action);
  }

  private static void forEach(Object node, BiConsumer<Object, Object> action) {
    if (node instanceof Branch b) {
      for (Object slot : b.slots) {
        forEach(slot, action);
      }
    } else if (node instanceof Leaf l) {
      action.accept(l.key, l.value);
    } else {
      for (Leaf l : ((Collision) node).leaves) {
        action.accept(l.key, l.value);
      }
    }
  }

  private static Object put(Object node, Leaf leaf, int shift, boolean[] added) {
    if (node instanceof Branch b) {
      int bit = 1 << ((leaf.hash >>> shift) & 31);
      int index = Integer.bitCount(b.bitmap & (bit - 1));
      if ((b.bitmap & bit) == 0) {
        added[0] = true;
        Object[] slots = new Object[b.slots.length + 1];
        System.arraycopy(b.slots, 0, slots, 0, index);
        slots[index] = leaf;
        System.arraycopy(b.slots, index, slots, index + 1, b.slots.length - index);
        return new Branch(b.bitmap | bit, slots);
      }
      Object child = b.slots[index];
      Object newChild = put(child, leaf, shift + 5, added);
      if (newChild == child) {
        return b;
      }
      Object[] slots = b.slots.clone();
      slots[index] = newChild;
      return new Branch(b.bitmap, slots);
    }
    if (node instanceof Leaf l) {
      if (l.hash == leaf.hash && l.key.equals(leaf.key)) {
        return l.value == leaf.value ? l : leaf;
      }
      added[0] = true;
      return merge(l, leaf, shift);
    }
    Collision c = (Collision) node;
    if (c.hash != leaf.hash) {
      added[0] = true;
      return merge(c, leaf, shift);
    }
    for (int i = 0; i < c.leaves.length; i++) {
      if (c.leaves[i].key.equals(leaf.key)) {
        Leaf[] leaves = c.leaves.clone();
        leaves[i] = leaf;
        return new Collision(c.hash, leaves);
      }
    }
    added[0] = true;
    Leaf[] leaves = Arrays.copyOf(c.leaves, c.leaves.length + 1);
    leaves[c.leaves.length] = leaf;
    return new Collision(c.hash, leaves);
  }

  /** Joins two entries with different hashes (or a collision bucket and a leaf) below a branch. */
  private static Object merge(Object existing, Leaf leaf, int shift) {
    int existingHash = existing instanceof Leaf l ? l.hash : ((Collision) existing).hash;
    if (existingHash == leaf.hash) {
      return new Collision(leaf.hash, new Leaf[] {(Leaf) existing, leaf});
    }
    // Two different 32-bit hashes differ in some 5-bit group before the shift passes 30.
    int a = (existingHash >>> shift) & 31;
    int b = (leaf.hash >>> shift) & 31;
    if (a == b) {
      return new Branch(1 << a, new Object[] {merge(existing, leaf, shift + 5)});
    }
    return a < b
        ? new Branch((1 << a) | (1 << b), new Object[] {existing, leaf})
        : new Branch((1 << a) | (1 << b), new Object[] {leaf, existing});
  }

  /** Returns the node without the key: the same node when absent, null when it became empty. */
  private static @Nullable Object remove(Object node, Object key, int hash, int shift) {
    if (node instanceof Branch b) {
      int bit = 1 << ((hash >>> shift) & 31);
      if ((b.bitmap & bit) == 0) {
        return b;
      }
      int index = Integer.bitCount(b.bitmap & (bit - 1));
      Object child = b.slots[index];
      Object newChild = remove(child, key, hash, shift + 5);
      if (newChild == child) {
        return b;
      }
      if (newChild != null) {
        Object[] slots = b.slots.clone();
        slots[index] = newChild;
        return new Branch(b.bitmap, slots);
      }
      if (b.slots.length == 1) {
        return null;
      }
      Object[] slots = new Object[b.slots.length - 1];
      System.arraycopy(b.slots, 0, slots, 0, index);
      System.arraycopy(b.slots, index + 1, slots, index, slots.length - index);
      return new Branch(b.bitmap & ~bit, slots);
    }
    if (node instanceof Leaf l) {
      return l.hash == hash && l.key.equals(key) ? null : l;
    }
    Collision c = (Collision) node;
    for (int i = 0; i < c.leaves.length; i++) {
      if (c.leaves[i].key.equals(key)) {
        if (c.leaves.length == 2) {
          return c.leaves[1 - i];
        }
        Leaf[] leaves = new Leaf[c.leaves.length - 1];
        System.arraycopy(c.leaves, 0, leaves, 0, i);
        System.arraycopy(c.leaves, i + 1, leaves, i, leaves.length - i);
        return new Collision(c.hash, leaves);
      }
    }
    return c;
  }

  private static final class Branch {
    static final Branch EMPTY = new Branch(0, new Object[0]);
    final int bitmap;
    final Object[] slots;

    Branch(int bitmap, Object[] slots) {
      this.bitmap = bitmap;
      this.slots = slots;
    }
  }

  private static final class Leaf {
    final Object key;
    final int hash;
    final Object value;

    Leaf(Object key, int hash, Object value) {
      this.key = key;
      this.hash = hash;
      this.value = value;
    }
  }

  private static final class Collision {
    final int hash;
    final Leaf[] leaves;

    Collision(int hash, Leaf[] leaves) {
      this.hash = hash;
      this.leaves = leaves;
    }
  }
}
