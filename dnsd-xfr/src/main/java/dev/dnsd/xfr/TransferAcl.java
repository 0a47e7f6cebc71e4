package dev.dnsd.xfr;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * Who may take AXFR and IXFR of which zone: clients in an address prefix, or requests signed with
 * a named key, whichever matches. A zone with neither is transferred to no one.
 */
final class TransferAcl {
  private record Allowed(Set<Prefix> prefixes, Set<Name> keys) {}

  private final Map<Name, Allowed> zones;

  TransferAcl(Map<Name, ? extends Set<Prefix>> prefixes, Map<Name, ? extends Set<Name>> keys) {
    Map<Name, Allowed> all = new LinkedHashMap<>();
    prefixes.forEach((zone, p) -> all.put(zone, new Allowed(Set.copyOf(p), Set.of())));
    keys.forEach(
        (zone, k) -> {
          Allowed old = all.get(zone);
          all.put(zone, new Allowed(old == null ? Set.of() : old.prefixes(), Set.copyOf(k)));
        });
    this.zones = Map.copyOf(all);
  }

  boolean allows(Name zone, InetSocketAddress client, Tsig.Check tsig) {
    Allowed allowed = zones.get(zone);
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
}
