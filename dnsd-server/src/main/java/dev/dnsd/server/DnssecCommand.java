package dev.dnsd.server;

import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.dnssec.DnssecStatus;
import dev.dnsd.dnssec.KeyRole;
import dev.dnsd.dnssec.SigningKey;
import dev.dnsd.sqlite.SqliteRecordStore;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.zone.RRset;
import dev.dnsd.zone.Zone;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar dnsd.jar dnssec ...}: the DNSSEC keys of the zones a SQLite store signs. {@code
 * ds} and {@code keys} read the store's last commit, also while a server runs on it; {@code
 * rollover} and {@code confirm-ds} commit to the store, so they need it free (for a running server
 * the same is {@code control rollover} and {@code control confirm-ds}).
 */
@Command(
    name = "dnssec",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    synopsisSubcommandLabel = "COMMAND",
    description = "The DNSSEC keys of the zones a SQLite store signs (serve --dnssec ZONE signs one).",
    subcommands = {DnssecCommand.Ds.class, DnssecCommand.Keys.class, DnssecCommand.Rollover.class,
        DnssecCommand.ConfirmDs.class, DnssecCommand.ExportKeys.class, DnssecCommand.ImportKey.class},
    footerHeading = "%n",
    footer = {
      "A KSK or CSK rollover publishes the new key at once and its CDS/CDNSKEY once caches can "
          + "have seen it; put the new DS (dnssec ds) at the parent, then run confirm-ds, and the old "
          + "key goes once the parent's DS TTL has passed. ZSKs roll by themselves.",
      "",
      "Exit codes: 0 done, 1 refused or failed, 2 bad usage."
    })
final class DnssecCommand implements Callable<Integer> {
  @Option(names = "--db", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "the SQLite store (default ./" + StoreSettings.DEFAULT_DB + ")")
  Path db = Path.of(StoreSettings.DEFAULT_DB);

  @Override
  public Integer call() {
    throw new UsageException("dnssec needs a command: ds, keys, rollover, confirm-ds, export-keys or import-key");
  }

  private Name zone(String text) {
    return Settings.zone(Source.flag("dnssec"), text);
  }

  private boolean exists(PrintWriter err) {
    if (!Files.exists(db)) {
      err.println("dnsd: there is no database " + db);
      return false;
    }
    return true;
  }

  /** The DS records for the parent: the zone's CDS RRset (RFC 7344), else its SEP keys' digests. */
  private int ds(Name origin, PrintWriter out, PrintWriter err) {
    if (!exists(err)) {
      return 1;
    }
    Zone zone = SqliteRecordStore.readZones(db).get(origin);
    if (zone == null) {
      err.println("dnsd: no zone " + origin + " in " + db.toAbsolutePath());
      return 1;
    }
    RRset keys = zone.rrset(origin, Type.DNSKEY);
    if (keys == null) {
      err.println("dnsd: zone " + origin + " is not signed");
      return 1;
    }
    List<DSRecord> ds = new ArrayList<>();
    RRset cds = zone.rrset(origin, Type.CDS);
    if (cds != null) {
      for (Record r : cds.records()) {
        CDSRecord c = (CDSRecord) r;
        ds.add(new DSRecord(origin, c.getDClass(), c.getTTL(), c.getFootprint(), c.getAlgorithm(),
            c.getDigestID(), c.getDigest()));
      }
    } else {
      for (Record r : keys.records()) {
        DNSKEYRecord k = (DNSKEYRecord) r;
        if ((k.getFlags() & DNSKEYRecord.Flags.SEP_KEY) != 0) {
          ds.add(new DSRecord(origin, k.getDClass(), k.getTTL(), DSRecord.SHA256_DIGEST_ID, k));
        }
      }
    }
    ds.forEach(out::println);
    return 0;
  }

  private int keys(Name origin, PrintWriter out, PrintWriter err) {
    if (!exists(err)) {
      return 1;
    }
    Instant now = Instant.now();
    DnssecStatus status = SqliteRecordStore.readDnssec(db, origin, now);
    if (status == null) {
      err.println("dnsd: the store does not sign " + origin);
      return 1;
    }
    out.println(origin + " " + status.policy().algorithm() + " " + status.policy().keys() + " "
        + status.policy().denial() + ", next event " + at(status.nextEvent()));
    for (DnssecStatus.Key k : status.keys()) {
      out.println(String.format("%5d %-3s %-9s published %s, signing from %s%s%s", k.tag(), k.role(), k.state(),
          at(k.published()), at(k.active()), k.removal() == null ? "" : ", withdrawn " + at(k.removal()),
          k.awaitingDs() ? ", waits for confirm-ds" : ""));
    }
    return 0;
  }

  private int commit(ChangeSet changes, Name origin, PrintWriter out) {
    try (SqliteRecordStore store = SqliteRecordStore.open(db)) {
      store.commit(changes);
      DnssecStatus status = store.dnssec(origin);
      out.println("committed, version " + store.version());
      if (status != null) {
        status.ds().forEach(ds -> out.println("DS for the parent now: " + ds));
      }
    }
    return 0;
  }

