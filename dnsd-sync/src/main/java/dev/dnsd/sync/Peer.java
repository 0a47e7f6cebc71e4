package dev.dnsd.sync;

import java.util.Set;

/** A peer a primary accepts: its name, its shared secret and what it may do. */
record Peer(String name, byte[] secret, Set<Role> roles) {
  Peer {
    if (name.isEmpty() || name.length() > 255 || !name.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
      throw new IllegalArgumentException("peer name must be 1..255 printable ASCII characters without spaces: '" + name + "'");
    }
    if (secret.length < SyncPrimary.MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "secret for peer " + name + " has " + secret.length + " bytes; use at least " + SyncPrimary.MIN_SECRET_BYTES
              + " random bytes (e.g. openssl rand -hex 32)");
    }
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("peer " + name + " needs at least one role");
    }
    secret = secret.clone();
    roles = Set.copyOf(roles);
  }

  int roleBits() {
    int bits = 0;
    for (Role r : roles) {
      bits |= r.bit;
    }
    return bits;
  }

  @Override
  public String toString() {
    return "Peer[" + name + ", " + roles + "]";
  }
}
