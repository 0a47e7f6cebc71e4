package dev.dnsd.zone;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * An immutable RRset: the records of one owner, class and type, all with one TTL (RFC 2181 §5.2).
 */
public final class RRset {
  // A zone of a million names keeps a million RRsets, most of one record: the owner is the first
  // record's, the TTL fits an int (RFC 2181 §8), and one record is held as itself, not in a
  // list, so such an RRset is one object of 24 bytes beside its record.
  /** RFC 2181 §8: a TTL with the top bit set is read as zero, so dnsjava's records have none. */
  private static final long MAX_TTL = 0x7FFF_FFFFL;

  private final int type;
  private final int ttl;
  /** The one {@link Record}, or an unmodifiable list of two or more. */
  private final Object records;

  private RRset(int type, long ttl, Object records) {
    this.type = type;
    this.ttl = (int) ttl;
    this.records = records;
  }

  /**
   * An RRset of the given records, which must share owner and type; TTLs are set to {@code ttl}.
   * The exception is the RRSIG RRset: each signature keeps the TTL of the RRset it covers (RFC
   * 4034 §3), and its {@link #ttl()} is the largest of them.
   *
   * @param ttl the TTL of every record
   * @param records the records, of one owner, type and class
   * @return the RRset
   */
  public static RRset of(long ttl, List<Record> records) {
    if (records.isEmpty()) {
      throw new IllegalArgumentException("an RRset has at least one record");
    }
    Record first = records.get(0);
    boolean sigs = first.getType() == Type.RRSIG;
    if (!sigs && (ttl < 0 || ttl > MAX_TTL)) {
      throw new IllegalArgumentException("a TTL is from 0 to 2^31 - 1 (RFC 2181 §8): " + ttl);
    }
    if (records.size() == 1) {
      // Most RRsets, and a million of them at a large zone's load: no copy array to throw away.
      if (sigs) {
        return new RRset(first.getType(), first.getTTL(), first);
      }
      return new RRset(first.getType(), ttl, first.getTTL() == ttl ? first : withTtl(first, ttl));
    }
    long max = 0;
    Record[] copy = new Record[records.size()];
    int i = 0;
    for (Record r : records) {
      if (!r.getName().equals(first.getName()) || r.getType() != first.getType()) {
        throw new IllegalArgumentException("records of one RRset differ in owner or type: " + r);
      }
      if (sigs) {
        max = Math.max(max, r.getTTL());
        copy[i++] = r;
      } else {
        copy[i++] = r.getTTL() == ttl ? r : withTtl(r, ttl);
      }
    }
    return new RRset(first.getType(), sigs ? max : ttl, copy.length == 1 ? copy[0] : List.of(copy));
  }

  /** A copy of the record with another TTL; dnsjava keeps its TTL setter package-private. */
  static Record withTtl(Record r, long ttl) {
    byte[] wire = r.toWire(Section.ANSWER);
    int at = r.getName().length() + 4;
    wire[at] = (byte) (ttl >>> 24);
    wire[at + 1] = (byte) (ttl >>> 16);
    wire[at + 2] = (byte) (ttl >>> 8);
    wire[at + 3] = (byte) ttl;
    try {
      return Record.fromWire(wire, Section.ANSWER);
    } catch (IOException e) {
      throw new IllegalStateException("re-reading a record dnsjava wrote: " + r, e);
    }
  }

  /**
   * The owner of every record.
   *
   * @return the owner
   */
  public Name owner() {
    return first().getName();
  }

  /**
   * The type of every record.
   *
   * @return the type
   */
  public int type() {
    return type;
  }

  /**
   * The TTL every record has.
   *
   * @return the TTL
   */
  public long ttl() {
    return ttl;
  }

  /**
   * The records.
   *
   * @return the records, unmodifiable
   */
  @SuppressWarnings("unchecked")
  public List<Record> records() {
    return records instanceof Record r ? List.of(r) : (List<Record>) records;
  }


  /**
   * Adds the records to a collection, in order, as {@code out.addAll(records())} does, but with
   * no list made for an RRset of one record: what a lookup does for each RRset of an answer.
   *
   * @param out the collection, such as a section of an answer
   */
  @SuppressWarnings("unchecked")
  public void addTo(Collection<? super Record> out) {
    if (records instanceof Record r) {
      out.add(r);
    } else {
      out.addAll((List<Record>) records);
    }
  }

  /**
   * The first record; CNAME, DNAME and SOA RRsets hold exactly one.
   *
   * @return the first record
   */
  @SuppressWarnings("unchecked")
  public Record first() {
    return records instanceof Record r ? r : ((List<Record>) records).get(0);
  }

  @Override
  public String toString() {
    return owner() + " " + ttl() + " " + Type.string(type) + " " + records().size() + " record(s)";
  }
}
