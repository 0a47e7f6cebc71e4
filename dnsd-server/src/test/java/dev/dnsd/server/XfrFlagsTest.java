package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.DnsServer;
import dev.dnsd.xfr.ZoneTransfers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/** The runnable server's transfer flags: what they build, and the errors bad values get. */
class XfrFlagsTest {
  private static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMw==";
  @TempDir Path dir;

  private Path secretFile() throws Exception {
    return SyncCluster.secretFile(dir, "xfr.key", SECRET + "\n");
  }

  private static Settings flags(String... args) {
    return TestFlags.settings(args);
  }

  @Test
  void noTransferFlagsMeansNoExtension() throws Exception {
    assertThat(XfrSettings.build(flags())).isNull();
  }

  @Test
  void aKeyFromAFileAllowsTransfersSignedWithIt() throws Exception {
    ZoneTransfers xfr = XfrSettings.build(flags(
        "--tsig-key", "xfr-key:hmac-sha256:" + secretFile(),
        "--allow-transfer", "demo.test:key=xfr-key",
        "--allow-update", "demo.test:key=xfr-key",
        "--notify", "demo.test:127.0.0.1:5399"));
    try (DnsServer server = DnsServer.builder().zone(DemoZone.zone()).extension(xfr).build().start()) {
      Name origin = DemoZone.ORIGIN;
      ZoneTransferIn signed = ZoneTransferIn.newAXFR(origin, server.address(),
          new TSIG(TSIG.HMAC_SHA256, Name.fromString("xfr-key."), SECRET));
      signed.run();
      assertThat(signed.getAXFR()).hasSize(DemoZone.zone().recordCount() + 1);
      ZoneTransferIn unsigned = ZoneTransferIn.newAXFR(origin, server.address(), null);
      assertThatThrownBy(unsigned::run).isInstanceOf(ZoneTransferException.class).hasMessageContaining("REFUSED");
    }
  }

  @Test
  void badValuesAreUsageErrorsThatSayWhatIsWrong() throws Exception {
    Path file = secretFile();
    assertThatThrownBy(() -> XfrSettings.build(flags("--tsig-key", "xfr-key:hmac-sha256")))
        .isInstanceOf(UsageException.class).hasMessageContaining("NAME:ALGORITHM:SECRET_FILE");
    assertThatThrownBy(() -> XfrSettings.build(flags("--tsig-key", "k:hmac-sha999:" + file)))
        .isInstanceOf(UsageException.class).hasMessageContaining("unknown TSIG algorithm");
    assertThatThrownBy(() -> XfrSettings.build(flags("--allow-transfer", "demo.test:key=nobody")))
        .isInstanceOf(UsageException.class).hasMessageContaining("nobody");
    assertThatThrownBy(() -> XfrSettings.build(flags("--allow-transfer", "demo.test:10.0.0.0/99")))
        .isInstanceOf(UsageException.class).hasMessageContaining("prefix length");
    assertThatThrownBy(() -> XfrSettings.build(flags("--allow-update", "demo.test:10.0.0.0/8")))
        .isInstanceOf(UsageException.class).hasMessageContaining("ZONE:key=NAME");
    assertThatThrownBy(() -> XfrSettings.build(flags("--secondary-zone", "demo.test:127.0.0.1")))
        .isInstanceOf(UsageException.class).hasMessageContaining("HOST:PORT");
  }

  @Test
  void aKeyFileOthersCanReadIsRefusedAndNamed() throws Exception {
    Path file = secretFile();
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> XfrSettings.build(flags("--tsig-key", "xfr-key:hmac-sha256:" + file)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("chmod 600")
        .hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> XfrSettings.build(flags("--tsig-key", "xfr-key:hmac-sha256:" + dir.resolve("none"))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void anEmptyKeyFileIsAUsageErrorNamingTheFile() throws Exception {
    Path file = secretFile();
    Files.writeString(file, "\n");
    assertThatThrownBy(() -> XfrSettings.build(flags("--tsig-key", "xfr-key:hmac-sha256:" + file)))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void helpListsTheTransferFlags() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Main.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--tsig-key NAME:ALGORITHM:SECRET_FILE")
        .contains("--allow-transfer ZONE:key=NAME | ZONE:PREFIX")
        .contains("--allow-update ZONE:key=NAME")
        .contains("--notify ZONE:HOST:PORT[:key=NAME]")
        .contains("--secondary-zone ZONE:HOST:PORT[:key=NAME]")
        .contains("--catalog ZONE")
        .contains("--catalog-group ZONE:GROUP")
        .contains("--catalog-coo ZONE:CATALOG")
        .contains("--catalog-consumer CATALOG:HOST:PORT[:key=NAME]");
  }

  @Test
  void catalogFlagsProduceACatalogListingTheZones() throws Exception {
    ZoneTransfers xfr = XfrSettings.build(flags(
        "--tsig-key", "xfr-key:hmac-sha256:" + secretFile(),
        "--catalog", "catalog.test",
        "--catalog-group", "demo.test:gold",
        "--allow-transfer", "catalog.test:key=xfr-key",
        "--notify", "catalog.test:127.0.0.1:5399:key=xfr-key"));
    try (DnsServer server = DnsServer.builder().zone(DemoZone.zone()).extension(xfr).build().start()) {
      var catalog = server.zones().get(Name.fromString("catalog.test."));
      assertThat(catalog).isNotNull();
      assertThat(catalog.records().toString()).contains("PTR\tdemo.test.").contains("TXT\tgold");
      // A member follows the catalog's transfer rule.
      ZoneTransferIn signed = ZoneTransferIn.newAXFR(DemoZone.ORIGIN, server.address(),
          new TSIG(TSIG.HMAC_SHA256, Name.fromString("xfr-key."), SECRET));
      signed.run();
      assertThat(signed.getAXFR()).isNotEmpty();
    }
  }

  @Test
  void badCatalogAndNotifyValuesAreUsageErrors() throws Exception {
    assertThatThrownBy(() -> XfrSettings.build(flags("--notify", "demo.test:127.0.0.1:53:key=nobody")))
        .isInstanceOf(UsageException.class).hasMessageContaining("nobody");
    assertThatThrownBy(() -> XfrSettings.build(flags("--catalog-group", "demo.test:gold")))
        .isInstanceOf(UsageException.class).hasMessageContaining("--catalog-group").hasMessageContaining("no --catalog");
    assertThatThrownBy(() -> XfrSettings.build(flags("--catalog", "c.test", "--catalog-group", "demo.test:two words")))
        .isInstanceOf(UsageException.class).hasMessageContaining("white space");
    assertThatThrownBy(() -> XfrSettings.build(flags("--catalog-consumer", "c.test:127.0.0.1")))
        .isInstanceOf(UsageException.class).hasMessageContaining("HOST:PORT");
  }
}
