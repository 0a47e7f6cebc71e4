package dev.dnsd.bench;

import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.InMemoryRecordStore;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;

/**
 * The benchmark zone: SOA, NS and {@code n} single-record names {@code h0000000 A 198.18.x.y}, as
 * {@code gen-zones.py --big} makes them.
 */
final class BenchZone {
  static final Name ORIGIN = name("bench.example.");
  /** Changes cycle through this many distinct extra names, so no one trie path stays hot. */
  static final int EXTRA_NAMES = 1024;

  private BenchZone() {}

  static Name name(String text) {
    try {
      return Name.fromString(text, ORIGIN == null ? Name.root : ORIGIN);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Name host(int i) {
    return name(String.format("h%07d", i));
  }

  static Record a(Name owner, int i) {
    try {
      byte[] address = {(byte) 198, (byte) (18 + ((i >> 16) & 1)), (byte) (i >> 8), (byte) i};
      return new ARecord(owner, DClass.IN, 3600, InetAddress.getByAddress(address));
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A store holding the zone of {@code n} host records. */
  static InMemoryRecordStore store(int n) {
    List<Record> records = new ArrayList<>(n + 2);
    Name ns = name("ns1");
    records.add(new SOARecord(ORIGIN, DClass.IN, 3600, ns, name("hostmaster"), 1, 7200, 3600, 1209600, 300));
    records.add(new NSRecord(ORIGIN, DClass.IN, 3600, ns));
    for (int i = 0; i < n; i++) {
      records.add(a(host(i), i));
    }
    InMemoryRecordStore store = new InMemoryRecordStore(EXTRA_NAMES);
    store.commit(ChangeSet.builder().createZone(ORIGIN, records).build());
    return store;
  }

  /** Pairs of change sets, adding and then removing one record at a name not in the zone. */
  static ChangeSet[][] addRemovePairs() {
    ChangeSet[][] pairs = new ChangeSet[EXTRA_NAMES][];
    for (int i = 0; i < EXTRA_NAMES; i++) {
      Record r = a(name("extra" + i), i);
      pairs[i] =
          new ChangeSet[] {ChangeSet.builder().add(r).build(), ChangeSet.builder().remove(r).build()};
    }
    return pairs;
  }
}
