package dev.dnsd;

import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.zone.Zone;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base32;

/**
 * Checks a signed zone against RFC 4035 §2 from its records alone, worked out apart from dnsd's
 * signer so that it can catch the signer's mistakes: every authoritative RRset (and nothing else)
 * carries valid signatures from the DNSKEYs at the apex; the NSEC or NSEC3 chain holds exactly the
 * names it should (authoritative names and delegation points, for NSEC3 also empty non-terminals;
 * nothing below a cut or a DNAME), in order, with the right type bitmaps; and no denial interval
 * covers a name that exists.
 */
public final class SignedZoneCheck {
  private static final base32 B32HEX = new base32(base32.Alphabet.BASE32HEX, false, true);

  private SignedZoneCheck() {}

  /** Checks the zone; throws an AssertionError that names the first problem. */
  public static void check(Zone zone, Instant now) {
    check(zone.origin(), zone.records(), now);
  }

  public static void check(Name origin, List<Record> records, Instant now) {
    new SignedZoneCheck.Run(origin, records, now, true).run();
  }

  /**
   * Checks all but the cryptography: which RRsets are signed, by which keys, and the chain. A
   * fraction of the cost, for property tests that check after every change.
   */
  public static void checkStructure(Zone zone) {
    new SignedZoneCheck.Run(zone.origin(), zone.records(), Instant.EPOCH, false).run();
  }

  private static final class Run {
    final Name origin;
    final Instant now;
    final boolean verify;
    final Map<Name, Map<Integer, List<Record>>> byOwner = new TreeMap<>();
    final Set<Name> names = new TreeSet<>();

    Run(Name origin, List<Record> records, Instant now, boolean verify) {
      this.origin = origin;
      this.now = now;
      this.verify = verify;
      for (Record r : records) {
        byOwner.computeIfAbsent(r.getName(), k -> new LinkedHashMap<>())
            .computeIfAbsent(r.getType(), k -> new ArrayList<>())
            .add(r);
        for (Name n = r.getName(); ; n = new Name(n, 1)) {
          names.add(n);
          if (n.equals(origin)) {
            break;
          }
        }
      }
    }

    void run() {
      Map<Integer, List<Record>> apex = byOwner.get(origin);
      if (apex == null || apex.get(Type.DNSKEY) == null) {
        throw new AssertionError("zone " + origin + " has no DNSKEY RRset at its apex");
      }
      List<DNSKEYRecord> keys = new ArrayList<>();
      for (Record r : apex.get(Type.DNSKEY)) {
        keys.add((DNSKEYRecord) r);
      }
      checkSignatures(keys);
      if (apex.get(Type.NSEC3PARAM) != null) {
        checkNsec3((NSEC3PARAMRecord) apex.get(Type.NSEC3PARAM).get(0));
      } else {
        checkNsec();
      }
    }

    Map<Integer, List<Record>> types(Name n) {
      return byOwner.getOrDefault(n, Map.of());
    }

    boolean hashedOnly(Name n) {
      Map<Integer, List<Record>> t = types(n);
      if (!t.containsKey(Type.NSEC3)) {
        return false;
      }
      for (int type : t.keySet()) {
        if (type != Type.NSEC3 && type != Type.RRSIG) {
          return false;
        }
      }
      return !hasDescendant(n);
    }

    boolean hasDescendant(Name n) {
      for (Name other : names) {
        if (!other.equals(n) && other.subdomain(n)) {
          return true;
        }
      }
      return false;
    }

    boolean occluded(Name n) {
      for (Name a = n; !a.equals(origin); ) {
        a = new Name(a, 1);
        Map<Integer, List<Record>> t = types(a);
        if (t.containsKey(Type.DNAME) || (!a.equals(origin) && t.containsKey(Type.NS))) {
          return true;
        }
      }
      return false;
    }

    boolean cut(Name n) {
      return !n.equals(origin) && types(n).containsKey(Type.NS);
    }

    boolean hasData(Name n) {
      for (int type : types(n).keySet()) {
        if (type != Type.RRSIG && type != Type.NSEC && type != Type.NSEC3) {
          return true;
        }
      }
      return false;
    }

