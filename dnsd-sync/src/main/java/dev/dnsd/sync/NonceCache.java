package dev.dnsd.sync;

import java.util.HexFormat;
import java.util.LinkedHashMap;

/**
 * The client nonces of recent handshakes. The primary's own fresh nonce already makes a replayed
 * handshake fail; remembering client nonces lets the refusal say "replay" rather than "wrong
 * secret", which is what an operator needs to know.
 */
final class NonceCache {
  private final int capacity;
  private final LinkedHashMap<String, Boolean> seen = new LinkedHashMap<>();

  NonceCache(int capacity) {
    this.capacity = capacity;
  }

  /** Records the nonce; false when it was seen before. */
  synchronized boolean add(byte[] nonce) {
    String key = HexFormat.of().formatHex(nonce);
    if (seen.containsKey(key)) {
      return false;
    }
    seen.put(key, Boolean.TRUE);
    if (seen.size() > capacity) {
      String eldest = seen.keySet().iterator().next();
      seen.remove(eldest);
    }
    return true;
  }
}
