package dev.dnsd.zone;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * An immutable sorted set: a B+tree whose insert or remove copies only the path from the root to
 * the leaf it changes (four or five nodes of up to 64 slots for a million keys), so that the
 * DNSSEC chains of a zone of a million names are kept in order for about what a zone of ten
 * costs, and every older version stays valid for the readers that still hold it.
 *
 * <p>As in {@link PersistentMap}, an editor that makes many changes before it publishes a set
 * passes an edit token, under which the nodes it made itself are changed in place. A set that
 * readers can see must never be changed under the token it was made with.
 *
 * <p>Nodes that lose keys are not merged with their neighbours; an empty node is removed. The
 * depth therefore never exceeds what the largest size the set ever had needs.
 */
final class PersistentSortedSet<K extends Comparable<? super K>> {
  /** Slots of a node; a full node splits into two halves. */
  static final int MAX = 64;
  private static final int HALF = MAX / 2;
  /** How full a bulk-built node is: room for inserts before the first split. */
  private static final int BULK_FILL = 48;

  private static final PersistentSortedSet<?> EMPTY = new PersistentSortedSet<>(null, 0);

  private final @Nullable Node root;
  private final int size;

  private PersistentSortedSet(@Nullable Node root, int size) {
    this.root = root;
    this.size = size;
  }

  @SuppressWarnings("unchecked")
  static <K extends Comparable<? super K>> PersistentSortedSet<K> empty() {
    return (PersistentSortedSet<K>) EMPTY;
  }

