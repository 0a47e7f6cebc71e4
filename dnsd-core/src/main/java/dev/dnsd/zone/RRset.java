package dev.dnsd.zone;

import java.io.IOException;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * An immutable RRset: the records of one owner, class and type, all with one TTL (RFC 2181 §5.2).
 */
public final class RRset {
  private final Name owner;
  private final int type;
  private final long ttl;
  private final List<Record> records;

  private RRset(Name owner, int type, long ttl, List<Record> records) {
    this.owner = owner;
    this.type = type;
    this.ttl = ttl;
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
    // List.of keeps one or two records in the list object itself, with no array: most RRsets
    // hold one record, and a zone of a million of them keeps a million of these lists.
    return new RRset(first.getName(), first.getType(), sigs ? max : ttl, List.of(copy));
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
    return owner;
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
  public List<Record> records() {
    return records;
  }

  /**
   * The first record; CNAME, DNAME and SOA RRsets hold exactly one.
   *
   * @return the first record
   */
  public Record first() {
    return records.get(0);
  }

  @Override
  public String toString() {
    return owner + " " + ttl + " " + Type.string(type) + " " + records.size() + " record(s)";
  }
}
