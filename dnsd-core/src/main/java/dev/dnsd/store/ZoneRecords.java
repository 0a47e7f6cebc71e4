package dev.dnsd.store;

import dev.dnsd.zone.Zone;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import org.xbill.DNS.Record;

/**
 * The records of a zone snapshot, as a plain immutable list for everything that reads change sets,
 * that also remembers the snapshot: a store that creates the zone from them can adopt the
 * snapshot, already checked by every zone rule, instead of building the same zone again. For a
 * zone of a million names that saves seconds and a second copy of it in memory during the commit.
 */
final class ZoneRecords extends AbstractList<Record> implements RandomAccess {
  private final Zone zone;
  private final Record[] records;

  ZoneRecords(Zone zone) {
    this.zone = zone;
    List<Record> all = new ArrayList<>(zone.recordCount());
    // Not Zone.records(): its canonical order costs a sort that nothing here needs.
    zone.forEachRRset(set -> set.addTo(all));
    this.records = all.toArray(new Record[0]);
  }

  Zone zone() {
    return zone;
  }

  @Override
  public Record get(int index) {
    return records[index];
  }

  @Override
  public int size() {
    return records.length;
  }
}
