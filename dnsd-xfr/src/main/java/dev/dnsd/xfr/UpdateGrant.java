package dev.dnsd.xfr;

import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * What one TSIG key may change in one zone: every name, or only the listed names and the names
 * below them; every type, or only the listed types.
 */
record UpdateGrant(Name key, List<Name> names, Set<Integer> types) {
  UpdateGrant {
    names = List.copyOf(names);
    types = Set.copyOf(types);
  }

  boolean allows(Record update) {
    return allowsName(update.getName()) && allowsType(update.getType());
  }

  private boolean allowsName(Name name) {
    if (names.isEmpty()) {
      return true;
    }
    for (Name n : names) {
      if (name.subdomain(n)) {
        return true;
      }
    }
    return false;
  }

  private boolean allowsType(int type) {
    // Deleting all RRsets at a name (type ANY) touches every type, so it needs every type.
    return types.isEmpty() || (type != Type.ANY && types.contains(type));
  }
}
