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
    CREATED(1),
    MODIFIED(2),
    DELETED(3);

    private final int code;

    Kind(int code) {
      this.code = code;
    }

    /** The kind's code on the wire and in stored change logs. */
    public int code() {
      return code;
    }

    /** The kind with this code, or null when no kind has it (data from a newer dnsd, or bad). */
    public static @Nullable Kind ofCode(int code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      return null;
    }
  }

  public ZoneChange {
    removed = List.copyOf(removed);
    added = List.copyOf(added);
  }
}