  /** A set of these keys, which must be sorted and distinct; its nodes belong to the token. */
  static <K extends Comparable<? super K>> PersistentSortedSet<K> ofSorted(
      K[] keys, @Nullable Object edit) {
    if (keys.length == 0) {
      return empty();
    }
    int leaves = (keys.length + BULK_FILL - 1) / BULK_FILL;
    Node[] level = new Node[leaves];
    for (int i = 0; i < leaves; i++) {
      int from = i * BULK_FILL;
      int n = Math.min(BULK_FILL, keys.length - from);
      Leaf leaf = new Leaf(new Object[MAX], n, edit);
      System.arraycopy(keys, from, leaf.keys, 0, n);
      level[i] = leaf;
    }
    while (level.length > 1) {
      int count = (level.length + BULK_FILL - 1) / BULK_FILL;
      Node[] up = new Node[count];
      for (int i = 0; i < count; i++) {
        int from = i * BULK_FILL;
        int n = Math.min(BULK_FILL, level.length - from);
        Branch b = new Branch(new Object[MAX], new Node[MAX], n, edit);
        for (int j = 0; j < n; j++) {
          b.kids[j] = level[from + j];
          b.lows[j] = level[from + j].first();
        }
        up[i] = b;
      }
      level = up;
    }
    return new PersistentSortedSet<>(level[0], keys.length);
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  boolean contains(K key) {
    K floor = floor(key);
    return floor != null && floor.compareTo(key) == 0;
  }

  /** The greatest key at most {@code key}, or null. */
  @Nullable K floor(K key) {
    return below(key, true);
  }

  /** The greatest key less than {@code key}, or null. */
  @Nullable K lower(K key) {
    return below(key, false);
  }

  /** The least key greater than {@code key}, or null. */
  @Nullable K higher(K key) {
    return root == null ? null : above(root, key, false);
  }

  /** The least key at least {@code key}, or null. */
  @Nullable K ceiling(K key) {
    return root == null ? null : above(root, key, true);
  }

  @SuppressWarnings("unchecked")
  @Nullable K first() {
    return root == null ? null : (K) root.first();
  }

  @SuppressWarnings("unchecked")
  @Nullable K last() {
    Node n = root;
    if (n == null) {
      return null;
    }
    while (n instanceof Branch b) {
      n = b.kids[b.count - 1];
    }
    Leaf leaf = (Leaf) n;
    return (K) leaf.keys[leaf.count - 1];
  }

  @SuppressWarnings("unchecked")
  void forEach(Consumer<? super K> action) {
    if (root != null) {
      forEach(root, (Consumer<Object>) action);
    }
  }

  private static void forEach(Node node, Consumer<Object> action) {
    if (node instanceof Branch b) {
      for (int i = 0; i < b.count; i++) {
        forEach(b.kids[i], action);
      }
    } else {
      Leaf leaf = (Leaf) node;
      for (int i = 0; i < leaf.count; i++) {
        action.accept(leaf.keys[i]);
      }
    }
  }

  PersistentSortedSet<K> add(K key, @Nullable Object edit) {
    if (root == null) {
      Leaf leaf = new Leaf(new Object[MAX], 1, edit);
      leaf.keys[0] = key;
      return new PersistentSortedSet<>(leaf, 1);
    }
    Insert result = new Insert();
    Node changed = insert(root, key, edit, result);
    if (!result.added) {
      return this;
    }
    if (result.right != null) {
      Branch top = new Branch(new Object[MAX], new Node[MAX], 2, edit);
      top.kids[0] = changed;
      top.lows[0] = changed.first();
      top.kids[1] = result.right;
      top.lows[1] = result.right.first();
      changed = top;
    }
    return new PersistentSortedSet<>(changed, size + 1);
  }

  PersistentSortedSet<K> remove(K key, @Nullable Object edit) {
    if (root == null) {
      return this;
    }
    boolean[] removed = {false};
    Node changed = delete(root, key, edit, removed);
    if (!removed[0]) {
      return this;
    }
    while (changed instanceof Branch b && b.count == 1) {
      changed = b.kids[0];
    }
    return new PersistentSortedSet<>(changed, size - 1);
  }

  @SuppressWarnings("unchecked")
  private @Nullable K below(K key, boolean inclusive) {
    Node n = root;
    if (n == null) {
      return null;
    }
    while (n instanceof Branch b) {
      int i = lastAtMost(b.lows, b.count, key, inclusive);
      if (i < 0) {
        return null;
      }
      n = b.kids[i];
    }
    Leaf leaf = (Leaf) n;
    int i = lastAtMost(leaf.keys, leaf.count, key, inclusive);
    return i < 0 ? null : (K) leaf.keys[i];
  }

  @SuppressWarnings("unchecked")
  private @Nullable K above(Node node, K key, boolean inclusive) {
    if (node instanceof Branch b) {
      // The child that would hold the key; what follows it starts at the next child's low key.
      int i = lastAtMost(b.lows, b.count, key, true);
      if (i < 0) {
        return (K) b.lows[0];
      }
      K found = above(b.kids[i], key, inclusive);
      if (found != null) {
        return found;
      }
      return i + 1 < b.count ? (K) b.lows[i + 1] : null;
    }
    Leaf leaf = (Leaf) node;
    int i = lastAtMost(leaf.keys, leaf.count, key, !inclusive);
    return i + 1 < leaf.count ? (K) leaf.keys[i + 1] : null;
  }

  /** The index of the last of the first {@code count} keys below (or at) the key, or -1. */
  @SuppressWarnings("unchecked")
  private static <K extends Comparable<? super K>> int lastAtMost(
      Object[] keys, int count, K key, boolean inclusive) {
    int lo = 0;
    int hi = count - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = ((K) keys[mid]).compareTo(key);
      if (c < 0 || (inclusive && c == 0)) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return hi;
  }

  private static final class Insert {
    boolean added;
    /** The new right half when the node split. */
    @Nullable Node right;
  }

  @SuppressWarnings("unchecked")
  private static <K extends Comparable<? super K>> Node insert(
      Node node, K key, @Nullable Object edit, Insert result) {
    if (node instanceof Leaf leaf) {
      int at = lastAtMost(leaf.keys, leaf.count, key, true);
      if (at >= 0 && ((K) leaf.keys[at]).compareTo(key) == 0) {
        return leaf;
      }
      result.added = true;
      int slot = at + 1;
      if (leaf.count < MAX) {
        Leaf out = leaf.editable(edit);
        System.arraycopy(out.keys, slot, out.keys, slot + 1, out.count - slot);
        out.keys[slot] = key;
        out.count++;
        return out;
      }
      Leaf left = new Leaf(new Object[MAX], HALF, edit);
      Leaf right = new Leaf(new Object[MAX], HALF, edit);
      System.arraycopy(leaf.keys, 0, left.keys, 0, HALF);
      System.arraycopy(leaf.keys, HALF, right.keys, 0, HALF);
      Leaf into = slot <= HALF ? left : right;
      int within = slot <= HALF ? slot : slot - HALF;
      System.arraycopy(into.keys, within, into.keys, within + 1, into.count - within);
      into.keys[within] = key;
      into.count++;
      result.right = right;
      return left;
    }
    Branch b = (Branch) node;
    int i = Math.max(0, lastAtMost(b.lows, b.count, key, true));
    Node child = b.kids[i];
    Node changed = insert(child, key, edit, result);
    if (!result.added) {
      return b;
    }
    Node split = result.right;
    result.right = null;
    if (split == null || b.count < MAX) {
      Branch out = b.editable(edit);
      out.kids[i] = changed;
      out.lows[i] = changed.first();
      if (split != null) {
        System.arraycopy(out.kids, i + 1, out.kids, i + 2, out.count - i - 1);
        System.arraycopy(out.lows, i + 1, out.lows, i + 2, out.count - i - 1);
        out.kids[i + 1] = split;
        out.lows[i + 1] = split.first();
        out.count++;
      }
      return out;
    }
    // Full: the children with the new one, halved between two branches.
    Node[] kids = new Node[MAX + 1];
    System.arraycopy(b.kids, 0, kids, 0, i);
    kids[i] = changed;
    kids[i + 1] = split;
    System.arraycopy(b.kids, i + 1, kids, i + 2, MAX - i - 1);
    Branch left = new Branch(new Object[MAX], new Node[MAX], 0, edit);
    Branch right = new Branch(new Object[MAX], new Node[MAX], 0, edit);
    for (int k = 0; k < kids.length; k++) {
      Branch into = k <= HALF ? left : right;
      into.kids[into.count] = kids[k];
      into.lows[into.count] = kids[k].first();
      into.count++;
    }
    result.right = right;
    return left;
  }

  /** Returns the node without the key, or null when it became empty. */
  @SuppressWarnings("unchecked")
  private static <K extends Comparable<? super K>> @Nullable Node delete(
      Node node, K key, @Nullable Object edit, boolean[] removed) {
    if (node instanceof Leaf leaf) {
      int at = lastAtMost(leaf.keys, leaf.count, key, true);
      if (at < 0 || ((K) leaf.keys[at]).compareTo(key) != 0) {
        return leaf;
      }
      removed[0] = true;
      if (leaf.count == 1) {
        return null;
      }
      Leaf out = leaf.editable(edit);
      System.arraycopy(out.keys, at + 1, out.keys, at, out.count - at - 1);
      out.count--;
      out.keys[out.count] = null;
      return out;
    }
    Branch b = (Branch) node;
    int i = lastAtMost(b.lows, b.count, key, true);
    if (i < 0) {
      return b;
    }
    Node child = b.kids[i];
    Node changed = delete(child, key, edit, removed);
    if (!removed[0]) {
      return b;
    }
    if (changed == null && b.count == 1) {
      return null;
    }
    Branch out = b.editable(edit);
    if (changed == null) {
      System.arraycopy(out.kids, i + 1, out.kids, i, out.count - i - 1);
      System.arraycopy(out.lows, i + 1, out.lows, i, out.count - i - 1);
      out.count--;
      out.kids[out.count] = null;
      out.lows[out.count] = null;
    } else {
      out.kids[i] = changed;
      out.lows[i] = changed.first();
    }
    return out;
  }

  private abstract static class Node {
    abstract Object first();
  }

  private static final class Leaf extends Node {
    // Not final: a leaf made under an edit token changes in place until its set is published.
    final Object[] keys;
    int count;
    private final @Nullable Object edit;

    Leaf(Object[] keys, int count, @Nullable Object edit) {
      this.keys = keys;
      this.count = count;
      this.edit = edit;
    }

    @Override
    Object first() {
      return keys[0];
    }

    Leaf editable(@Nullable Object token) {
      return token != null && edit == token ? this : new Leaf(keys.clone(), count, token);
    }
  }

  private static final class Branch extends Node {
    /** The least key below each child. */
    final Object[] lows;
    final Node[] kids;
    int count;
    private final @Nullable Object edit;

    Branch(Object[] lows, Node[] kids, int count, @Nullable Object edit) {
      this.lows = lows;
      this.kids = kids;
      this.count = count;
      this.edit = edit;
    }

    @Override
    Object first() {
      return lows[0];
    }

    Branch editable(@Nullable Object token) {
      return token != null && edit == token ? this : new Branch(lows.clone(), kids.clone(), count, token);
    }
  }
}
