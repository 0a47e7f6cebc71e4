package dev.dnsd.server;

import dev.dnsd.ServerExtension;
import dev.dnsd.sync.ReloadHandler;
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
 * The replication settings: a primary's sync listener and its peers, or secondary mode, turned
 * into a {@link SyncPrimary} or a {@link SyncSecondary}. Secrets and passwords are read from files
 * so that they stay off command lines.
 */
final class SyncSettings {
  private SyncSettings() {}

  /**
   * The extension the settings ask for, or null when they ask for none.
   *
   * @param reload what a control client's reload does on a primary; null refuses it
   * @throws IOException naming a secret, peers or keystore file that cannot be used
   */
  static @Nullable ServerExtension build(Settings s, @Nullable ReloadHandler reload) throws IOException {
    if (s.isSecondary()) {
      return secondary(s);
    }
    List<At<?>> secondaryOnly = nonNull(s.name, s.secretFile, s.tlsTruststore);
    if (!secondaryOnly.isEmpty()) {
      Source at = secondaryOnly.get(0).source();
      throw at.invalid(at.name() + " is for a secondary and needs --primary HOST:PORT");
    }
    boolean peers = !s.peers.isEmpty() || !s.peersFiles.isEmpty();
    if (s.syncListen == null) {
      if (peers || s.tlsKeystore != null) {
        Source at = !s.peers.isEmpty() ? s.peers.get(0).source()
            : !s.peersFiles.isEmpty() ? s.peersFiles.get(0).source() : s.tlsKeystore.source();
        throw at.invalid("sync peers and TLS need --sync-listen HOST:PORT");
      }
      if (s.tlsPasswordFile != null) {
        throw s.tlsPasswordFile.source().invalid(
            s.tlsPasswordFile.source().name() + " needs --sync-tls-keystore or --sync-tls-truststore");
      }
      return null;
    }
    if (!peers) {
      throw s.syncListen.source().invalid(
          s.syncListen.source().name() + " needs at least one --peer NAME:ROLE:SECRET_FILE or --peers FILE");
    }
    return primary(s, reload);
  }

  private static SyncPrimary primary(Settings s, @Nullable ReloadHandler reload) throws IOException {
    SyncPrimary.Builder b = SyncPrimary.builder().listen(s.syncListen.value());
    List<Settings.Peer> peers = new ArrayList<>(s.peers);
    for (At<Path> file : s.peersFiles) {
      peers.addAll(peersFile(file.value(), file.source()));
    }
    for (Settings.Peer p : peers) {
      byte[] secret = SecretFiles.secret(p.secretFile());
      Role first = p.roles().iterator().next();
      Set<Role> rest = EnumSet.copyOf(p.roles());
      rest.remove(first);
      XfrSettings.apply(p.source(), () -> b.peer(p.name(), secret, first, rest.toArray(Role[]::new)), "");
    }
    SSLContext tls = tls(s, s.tlsKeystore, true);
    if (tls != null) {
      b.tls(tls);
    }
    if (reload != null) {
      b.onReload(reload);
    }
    return b.build();
  }

  private static SyncSecondary secondary(Settings s) throws IOException {
    List<At<?>> primaryOnly = new ArrayList<>(nonNull(s.syncListen, s.tlsKeystore));
    s.peers.forEach(p -> primaryOnly.add(new At<>(p, p.source())));
    primaryOnly.addAll(s.peersFiles);
    if (!primaryOnly.isEmpty()) {
      // A secondary's store versions are its primary's, so it cannot be a primary of its own.
      Source at = primaryOnly.get(0).source();
      throw at.invalid(at.name() + " is for a primary; a secondary (--primary) cannot take it");
    }
    if (s.name == null || s.secretFile == null) {
      throw s.primary.source().invalid(s.primary.source().name() + " needs --name NAME and --secret-file FILE");
    }
    SyncSecondary.Builder b =
        SyncSecondary.builder()
            .primary(s.primary.value())
            .name(s.name.value())
            .secret(SecretFiles.secret(s.secretFile.value()));
    SSLContext tls = tls(s, s.tlsTruststore, false);
    if (tls != null) {
      b.tls(tls);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw s.name.source().invalid(e.getMessage());
    }
  }

  private static @Nullable SSLContext tls(Settings s, @Nullable At<Path> store, boolean keystore) throws IOException {
    String storeFlag = keystore ? "--sync-tls-keystore" : "--sync-tls-truststore";
    At<Path> password = s.tlsPasswordFile;
    if (store == null) {
      if (password != null) {
        throw password.source().invalid(password.source().name() + " needs " + storeFlag);
      }
      return null;
    }
    if (password == null) {
      throw store.source().invalid(store.source().name() + " needs --sync-tls-password-file FILE");
    }
    return keystore
        ? TlsFiles.context(store.value(), null, password.value())
        : TlsFiles.context(null, store.value(), password.value());
  }

  @SafeVarargs
  private static List<At<?>> nonNull(@Nullable At<?>... settings) {
    List<At<?>> given = new ArrayList<>();
    for (At<?> a : settings) {
      if (a != null) {
        given.add(a);
      }
    }
    return given;
  }

  /** NAME ROLE SECRET_FILE per line; # starts a comment; relative paths are from the file's directory. */
  static List<Settings.Peer> peersFile(Path file, Source givenBy) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException(givenBy.at() + "cannot read peers file " + file + ": " + e, e);
    }
    Path dir = file.toAbsolutePath().getParent();
    List<Settings.Peer> peers = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String[] fields = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
      if (fields.length == 1 && fields[0].isEmpty()) {
        continue;
      }
      Source at = new Source(file, i + 1, "peer");
      if (fields.length != 3) {
        throw at.invalid("expected NAME ROLE SECRET_FILE, got '" + line.trim() + "'");
      }
      peers.add(new Settings.Peer(fields[0], Settings.roles(fields[1], at, file + ":" + (i + 1)), dir.resolve(fields[2]), at));
    }
    if (peers.isEmpty()) {
      throw givenBy.invalid("peers file " + file + " names no peer");
    }
    return peers;
  }
}