    void checkSignatures(List<DNSKEYRecord> keys) {
      Set<Integer> sepKeys = new HashSet<>();
      Set<Integer> allKeys = new HashSet<>();
      for (DNSKEYRecord k : keys) {
        allKeys.add(k.getFootprint());
        if ((k.getFlags() & DNSKEYRecord.Flags.SEP_KEY) != 0) {
          sepKeys.add(k.getFootprint());
        }
      }
      for (Map.Entry<Name, Map<Integer, List<Record>>> entry : byOwner.entrySet()) {
        Name n = entry.getKey();
        Map<Integer, List<Record>> t = entry.getValue();
        boolean hashed = hashedOnly(n);
        boolean occluded = !hashed && occluded(n);
        Map<Integer, List<RRSIGRecord>> sigs = new HashMap<>();
        for (Record r : t.getOrDefault(Type.RRSIG, List.of())) {
          RRSIGRecord sig = (RRSIGRecord) r;
          sigs.computeIfAbsent(sig.getTypeCovered(), k -> new ArrayList<>()).add(sig);
        }
        for (Map.Entry<Integer, List<Record>> set : t.entrySet()) {
          int type = set.getKey();
          if (type == Type.RRSIG) {
            continue;
          }
          boolean authoritative = !occluded && (!cut(n) || type == Type.DS || type == Type.NSEC);
          List<RRSIGRecord> covering = sigs.getOrDefault(type, List.of());
          String what = n + " " + Type.string(type);
          if (!authoritative) {
            if (!covering.isEmpty()) {
              throw new AssertionError(what + " is not authoritative data but is signed");
            }
            continue;
          }
          if (covering.isEmpty()) {
            throw new AssertionError(what + " has no signature");
          }
          RRset rrset = new RRset(set.getValue());
          boolean keyType = type == Type.DNSKEY || type == Type.CDS || type == Type.CDNSKEY;
          Set<Integer> signers = new HashSet<>();
          for (RRSIGRecord sig : covering) {
            DNSKEYRecord key = null;
            for (DNSKEYRecord k : keys) {
              if (k.getFootprint() == sig.getFootprint() && k.getAlgorithm() == sig.getAlgorithm()) {
                key = k;
              }
            }
            if (key == null) {
              throw new AssertionError(what + " is signed by key " + sig.getFootprint() + ", which the DNSKEY RRset lacks");
            }
            if (sig.getTTL() != rrset.getTTL() || sig.getOrigTTL() != rrset.getTTL()) {
              throw new AssertionError(what + ": the RRSIG's TTLs " + sig.getTTL() + "/" + sig.getOrigTTL()
                  + " are not the RRset's " + rrset.getTTL());
            }
            if (verify) {
              try {
                DNSSEC.verify(rrset, sig, key, now);
              } catch (DNSSEC.DNSSECException e) {
                throw new AssertionError(what + ": signature by " + sig.getFootprint() + " does not verify: " + e.getMessage(), e);
              }
            }
            signers.add(sig.getFootprint());
          }
          if (keyType && sepKeys.stream().noneMatch(signers::contains)) {
            throw new AssertionError(what + " is signed by no key-signing key");
          }
          if (!signers.stream().allMatch(allKeys::contains)) {
            throw new AssertionError(what + " has a signature by an unknown key");
          }
        }
        for (int covered : sigs.keySet()) {
          if (!t.containsKey(covered)) {
            throw new AssertionError(n + " has a signature of " + Type.string(covered) + ", which it lacks");
          }
        }
      }
    }

    void checkNsec() {
      List<Name> members = new ArrayList<>();
      for (Name n : names) {
        if (hasData(n) && !hashedOnly(n) && !occluded(n)) {
          members.add(n); // a TreeSet of names is in canonical order
        }
      }
      Set<Name> owners = new TreeSet<>();
      for (Map.Entry<Name, Map<Integer, List<Record>>> e : byOwner.entrySet()) {
        if (e.getValue().containsKey(Type.NSEC)) {
          owners.add(e.getKey());
        }
        if (e.getValue().containsKey(Type.NSEC3)) {
          throw new AssertionError("NSEC zone " + origin + " has an NSEC3 record at " + e.getKey());
        }
      }
      if (!owners.equals(new TreeSet<>(members))) {
        throw new AssertionError("the NSEC chain of " + origin + " holds " + owners + " but should hold " + members);
      }
      for (int i = 0; i < members.size(); i++) {
        Name n = members.get(i);
        List<Record> set = types(n).get(Type.NSEC);
        if (set.size() != 1) {
          throw new AssertionError(n + " has " + set.size() + " NSEC records");
        }
        NSECRecord nsec = (NSECRecord) set.get(0);
        Name next = members.get((i + 1) % members.size());
        if (!nsec.getNext().equals(next)) {
          throw new AssertionError("NSEC at " + n + " points to " + nsec.getNext() + ", not to the next name " + next);
        }
        Set<Integer> want = new TreeSet<>();
        for (int type : types(n).keySet()) {
          if (!cut(n) || type == Type.NS || type == Type.DS || type == Type.NSEC || type == Type.RRSIG) {
            want.add(type);
          }
        }
        want.add(Type.RRSIG);
        want.add(Type.NSEC);
        Set<Integer> have = new TreeSet<>();
        for (int type : nsec.getTypes()) {
          have.add(type);
        }
        if (!have.equals(want)) {
          throw new AssertionError("NSEC at " + n + " lists types " + names(have) + ", not " + names(want));
        }
      }
      // RFC 4035 §5.4 as a resolver reads it: no name that exists lies inside an interval.
      for (int i = 0; i < members.size(); i++) {
        Name from = members.get(i);
        Name to = members.get((i + 1) % members.size());
        for (Name n : names) {
          if (hashedOnly(n) || occluded(n) || !hasData(n)) {
            continue;
          }
          boolean inside = to.compareTo(from) > 0
              ? n.compareTo(from) > 0 && n.compareTo(to) < 0
              : n.compareTo(from) > 0;
          if (inside) {
            throw new AssertionError("the NSEC interval " + from + " .. " + to + " covers " + n + ", which exists");
          }
        }
      }
    }