  private static String at(Instant t) {
    return t.equals(Instant.MAX) ? "-" : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** One subcommand, run by the parent. */
  abstract static class Leaf implements Callable<Integer> {
    @ParentCommand DnssecCommand dnssec;
    @Spec CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }
  }

  @Command(name = "ds", mixinStandardHelpOptions = true,
      description = "Print the DS records the parent zone should hold for ZONE (its CDS RRset, SHA-256).")
  static final class Ds extends Leaf {
    @Parameters(paramLabel = "ZONE") String zone;

    @Override
    public Integer call() {
      return dnssec.ds(dnssec.zone(zone), out(), err());
    }
  }

  @Command(name = "keys", mixinStandardHelpOptions = true,
      description = "List ZONE's keys: tag, role, state (PUBLISHED, ACTIVE, RETIRED) and their times.")
  static final class Keys extends Leaf {
    @Parameters(paramLabel = "ZONE") String zone;

    @Override
    public Integer call() {
      return dnssec.keys(dnssec.zone(zone), out(), err());
    }
  }

  @Command(name = "rollover", mixinStandardHelpOptions = true,
      description = "Start a rollover of ZONE's KSK (the CSK, in a zone with one key) or ZSK; "
          + "with the store free (see control rollover for a running server).")
  static final class Rollover extends Leaf {
    @Parameters(index = "0", paramLabel = "ZONE") String zone;
    @Parameters(index = "1", paramLabel = "ksk|zsk") String role;

    @Override
    public Integer call() {
      Name origin = dnssec.zone(zone);
      KeyRole r = DnssecCommand.role(role);
      return dnssec.commit(ChangeSet.builder().rollover(origin, r).build(), origin, out());
    }
  }

  @Command(name = "confirm-ds", mixinStandardHelpOptions = true,
      description = "Say that the parent of ZONE now holds the new KSK's (or CSK's) DS: the old key "
          + "may go; with the store free (see control confirm-ds for a running server).")
  static final class ConfirmDs extends Leaf {
    @Parameters(paramLabel = "ZONE") String zone;

    @Override
    public Integer call() {
      Name origin = dnssec.zone(zone);
      return dnssec.commit(ChangeSet.builder().confirmDs(origin).build(), origin, out());
    }
  }

  @Command(name = "export-keys", mixinStandardHelpOptions = true,
      description = "Write ZONE's keys into DIR as BIND's K<zone>+<alg>+<tag>.key and .private files "
          + "(the .private ones readable by their owner only); also while a server runs on the store.")
  static final class ExportKeys extends Leaf {
    @Parameters(index = "0", paramLabel = "ZONE") String zone;
    @Parameters(index = "1", paramLabel = "DIR") Path directory;

    @Override
    public Integer call() throws IOException {
      Name origin = dnssec.zone(zone);
      if (!dnssec.exists(err())) {
        return 1;
      }
      List<SigningKey> keys = SqliteRecordStore.readKeys(dnssec.db, origin);
      if (keys.isEmpty()) {
        err().println("dnsd: the store does not sign " + origin);
        return 1;
      }
      Files.createDirectories(directory);
      for (SigningKey key : keys) {
        out().println(key.writeBind(directory));
      }
      return 0;
    }
  }

  @Command(name = "import-key", mixinStandardHelpOptions = true,
      description = "Add a key from BIND's files (either may be named) to ZONE as its KSK, ZSK or CSK: "
          + "a signed zone rolls to it; an unsigned one is signed with it (by the default policy, "
          + "its algorithm, and a new key of the other role for a KSK or ZSK); with the store free.")
  static final class ImportKey extends Leaf {
    @Parameters(index = "0", paramLabel = "ZONE") String zone;
    @Parameters(index = "1", paramLabel = "FILE") Path file;
    @Parameters(index = "2", paramLabel = "ksk|zsk|csk") String role;

    @Override
    public Integer call() throws IOException {
      Name origin = dnssec.zone(zone);
      KeyRole r;
      try {
        r = KeyRole.parse(role);
      } catch (IllegalArgumentException e) {
        throw new UsageException("import-key needs ksk, zsk or csk: " + role);
      }
      SigningKey key;
      try {
        key = SigningKey.readBind(file);
      } catch (IllegalArgumentException e) {
        err().println("dnsd: " + e.getMessage());
        return 1;
      }
      ChangeSet.Builder changes = ChangeSet.builder().importKey(origin, key, r);
      boolean signed;
      try (SqliteRecordStore store = SqliteRecordStore.open(dnssec.db)) {
        signed = store.dnssec(origin) != null;
        if (!signed) {
          changes.sign(origin, DnssecPolicy.builder().algorithm(key.algorithm())
              .keys(r == KeyRole.CSK ? DnssecPolicy.KeyScheme.CSK
                  : DnssecPolicy.KeyScheme.KSK_ZSK).build());
        }
      }
      return dnssec.commit(changes.build(), origin, out());
    }
  }

  /** ksk or zsk (csk is taken for ksk: a zone with one key rolls it as its KSK). */
  static KeyRole role(String text) {
    KeyRole r;
    try {
      r = KeyRole.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException("rollover needs ksk or zsk: " + text);
    }
    return r == KeyRole.CSK ? KeyRole.KSK : r;
  }
}
