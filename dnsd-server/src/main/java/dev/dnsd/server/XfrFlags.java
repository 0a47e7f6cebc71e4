package dev.dnsd.server;

import dev.dnsd.xfr.TsigKey;
import dev.dnsd.xfr.ZoneTransfers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The zone transfer, UPDATE and NOTIFY flags of {@code dnsd.jar}, turned into a {@link
 * ZoneTransfers} extension. Secrets are read from files so that they stay off command lines.
 */
final class XfrFlags {
  static final Set<String> VALUE_FLAGS =
      Set.of("--tsig-key", "--allow-transfer", "--allow-update", "--notify", "--secondary-zone",
          "--catalog", "--catalog-group", "--catalog-coo", "--catalog-consumer");

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
        --notify ZONE:HOST:PORT[:key=NAME]
                             send NOTIFY for ZONE to a secondary after each change, signed with
                             the key (default: the first key --allow-transfer names for ZONE)
                             (repeatable)
        --secondary-zone ZONE:HOST:PORT[:key=NAME]
                             copy ZONE from a primary by IXFR/AXFR, optionally with TSIG (repeatable)
        --catalog ZONE       produce the catalog zone ZONE (RFC 9432) listing every zone this
                             server is primary for; members without rules of their own follow
                             ZONE's --allow-transfer and --notify
        --catalog-group ZONE:GROUP
                             the group property of member ZONE in the catalog (repeatable)
        --catalog-coo ZONE:CATALOG
                             member ZONE moves to CATALOG (the coo property) (repeatable)
        --catalog-consumer CATALOG:HOST:PORT[:key=NAME]
                             copy the catalog zone CATALOG from a primary and follow every member
                             zone it lists as a secondary zone of that primary (repeatable)
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
        Remote r = remote("--notify", v);
        b.notify(r.zone(), r.address(), r.key());
      }
      for (String v : flags.all("--secondary-zone")) {
        Remote r = remote("--secondary-zone", v);
        b.secondaryZone(r.zone(), r.address(), r.key());
      }
      String catalog = flags.one("--catalog");
      if (catalog != null) {
        b.catalog(catalog);
      }
      for (String v : flags.all("--catalog-group")) {
        String[] zr = zoneAndRest("--catalog-group", v);
        b.catalogGroup(zr[0], zr[1]);
      }
      for (String v : flags.all("--catalog-coo")) {
        String[] zr = zoneAndRest("--catalog-coo", v);
        b.catalogChangeOfOwnership(zr[0], zr[1]);
      }
      for (String v : flags.all("--catalog-consumer")) {
        Remote r = remote("--catalog-consumer", v);
        b.catalogConsumer(r.zone(), r.address(), r.key());
      }
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** ZONE:HOST:PORT[:key=NAME], as --notify, --secondary-zone and --catalog-consumer take it. */
  private record Remote(String zone, InetSocketAddress address, @Nullable String key) {}

  private static Remote remote(String flag, String value) {
    String[] zr = zoneAndRest(flag, value);
    String address = zr[1];
    String key = null;
    int k = address.lastIndexOf(":key=");
    if (k >= 0) {
      key = address.substring(k + 5);
      address = address.substring(0, k);
    }
    return new Remote(zr[0], Flags.hostPort(flag, address), key);
  }

  private static String[] zoneAndRest(String flag, String value) {
    int colon = value.indexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new UsageException(flag + " needs ZONE:...: " + value);
    }
    return new String[] {value.substring(0, colon), value.substring(colon + 1)};
  }
}
