package dev.dnsd.store;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * What one commit did to one zone, as an IXFR difference sequence has it (RFC 1995): the SOA
 * before and after, the records that went and those that came, TTL changes shown as a removal and
 * an addition. A created zone lists all its records as added; a deleted zone lists none.
 *
 * @param origin the zone's origin
 * @param kind what happened to the zone
 * @param oldSoa the SOA before, or null for a created zone
 * @param newSoa the SOA after, or null for a deleted zone
 * @param removed the records that went
 * @param added the records that came
 */
public record ZoneChange(
    Name origin,
    Kind kind,
    @Nullable SOARecord oldSoa,
    @Nullable SOARecord newSoa,
    List<Record> removed,
    List<Record> added) {

  /**
   * What happened to the zone. Each kind has a fixed {@link #code()}, which the sync protocol
   * and the SQLite change log write: reordering or adding constants never changes what a stored
   * row or a frame on the wire means.
   */
  public enum Kind {
    /** The zone did not exist before. */
    CREATED(1),
    /** The zone's records changed. */
    MODIFIED(2),
    /** The zone is gone. */
    DELETED(3);

    private final int code;

    Kind(int code) {
      this.code = code;
    }

    /**
     * The kind's code on the wire and in stored change logs.
     *
     * @return the code
     */
    public int code() {
      return code;
    }

    /**
     * The kind with this code, or null when no kind has it (data from a newer dnsd, or bad).
     *
     * @param code a code from the wire or a stored log
     * @return the kind
     */
    public static @Nullable Kind ofCode(int code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      return null;
    }
  }

  /**
   * Copies the lists.
   *
   * @param origin the zone's origin
   * @param kind what happened to the zone
   * @param oldSoa the SOA before, or null for a created zone
   * @param newSoa the SOA after, or null for a deleted zone
   * @param removed the records that went
   * @param added the records that came
   */
  public ZoneChange {
    removed = List.copyOf(removed);
    added = List.copyOf(added);
  }
}
