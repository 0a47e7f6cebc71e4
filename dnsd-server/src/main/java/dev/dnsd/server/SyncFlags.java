package dev.dnsd.server;

import dev.dnsd.ServerExtension;
import dev.dnsd.sync.Role;
import dev.dnsd.sync.SyncPrimary;
import dev.dnsd.sync.SyncSecondary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * The replication flags of {@code dnsd.jar}: a primary's sync listener and its peers, or secondary
 * mode, turned into a {@link SyncPrimary} or a {@link SyncSecondary}. Secrets and passwords are read
 * from files so that they stay off command lines.
 */
final class SyncFlags {
  static final Set<String> VALUE_FLAGS =
      Set.of(
          "--sync-listen", "--peer", "--peers", "--primary", "--name", "--secret-file",
          "--sync-tls-keystore", "--sync-tls-truststore", "--sync-tls-password-file");

  static final String USAGE =
      """
        --sync-listen HOST:PORT
                             be a primary: accept sync peers (secondaries, control clients)
                             on this TCP address (port 0 picks a free port)
        --peer NAME:ROLE:SECRET_FILE
                             a sync peer; ROLE is secondary, control or secondary+control;
                             the file holds the shared secret (repeatable)
        --peers FILE         sync peers from a file, one per line: NAME ROLE SECRET_FILE
                             (# starts a comment; relative paths are from FILE's directory)
        --primary HOST:PORT  be a secondary of the primary with this sync address; its zones
                             replace the store's (no --zones, no demo zone)
        --name NAME          this secondary's peer name, as the primary knows it
        --secret-file FILE   this secondary's shared secret
        --sync-tls-keystore FILE
                             primary: serve sync over TLS with the key in this PKCS#12 file
        --sync-tls-truststore FILE
                             secondary: connect over TLS, trusting the certificates in this
                             PKCS#12 file
        --sync-tls-password-file FILE
                             the password of the keystore or trust store
      """;

  private SyncFlags() {}

  /** Whether the flags make this server a secondary, whose store belongs to replication. */
  static boolean isSecondary(Flags flags) {
    return flags.has("--primary");
  }

  /** The extension the flags ask for, or null when none of them was given. */
  static @Nullable ServerExtension build(Flags flags) throws IOException {
    if (isSecondary(flags)) {
      return secondary(flags);
    }
    for (String flag : List.of("--name", "--secret-file", "--sync-tls-truststore")) {
      if (flags.has(flag)) {
        throw new UsageException(flag + " is for a secondary and needs --primary HOST:PORT");
      }
    }
    boolean peers = flags.has("--peer") || flags.has("--peers");
    if (!flags.has("--sync-listen")) {
      if (peers || flags.has("--sync-tls-keystore")) {
        throw new UsageException("sync peers and TLS need --sync-listen HOST:PORT");
      }
      if (flags.has("--sync-tls-password-file")) {
        throw new UsageException("--sync-tls-password-file needs --sync-tls-keystore or --sync-tls-truststore");
      }
      return null;
    }
    if (!peers) {
      throw new UsageException("--sync-listen needs at least one --peer NAME:ROLE:SECRET_FILE or --peers FILE");
    }
    return primary(flags);
  }

  private static SyncPrimary primary(Flags flags) throws IOException {
    SyncPrimary.Builder b = SyncPrimary.builder().listen(Flags.hostPort("--sync-listen", flags.one("--sync-listen")));
    List<PeerLine> peers = new ArrayList<>();
    for (String v : flags.all("--peer")) {
      String[] parts = v.split(":", 3);
      if (parts.length != 3 || parts[0].isEmpty() || parts[2].isEmpty()) {
        throw new UsageException("--peer needs NAME:ROLE:SECRET_FILE: " + v);
      }
      peers.add(new PeerLine(parts[0], roles(parts[1], "--peer " + v), Path.of(parts[2])));
    }
    for (String file : flags.all("--peers")) {
      peers.addAll(peersFile(Path.of(file)));
    }
    try {
      for (PeerLine p : peers) {
        Role first = p.roles().iterator().next();
        Set<Role> rest = EnumSet.copyOf(p.roles());
        rest.remove(first);
        b.peer(p.name(), SecretFiles.secret(p.secretFile()), first, rest.toArray(Role[]::new));
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UsageException(e.getMessage());
    }
    SSLContext tls = tls(flags, "--sync-tls-keystore");
    if (tls != null) {
      b.tls(tls);
    }
    return b.build();
  }

  private static SyncSecondary secondary(Flags flags) throws IOException {
    for (String flag : List.of("--sync-listen", "--peer", "--peers", "--sync-tls-keystore")) {
      if (flags.has(flag)) {
        // A secondary's store versions are its primary's, so it cannot be a primary of its own.
        throw new UsageException(flag + " is for a primary; a secondary (--primary) cannot take it");
      }
    }
    String name = flags.one("--name");
    String secretFile = flags.one("--secret-file");
    if (name == null || secretFile == null) {
      throw new UsageException("--primary needs --name NAME and --secret-file FILE");
    }
    SyncSecondary.Builder b =
        SyncSecondary.builder()
            .primary(Flags.hostPort("--primary", flags.one("--primary")))
            .name(name)
            .secret(SecretFiles.secret(Path.of(secretFile)));
    SSLContext tls = tls(flags, "--sync-tls-truststore");
    if (tls != null) {
      b.tls(tls);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static @Nullable SSLContext tls(Flags flags, String storeFlag) throws IOException {
    String store = flags.one(storeFlag);
    String password = flags.one("--sync-tls-password-file");
    if (store == null) {
      if (password != null) {
        throw new UsageException("--sync-tls-password-file needs " + storeFlag);
      }
      return null;
    }
    if (password == null) {
      throw new UsageException(storeFlag + " needs --sync-tls-password-file FILE");
    }
    Path file = Path.of(store);
    return storeFlag.equals("--sync-tls-keystore")
        ? TlsFiles.context(file, null, Path.of(password))
        : TlsFiles.context(null, file, Path.of(password));
  }

  /** secondary, control, or both joined by '+'. */
  static Set<Role> roles(String text, String where) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : text.split("\\+", -1)) {
      switch (part) {
        case "secondary" -> roles.add(Role.SECONDARY);
        case "control" -> roles.add(Role.CONTROL);
        default -> throw new UsageException(
            "unknown role '" + part + "' in " + where + "; use secondary, control or secondary+control");
      }
    }
    return roles;
  }

  /** NAME ROLE SECRET_FILE per line; # starts a comment. */
  static List<PeerLine> peersFile(Path file) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException("cannot read peers file " + file + ": " + e, e);
    }
    Path dir = file.toAbsolutePath().getParent();
    List<PeerLine> peers = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String[] fields = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
      if (fields.length == 1 && fields[0].isEmpty()) {
        continue;
      }
      String where = file + ":" + (i + 1);
      if (fields.length != 3) {
        throw new UsageException(where + ": expected NAME ROLE SECRET_FILE, got '" + line.trim() + "'");
      }
      peers.add(new PeerLine(fields[0], roles(fields[1], where), dir.resolve(fields[2])));
    }
    if (peers.isEmpty()) {
      throw new UsageException("peers file " + file + " names no peer");
    }
    return peers;
  }

  record PeerLine(String name, Set<Role> roles, Path secretFile) {}
}
