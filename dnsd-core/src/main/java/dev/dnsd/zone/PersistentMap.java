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
    Object[] slots = new Object[Integer.bitCount(bitmap)];
    int fromA = 0;
    int fromB = 0;
    int i = 0;
    for (int rest = bitmap; rest != 0; rest &= rest - 1) {
      int bit = rest & -rest;
      slots[i++] = (a.root.bitmap & bit) != 0 ? a.root.slots[fromA++] : b.root.slots[fromB++];
    }
    return new PersistentMap<>(new Branch(bitmap, slots, edit), a.size + b.size);
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
    return put(key, value, null);
  }

  /** A put that may change the nodes made under the same (non-null) edit token in place. */
  PersistentMap<K, V> put(K key, V value, @Nullable Object edit) {
    Leaf leaf = new Leaf(key, key.hashCode(), value);
    boolean[] added = {false};
    Object newRoot = put(root, leaf, 0, added, edit);
    if (newRoot == root && !added[0] && edit == null) {
      return this;
    }
    return new PersistentMap<>((Branch) newRoot, added[0] ? size + 1 : size);
  }

  PersistentMap<K, V> remove(K key) {
    return remove(key, null);
  }

  /** A remove that may change the nodes made under the same (non-null) edit token in place. */
  PersistentMap<K, V> remove(K key, @Nullable Object edit) {
    boolean[] removed = {false};
    Object newRoot = remove(root, key, key.hashCode(), 0, removed, edit);
    if (!removed[0]) {
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

  private static Object put(
      Object node, Leaf leaf, int shift, boolean[] added, @Nullable Object edit) {
    if (node instanceof Branch b) {
      int bit = 1 << ((leaf.hash >>> shift) & 31);
      int index = Integer.bitCount(b.bitmap & (bit - 1));
      if ((b.bitmap & bit) == 0) {
        added[0] = true;
        Object[] slots = new Object[b.slots.length + 1];
        System.arraycopy(b.slots, 0, slots, 0, index);
        slots[index] = leaf;
        System.arraycopy(b.slots, index, slots, index + 1, b.slots.length - index);
        return b.update(b.bitmap | bit, slots, edit);
      }
      Object child = b.slots[index];
      Object newChild = put(child, leaf, shift + 5, added, edit);
      if (newChild == child) {
        return b;
      }
      if (b.ownedBy(edit)) {
        b.slots[index] = newChild;
        return b;
      }
      Object[] slots = b.slots.clone();
      slots[index] = newChild;
      return new Branch(b.bitmap, slots, edit);
    }
    if (node instanceof Leaf l) {
      if (l.hash == leaf.hash && l.key.equals(leaf.key)) {
        return l.value == leaf.value ? l : leaf;
      }
      added[0] = true;
      return merge(l, leaf, shift, edit);
    }
    Collision c = (Collision) node;
    if (c.hash != leaf.hash) {
      added[0] = true;
      return merge(c, leaf, shift, edit);
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
  private static Object merge(Object existing, Leaf leaf, int shift, @Nullable Object edit) {
    int existingHash = existing instanceof Leaf l ? l.hash : ((Collision) existing).hash;
    if (existingHash == leaf.hash) {
      return new Collision(leaf.hash, new Leaf[] {(Leaf) existing, leaf});
    }
    // Two different 32-bit hashes differ in some 5-bit group before the shift passes 30.
    int a = (existingHash >>> shift) & 31;
    int b = (leaf.hash >>> shift) & 31;
    if (a == b) {
      return new Branch(1 << a, new Object[] {merge(existing, leaf, shift + 5, edit)}, edit);
    }
    return a < b
        ? new Branch((1 << a) | (1 << b), new Object[] {existing, leaf}, edit)
        : new Branch((1 << a) | (1 << b), new Object[] {leaf, existing}, edit);
  }

  /**
   * Returns the node without the key (null when it became empty); {@code removed[0]} tells whether
   * the key was there, since a node changed in place is the same node.
   */
  private static @Nullable Object remove(
      Object node, Object key, int hash, int shift, boolean[] removed, @Nullable Object edit) {
    if (node instanceof Branch b) {
      int bit = 1 << ((hash >>> shift) & 31);
      if ((b.bitmap & bit) == 0) {
        return b;
      }
      int index = Integer.bitCount(b.bitmap & (bit - 1));
      Object child = b.slots[index];
      Object newChild = remove(child, key, hash, shift + 5, removed, edit);
      if (newChild == child) {
        return b;
      }
      if (newChild != null) {
        if (b.ownedBy(edit)) {
          b.slots[index] = newChild;
          return b;
        }
        Object[] slots = b.slots.clone();
        slots[index] = newChild;
        return new Branch(b.bitmap, slots, edit);
      }
      if (b.slots.length == 1) {
        return null;
      }
      Object[] slots = new Object[b.slots.length - 1];
      System.arraycopy(b.slots, 0, slots, 0, index);
      System.arraycopy(b.slots, index + 1, slots, index, slots.length - index);
      return b.update(b.bitmap & ~bit, slots, edit);
    }
    if (node instanceof Leaf l) {
      if (l.hash == hash && l.key.equals(key)) {
        removed[0] = true;
        return null;
      }
      return l;
    }
    Collision c = (Collision) node;
    for (int i = 0; i < c.leaves.length; i++) {
      if (c.leaves[i].key.equals(key)) {
        removed[0] = true;
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
