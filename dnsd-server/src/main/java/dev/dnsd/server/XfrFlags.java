package dev.dnsd.server;

import dev.dnsd.xfr.TsigKey;
import dev.dnsd.xfr.ZoneTransfers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The zone transfer, UPDATE and NOTIFY flags of {@code dnsd.jar}, turned into a {@link
 * ZoneTransfers} extension. Secrets are read from files so that they stay off command lines.
 */
final class XfrFlags {
  static final Set<String> VALUE_FLAGS =
      Set.of("--tsig-key", "--allow-transfer", "--allow-update", "--notify", "--secondary-zone");

  static final String USAGE =
      """
        --tsig-key NAME:ALGORITHM:SECRET_FILE
                             a TSIG key; the file holds its base64 secret and must be
                             readable by its owner only; ALGORITHM is hmac-sha256,
                             hmac-sha512, hmac-sha1, ... (repeatable)
        --allow-transfer ZONE:key=NAME | ZONE:PREFIX
                             allow AXFR/IXFR of ZONE to a key or an address prefix (repeatable)
        --allow-update ZONE:key=NAME
                             allow RFC 2136 UPDATE of ZONE signed with the key (repeatable)
        --notify ZONE:HOST:PORT
                             send NOTIFY for ZONE to a secondary after each change (repeatable)
        --secondary-zone ZONE:HOST:PORT[:key=NAME]
                             copy ZONE from a primary by IXFR/AXFR, optionally with TSIG (repeatable)
      """;

  private XfrFlags() {}

  /** Whether any of these flags was given. */
  static boolean any(Flags flags) {
    return VALUE_FLAGS.stream().anyMatch(flags::has);
  }

  /** The extension the flags ask for, or null when none of them was given. */
  static @Nullable ZoneTransfers build(Flags flags) throws IOException {
    if (!any(flags)) {
      return null;
    }
    ZoneTransfers.Builder b = ZoneTransfers.builder();
    try {
      for (String v : flags.all("--tsig-key")) {
        String[] parts = v.split(":", 3);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
          throw new UsageException("--tsig-key needs NAME:ALGORITHM:SECRET_FILE: " + v);
        }
        Path file = Path.of(parts[2]);
        try {
          b.tsigKey(TsigKey.of(parts[0], parts[1], SecretFiles.tsigSecret(file)));
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage() + " (file " + file + ")");
        }
      }
      for (String v : flags.all("--allow-transfer")) {
        String[] zr = zoneAndRest("--allow-transfer", v);
        if (zr[1].startsWith("key=")) {
          b.allowTransferKey(zr[0], zr[1].substring(4));
        } else {
          b.allowTransfer(zr[0], zr[1]);
        }
      }
      for (String v : flags.all("--allow-update")) {
        String[] zr = zoneAndRest("--allow-update", v);
        if (!zr[1].startsWith("key=")) {
          throw new UsageException("--allow-update needs ZONE:key=NAME: " + v);
        }
        b.allowUpdate(zr[0], zr[1].substring(4));
      }
      for (String v : flags.all("--notify")) {
        String[] zr = zoneAndRest("--notify", v);
        b.notify(zr[0], Flags.hostPort("--notify", zr[1]));
      }
      for (String v : flags.all("--secondary-zone")) {
        String[] zr = zoneAndRest("--secondary-zone", v);
        String primary = zr[1];
        String key = null;
        int k = primary.lastIndexOf(":key=");
        if (k >= 0) {
          key = primary.substring(k + 5);
          primary = primary.substring(0, k);
        }
        b.secondaryZone(zr[0], Flags.hostPort("--secondary-zone", primary), key);
      }
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static String[] zoneAndRest(String flag, String value) {
    int colon = value.indexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new UsageException(flag + " needs ZONE:...: " + value);
    }
    return new String[] {value.substring(0, colon), value.substring(colon + 1)};
  }
}
