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

  public enum Kind {
    CREATED,
    MODIFIED,
    DELETED
  }

  public ZoneChange {
    removed = List.copyOf(removed);
    added = List.copyOf(added);
  }
}
