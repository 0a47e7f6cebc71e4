package dev.dnsd.xfr;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * Who may take AXFR and IXFR of which zone: clients in an address prefix, or requests signed with
 * a named key, whichever matches. A zone with neither, and not in a catalog that has them, is
 * transferred to no one.
 */
final class TransferAcl {
  private record Allowed(Set<Prefix> prefixes, Set<Name> keys) {}

  private final Map<Name, Allowed> zones;

  /**
   * @param rulesOf for a zone with no rules of its own, the zone whose rules it follows: a member
   *     zone follows its catalog's, so that the catalog's consumers may transfer it
   */
  TransferAcl(Map<Name, ? extends Set<Prefix>> prefixes, Map<Name, ? extends Set<Name>> keys,
      UnaryOperator<Name> rulesOf) {
    this.rulesOf = rulesOf;
    Map<Name, Allowed> all = new LinkedHashMap<>();
    prefixes.forEach((zone, p) -> all.put(zone, new Allowed(Set.copyOf(p), Set.of())));
    keys.forEach(
        (zone, k) -> {
          Allowed old = all.get(zone);
          // In the order given: the first key is the one NOTIFY is signed with by default.
          all.put(zone, new Allowed(old == null ? Set.of() : old.prefixes(),
              Collections.unmodifiableSet(new LinkedHashSet<>(k))));
        });
    this.zones = Map.copyOf(all);
  }

  /** The zone whose rules apply to a zone: itself, or the catalog that lists it. */
  private final UnaryOperator<Name> rulesOf;

  boolean allows(Name zone, InetSocketAddress client, Tsig.Check tsig) {
    Allowed allowed = zones.get(zone);
    if (allowed == null) {
      allowed = zones.get(rulesOf.apply(zone));
    }
    if (allowed == null) {
      return false;
    }
    TsigKey key = tsig.key();
    if (tsig.verified() && key != null && allowed.keys().contains(key.name())) {
      return true;
    }
    for (Prefix p : allowed.prefixes()) {
      if (p.contains(client.getAddress())) {
        return true;
      }
    }
    return false;
  }

  /** The first key allowed to transfer the zone (or its catalog), or null when none is. */
  @Nullable Name firstKey(Name zone) {
    Allowed allowed = zones.get(zone);
    if (allowed == null) {
      allowed = zones.get(rulesOf.apply(zone));
    }
    return allowed == null || allowed.keys().isEmpty() ? null : allowed.keys().iterator().next();
  }
}
