package dev.dnsd.server;

import dev.dnsd.sync.SyncPrimary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads secrets (sync peer secrets, TSIG keys, keystore passwords) from files, so that they never appear on a
 * command line, where every local user can read them in the process list.
 */
final class SecretFiles {
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

  private SecretFiles() {}

  /**
   * A sync shared secret: the file's bytes without a trailing newline, at least {@link
   * SyncPrimary#MIN_SECRET_BYTES} of them.
   *
   * @throws IOException naming the file when it is missing, too short, or open to group or others
   */
  static byte[] secret(Path file) throws IOException {
    byte[] bytes = read(file);
    if (bytes.length < SyncPrimary.MIN_SECRET_BYTES) {
      throw new IOException(
          "secret file " + file + " holds " + bytes.length + " bytes; use at least " + SyncPrimary.MIN_SECRET_BYTES
              + " random ones, e.g. head -c 32 /dev/urandom | base64 > " + file);
    }
    return bytes;
  }

  /** A TSIG key's base64 secret: the file's text without a trailing newline. */
  static String tsigSecret(Path file) throws IOException {
    byte[] bytes = read(file);
    String text = new String(bytes, java.nio.charset.StandardCharsets.US_ASCII);
    Arrays.fill(bytes, (byte) 0);
    return text;
  }

  /**
   * A server cookie secret (RFC 9018): 32 hex digits, the 16 bytes servers that accept each
   * other's cookies share.
   *
   * @throws IOException naming the file when it holds anything else
   */
  static byte[] cookieSecret(Path file) throws IOException {
    byte[] bytes = read(file);
    String text = new String(bytes, java.nio.charset.StandardCharsets.US_ASCII).strip();
    Arrays.fill(bytes, (byte) 0);
    if (!text.matches("[0-9a-fA-F]{32}")) {
      throw new IOException("cookie secret file " + file + " must hold 32 hex digits (16 bytes),"
          + " e.g. head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n' > " + file);
    }
    return java.util.HexFormat.of().parseHex(text);
  }

  /** A keystore password: the file's text without a trailing newline. */
  static char[] password(Path file) throws IOException {
    byte[] bytes = read(file);
    char[] chars = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).toCharArray();
    Arrays.fill(bytes, (byte) 0);
    return chars;
  }

  private static byte[] read(Path file) throws IOException {
    checkPermissions(file);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException("secret file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IOException("cannot read secret file " + file + ": " + e, e);
    }
    int end = bytes.length;
    if (end > 0 && bytes[end - 1] == '\n') {
      end--;
      if (end > 0 && bytes[end - 1] == '\r') {
        end--;
      }
    }
    byte[] trimmed = Arrays.copyOf(bytes, end);
    Arrays.fill(bytes, (byte) 0);
    return trimmed;
  }

  // Like ssh with its private keys: a secret others can read is no longer a secret, so refuse it
  // rather than run with it; on file systems without POSIX permissions there is nothing to check.
  private static void checkPermissions(Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null || !Files.exists(file)) {
      return;
    }
    Set<PosixFilePermission> permissions = view.readAttributes().permissions();
    if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
      throw new IOException(
          "secret file " + file + " is open to group or others (" + PosixFilePermissions.toString(permissions)
              + "); run chmod 600 " + file);
    }
  }
}
