package dev.dnsd.sync;

import java.nio.charset.StandardCharsets;

/** Constants of the sync protocol; PROTOCOL.md is their description. */
final class Protocol {
  private Protocol() {}

  static final byte[] MAGIC = "DNSDSYNC".getBytes(StandardCharsets.US_ASCII);
  static final int MIN_VERSION = 1;
  static final int MAX_VERSION = 1;
  static final int NONCE_BYTES = 32;
  /** Before authentication nobody gets to make us buffer much. */
  static final int HANDSHAKE_MAX_FRAME = 1024;
  static final int MAX_FRAME = 64 << 20;
  /** Records per SNAPSHOT_ZONE frame, so a large zone never comes near MAX_FRAME. */
  static final int SNAPSHOT_PART_RECORDS = 4096;
  /** A peer that sends nothing for this many keepalive intervals is dead. */
  static final int DEAD_AFTER_INTERVALS = 3;

  static final int HELLO = 0x01;
  static final int CHALLENGE = 0x02;
  static final int PROOF = 0x03;
  static final int WELCOME = 0x04;

  static final int SUBSCRIBE = 0x10;
  static final int SNAPSHOT_BEGIN = 0x11;
  static final int SNAPSHOT_ZONE = 0x12;
  static final int SNAPSHOT_END = 0x13;
  static final int CHANGE = 0x14;
  static final int ACK = 0x15;

  static final int COMMIT = 0x20;
  static final int COMMITTED = 0x21;
  static final int LIST_ZONES = 0x22;
  static final int ZONES = 0x23;
  static final int GET_ZONE = 0x24;
  static final int ZONE = 0x25;
  static final int RELOAD = 0x26;
  static final int RELOADED = 0x27;
  static final int STATS = 0x28;
  static final int STATISTICS = 0x29;

  static final int PING = 0x30;
  static final int ERROR = 0x7F;

  /** Metadata key in a primary's store: its identity, so secondaries notice a different history. */
  static final String PRIMARY_ID_KEY = "dnsd.sync.id";
  /** Metadata key in a secondary's store: "PRIMARY_ID VERSION" of the last change applied. */
  static final String APPLIED_KEY = "dnsd.sync.applied";
}
