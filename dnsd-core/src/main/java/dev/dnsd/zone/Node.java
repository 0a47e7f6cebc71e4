package dev.dnsd.zone;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The RRsets at one owner name, sorted by type, and how many child names exist below it. A node
 * with no RRsets and at least one child is an empty non-terminal: the name exists (RFC 4592 §2.2.2)
 * but owns no data.
 *
 * <p>The zone's map keeps a node with one RRset and no children as the RRset itself ({@link #of},
 * {@link #stored}): readers of the map go through those two.
 */
final class Node {
  private static final RRset[] NONE = {};
  static final Node EMPTY = new Node(NONE, 0);

  final RRset[] rrsets;
  final int children;

  private Node(RRset[] rrsets, int children) {
    this.rrsets = rrsets;
    this.children = children;
  }

  /**
   * The node a value of the zone's map stands for. A name with one RRset and no names below it,
   * which is most names of a large zone, is kept as that RRset alone: a node and its array would
   * add two objects per name.
   */
  static @Nullable Node of(@Nullable Object stored) {
    if (stored == null || stored instanceof Node) {
      return (Node) stored;
    }
    return new Node(new RRset[] {(RRset) stored}, 0);
  }

  /** The RRset of a type in what the zone's map keeps for a name, making no node for it. */
  static @Nullable RRset get(Object stored, int type) {
    if (stored instanceof RRset set) {
      return set.type() == type ? set : null;
    }
    return ((Node) stored).get(type);
  }

  /** What the zone's map keeps for this node: see {@link #of}. */
  Object stored() {
    return children == 0 && rrsets.length == 1 ? rrsets[0] : this;
  }

  @Nullable RRset get(int type) {
    for (RRset set : rrsets) {
      if (set.type() == type) {
        return set;
      }
    }
    return null;
  }

  boolean hasData() {
    return rrsets.length > 0;
  }

  /**
   * Whether the name owns only an NSEC3 RRset and its signatures: a hashed owner name, which is
   * not part of the zone's name space (RFC 5155 §7.2.8).
   */
  boolean hashedOnly() {
    if (children != 0 || rrsets.length == 0 || rrsets.length > 2) {
      return false;
    }
    boolean nsec3 = false;
    for (RRset set : rrsets) {
      if (set.type() == org.xbill.DNS.Type.NSEC3) {
        nsec3 = true;
      } else if (set.type() != org.xbill.DNS.Type.RRSIG) {
        return false;
      }
    }
    return nsec3;
  }

  Node with(RRset set) {
    int i = 0;
    while (i < rrsets.length && rrsets[i].type() < set.type()) {
      i++;
    }
    RRset[] copy;
    if (i < rrsets.length && rrsets[i].type() == set.type()) {
      copy = rrsets.clone();
    } else {
      copy = new RRset[rrsets.length + 1];
      System.arraycopy(rrsets, 0, copy, 0, i);
      System.arraycopy(rrsets, i, copy, i + 1, rrsets.length - i);
    }
    copy[i] = set;
    return new Node(copy, children);
  }

  Node without(int type) {
    for (int i = 0; i < rrsets.length; i++) {
      if (rrsets[i].type() == type) {
        RRset[] copy = new RRset[rrsets.length - 1];
        System.arraycopy(rrsets, 0, copy, 0, i);
        System.arraycopy(rrsets, i + 1, copy, i, copy.length - i);
        return new Node(copy, children);
      }
    }
    return this;
  }

  Node withChildren(int count) {
    return new Node(rrsets, count);
  }

  @Override
  public String toString() {
    return Arrays.toString(rrsets) + " children=" + children;
  }
}
