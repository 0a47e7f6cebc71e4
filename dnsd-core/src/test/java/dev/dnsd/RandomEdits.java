package dev.dnsd;

import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Random change sets for a zone, of the kinds that move a DNSSEC chain: names that come and go at
 * several depths (so empty non-terminals appear and vanish), wildcards, delegations with glue
 * below them, DS records, CNAMEs and DNAMEs. Each change set is one to three edits; some may break
 * a zone rule (a CNAME beside data), and the store then refuses them, as it should. They add and
 * remove names of their own only, among the zone's other names, which stay as they were.
 *
 * <pre>{@code
 * RandomEdits edits = new RandomEdits(origin, 42);
 * for (int i = 0; i < 1000; i++) {
 *   try { store.commit(edits.next(store.zones().get(origin))); } catch (InvalidZoneException e) { }
 * }
 * }</pre>
 */
public final class RandomEdits {
  /**
   * Labels of their own, so that a test's fixed names (www, mail, a.b.c, ...) stay as the test made
   * them and can still be asked for after the random edits; the chain interleaves the two anyway.
   */
  private static final String[] LABELS = {"p", "q", "r", "s", "t", "u", "v", "y", "z", "w2"};
  private static final int[] DATA_TYPES = {Type.A, Type.AAAA, Type.TXT, Type.MX};

  private final Name origin;
  private final Random random;
  private int counter;

  public RandomEdits(Name origin, long seed) {
    this.origin = origin;
    this.random = new Random(seed);
  }

  public ChangeSet next(Zone zone) {
    ChangeSet.Builder b = ChangeSet.builder();
    int edits = 1 + random.nextInt(3);
    for (int i = 0; i < edits; i++) {
      edit(zone, b);
    }
    return b.build();
  }

  private void edit(Zone zone, ChangeSet.Builder b) {
    int roll = random.nextInt(100);
    if (roll < 40) {
      b.add(data(name(true), DATA_TYPES[random.nextInt(DATA_TYPES.length)]));
    } else if (roll < 55) {
      Record r = existing(zone);
      if (r != null) {
        b.remove(r);
      }
    } else if (roll < 63) {
      Record r = existing(zone);
      if (r != null) {
        b.removeName(r.getName());
      }
    } else if (roll < 73) {
      Name cut = name(false);
      b.add(rr(cut, Type.NS, "ns." + cut));
      b.add(rr(relative("ns", cut), Type.A, "192.0.2." + (1 + random.nextInt(250))));
    } else if (roll < 78) {
      Name cut = delegation(zone);
      if (cut != null) {
        b.add(rr(cut, Type.DS, (1 + random.nextInt(65000)) + " 13 2 " + hex(32)));
      }
    } else if (roll < 83) {
      Name cut = delegation(zone);
      if (cut != null) {
        b.removeRRset(cut, Type.NS);
      }
    } else if (roll < 89) {
      b.add(rr(name(true), Type.CNAME, "target" + random.nextInt(5) + "." + origin));
    } else if (roll < 92) {
      b.add(rr(name(false), Type.DNAME, "elsewhere.example."));
    } else {
      b.add(data(relative("deep" + random.nextInt(4), name(false)), Type.TXT));
    }
  }

  /** A random name one to three labels below the apex, a wildcard sometimes when allowed. */
  private Name name(boolean wildcardAllowed) {
    int depth = 1 + random.nextInt(3);
    Name n = origin;
    for (int i = 0; i < depth; i++) {
      n = relative(LABELS[random.nextInt(LABELS.length)], n);
    }
    if (wildcardAllowed && depth >= 2 && random.nextInt(8) == 0) {
      // Never *.apex: it would answer for every name a test expects not to exist.
      n = relative("*", new Name(n, 1));
    }
    return n;
  }

  /** Whether these edits could have made the name: only those are edited or removed again. */
  private boolean ours(Name name) {
    for (int i = 0; i < name.labels() - origin.labels(); i++) {
      String label = name.getLabelString(i);
      if (!label.equals("*") && !label.equals("ns") && !label.matches("deep\\d") && !List.of(LABELS).contains(label)) {
        return false;
      }
    }
    return !name.equals(origin);
  }

  private Record existing(Zone zone) {
    List<Record> candidates = new ArrayList<>();
    for (Record r : zone.records()) {
      if (ours(r.getName()) && !isDnssec(r.getType())) {
        candidates.add(r);
      }
    }
    return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
  }

  private Name delegation(Zone zone) {
    List<Name> cuts = new ArrayList<>();
    for (Record r : zone.records()) {
      if (r.getType() == Type.NS && ours(r.getName()) && !cuts.contains(r.getName())) {
        cuts.add(r.getName());
      }
    }
    return cuts.isEmpty() ? null : cuts.get(random.nextInt(cuts.size()));
  }

  private static boolean isDnssec(int type) {
    return type == Type.RRSIG || type == Type.NSEC || type == Type.NSEC3 || type == Type.NSEC3PARAM
        || type == Type.DNSKEY || type == Type.CDS || type == Type.CDNSKEY;
  }

  private Record data(Name owner, int type) {
    int n = counter++;
    return switch (type) {
      case Type.A -> rr(owner, type, "192.0.2." + (n % 250 + 1));
      case Type.AAAA -> rr(owner, type, "2001:db8::" + Integer.toHexString(n % 65000 + 1));
      case Type.MX -> rr(owner, type, "10 mail" + (n % 3) + "." + origin);
      default -> rr(owner, type, "\"edit " + n + "\"");
    };
  }

  private Record rr(Name owner, int type, String data) {
    try {
      return Record.fromString(owner, type, DClass.IN, 300, data, origin);
    } catch (IOException e) {
      throw new IllegalArgumentException(data, e);
    }
  }

  private static Name relative(String label, Name parent) {
    try {
      return Name.concatenate(Name.fromString(label), parent);
    } catch (IOException e) {
      throw new IllegalArgumentException(label, e);
    }
  }

  private String hex(int bytes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < bytes; i++) {
      out.append(String.format("%02X", random.nextInt(256)));
    }
    return out.toString();
  }
}
