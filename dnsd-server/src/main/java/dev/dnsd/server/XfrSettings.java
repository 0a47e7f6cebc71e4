package dev.dnsd.server;

import dev.dnsd.xfr.TsigKey;
import dev.dnsd.xfr.ZoneTransfers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * The zone transfer, UPDATE, NOTIFY and catalog zone settings, turned into a {@link ZoneTransfers}
 * extension.
 * Secrets are read from files so that they stay off command lines. The builder checks each setting
 * (an ACL naming an unknown key, a bad prefix); its complaint is reported with where the setting
 * was given.
 */
final class XfrSettings {
  private XfrSettings() {}

  /** Whether any of these settings was given. */
  static boolean any(Settings s) {
    return !s.tsigKeys.isEmpty() || !s.allowTransfer.isEmpty() || !s.allowUpdate.isEmpty()
        || !s.notify.isEmpty() || !s.secondaryZones.isEmpty() || s.catalog != null
        || !s.catalogGroups.isEmpty() || !s.catalogCoo.isEmpty() || !s.catalogConsumers.isEmpty();
  }

  /**
   * The extension the settings ask for, or null when they ask for none.
   *
   * @throws IOException naming a key file that cannot be read or is open to others
   */
  static @Nullable ZoneTransfers build(Settings s) throws IOException {
    if (!any(s)) {
      return null;
    }
    ZoneTransfers.Builder b = ZoneTransfers.builder();
    for (Settings.TsigKey key : s.tsigKeys) {
      String secret = SecretFiles.tsigSecret(key.secretFile());
      apply(key.source(), () -> b.tsigKey(TsigKey.of(key.name(), key.algorithm(), secret)),
          " (file " + key.secretFile() + ")");
    }
    for (Settings.TransferAcl acl : s.allowTransfer) {
      String zone = acl.zone().toString();
      apply(acl.source(), () -> {
        if (acl.key() != null) {
          b.allowTransferKey(zone, acl.key());
        } else {
          b.allowTransfer(zone, acl.prefix());
        }
      }, "");
    }
    for (Settings.UpdateAcl acl : s.allowUpdate) {
      apply(acl.source(), () -> b.allowUpdate(acl.zone().toString(), acl.key()), "");
    }
    for (Settings.Notify n : s.notify) {
      apply(n.source(), () -> b.notify(n.zone().toString(), n.target(), n.key()), "");
    }
    for (Settings.SecondaryZone z : s.secondaryZones) {
      apply(z.source(), () -> b.secondaryZone(z.zone().toString(), z.primary(), z.key()), "");
    }
    At<Name> catalog = s.catalog;
    if (catalog == null) {
      Source first = !s.catalogGroups.isEmpty() ? s.catalogGroups.get(0).source()
          : !s.catalogCoo.isEmpty() ? s.catalogCoo.get(0).source() : null;
      if (first != null) {
        throw first.invalid(first.name() + " sets a property of a catalog member, but no --catalog (catalog) is produced");
      }
    } else {
      apply(catalog.source(), () -> b.catalog(catalog.value().toString()), "");
    }
    for (Settings.CatalogGroup g : s.catalogGroups) {
      apply(g.source(), () -> b.catalogGroup(g.zone().toString(), g.group()), "");
    }
    for (Settings.CatalogCoo c : s.catalogCoo) {
      apply(c.source(), () -> b.catalogChangeOfOwnership(c.zone().toString(), c.newCatalog().toString()), "");
    }
    for (Settings.CatalogConsumer c : s.catalogConsumers) {
      apply(c.source(), () -> b.catalogConsumer(c.catalog().toString(), c.primary(), c.key()), "");
    }
    checkKeyReferences(s);
    try {
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /**
   * The builder refuses a reference to a key it was not given, too, but without saying where the
   * reference was written; this check does, before it.
   */
  private static void checkKeyReferences(Settings s) {
    Set<Name> defined = new HashSet<>();
    for (Settings.TsigKey key : s.tsigKeys) {
      defined.add(Settings.zone(key.source(), key.name()));
    }
    List<At<String>> references = new ArrayList<>();
    s.allowTransfer.stream().filter(a -> a.key() != null).forEach(a -> references.add(new At<>(a.key(), a.source())));
    s.allowUpdate.forEach(a -> references.add(new At<>(a.key(), a.source())));
    s.secondaryZones.stream().filter(z -> z.key() != null).forEach(z -> references.add(new At<>(z.key(), z.source())));
    s.notify.stream().filter(n -> n.key() != null).forEach(n -> references.add(new At<>(n.key(), n.source())));
    s.catalogConsumers.stream().filter(c -> c.key() != null).forEach(c -> references.add(new At<>(c.key(), c.source())));
    for (At<String> ref : references) {
      if (!defined.contains(Settings.zone(ref.source(), ref.value()))) {
        throw ref.source().invalid(ref.source().name() + " names the TSIG key " + ref.value()
            + ", which no --tsig-key (tsig-keys) defines");
      }
    }
  }

  /** Runs one builder call; what the builder refuses is a usage error naming the setting. */
  static void apply(Source source, Runnable call, String suffix) {
    try {
      call.run();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw source.invalid((source.file() == null ? "" : source.name() + ": ") + e.getMessage() + suffix);
    }
  }
}