    void checkNsec3(NSEC3PARAMRecord param) {
      if (param.getIterations() != 0 || (param.getSalt() != null && param.getSalt().length != 0) || param.getHashAlgorithm() != DnssecPolicy.NSEC3_SHA1) {
        throw new AssertionError("NSEC3PARAM of " + origin + " is not RFC 9276's: " + param);
      }
      Map<String, Name> members = new TreeMap<>();
      for (Name n : names) {
        if (hashedOnly(n) || occluded(n)) {
          continue;
        }
        if (hasData(n) || hasDescendantNotHashed(n)) {
          members.put(hash(param, n), n);
        }
      }
      Map<String, NSEC3Record> chain = new TreeMap<>();
      for (Map.Entry<Name, Map<Integer, List<Record>>> e : byOwner.entrySet()) {
        if (e.getValue().containsKey(Type.NSEC)) {
          throw new AssertionError("NSEC3 zone " + origin + " has an NSEC record at " + e.getKey());
        }
        List<Record> set = e.getValue().get(Type.NSEC3);
        if (set != null) {
          if (!new Name(e.getKey(), 1).equals(origin)) {
            throw new AssertionError("NSEC3 owner " + e.getKey() + " is not a child of the apex");
          }
          chain.put(e.getKey().getLabelString(0).toLowerCase(), (NSEC3Record) set.get(0));
        }
      }
      if (!chain.keySet().equals(members.keySet())) {
        Set<String> missing = new TreeSet<>(members.keySet());
        missing.removeAll(chain.keySet());
        Set<String> extra = new TreeSet<>(chain.keySet());
        extra.removeAll(members.keySet());
        List<Name> missingNames = new ArrayList<>();
        missing.forEach(h -> missingNames.add(members.get(h)));
        throw new AssertionError("the NSEC3 chain of " + origin + " lacks " + missingNames + " and has extra hashes " + extra);
      }
      List<String> hashes = new ArrayList<>(members.keySet());
      for (int i = 0; i < hashes.size(); i++) {
        String h = hashes.get(i);
        Name n = members.get(h);
        NSEC3Record rec = chain.get(h);
        String next = hashes.get((i + 1) % hashes.size());
        if (!B32HEX.toString(rec.getNext()).equals(next)) {
          throw new AssertionError("NSEC3 for " + n + " points to " + B32HEX.toString(rec.getNext()) + ", not " + next);
        }
        if (rec.getIterations() != 0 || (rec.getSalt() != null && rec.getSalt().length != 0) || rec.getFlags() != 0) {
          throw new AssertionError("NSEC3 for " + n + " has other parameters than RFC 9276's: " + rec);
        }
        Set<Integer> want = new TreeSet<>();
        boolean signed = false;
        for (int type : types(n).keySet()) {
          if (type == Type.RRSIG || type == Type.NSEC3 || type == Type.NSEC) {
            continue;
          }
          if (!cut(n) || type == Type.NS || type == Type.DS) {
            want.add(type);
            signed |= !cut(n) || type == Type.DS;
          }
        }
        if (signed) {
          want.add(Type.RRSIG);
        }
        Set<Integer> have = new TreeSet<>();
        for (int type : rec.getTypes()) {
          have.add(type);
        }
        if (!have.equals(want)) {
          throw new AssertionError("NSEC3 for " + n + " lists types " + names(have) + ", not " + names(want));
        }
      }
      // No name that exists, empty non-terminals included, hashes into an interval.
      for (Name n : names) {
        if (hashedOnly(n) || occluded(n)) {
          continue;
        }
        String h = hash(param, n);
        for (int i = 0; i < hashes.size(); i++) {
          String from = hashes.get(i);
          String to = hashes.get((i + 1) % hashes.size());
          boolean inside = to.compareTo(from) > 0
              ? h.compareTo(from) > 0 && h.compareTo(to) < 0
              : h.compareTo(from) > 0 || h.compareTo(to) < 0;
          if (inside && hashes.size() > 1) {
            throw new AssertionError("the NSEC3 interval " + from + " .. " + to + " covers " + n + ", which exists");
          }
        }
      }
    }

    boolean hasDescendantNotHashed(Name n) {
      for (Name other : names) {
        if (!other.equals(n) && other.subdomain(n) && !hashedOnly(other)) {
          return true;
        }
      }
      return false;
    }

    static String hash(NSEC3PARAMRecord param, Name n) {
      try {
        return B32HEX.toString(param.hashName(n));
      } catch (NoSuchAlgorithmException e) {
        throw new AssertionError(e);
      }
    }

    static String names(Set<Integer> types) {
      List<String> out = new ArrayList<>();
      types.forEach(t -> out.add(Type.string(t)));
      return out.toString();
    }
  }
}
