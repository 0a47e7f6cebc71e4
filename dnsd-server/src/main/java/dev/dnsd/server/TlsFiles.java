package dev.dnsd.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/** TLS contexts from PKCS#12 files, for the sync listener and its clients. */
final class TlsFiles {
  private TlsFiles() {}

  /**
   * A TLS context whose key comes from {@code keystore} (the primary's side) or whose trusted
   * certificates come from {@code truststore} (a secondary's or control client's side); the one
   * password opens whichever is given.
   *
   * @throws IOException naming the file that cannot be read, or is not PKCS#12, or has another password
   */
  static SSLContext context(@Nullable Path keystore, @Nullable Path truststore, Path passwordFile)
      throws IOException {
    char[] password = SecretFiles.password(passwordFile);
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      KeyManagerFactory keys = null;
      if (keystore != null) {
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(keystore, password), password);
      }
      TrustManagerFactory trust = null;
      if (truststore != null) {
        trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(truststore, password));
      }
      context.init(
          keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password);
    } catch (NoSuchFileException e) {
      throw new IOException("keystore " + file + " does not exist", e);
    } catch (IOException e) {
      // A wrong password and a file that is not PKCS#12 both end here.
      throw new IOException("cannot open PKCS#12 keystore " + file + ": " + e.getMessage(), e);
    }
    return store;
  }
}
