package dev.dnsd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: help, usage errors, and errors in zone files, without starting a server. */
class MainTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsTheFlags() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--listen HOST:PORT").contains("--zones DIR").contains("--memory").contains("--threads N");
  }

  @Test
  void unknownFlagIsAUsageError() {
    assertThat(run("--frobnicate")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown flag --frobnicate");
  }

  @Test
  void badListenAddressIsAUsageError() {
    assertThat(run("--listen", "::1:53")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("brackets");
    assertThat(run("--listen", "127.0.0.1:99999")).isEqualTo(2);
  }

  @Test
  void badThreadsIsAUsageError() {
    assertThat(run("--threads", "zero")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--threads");
  }

  @Test
  void aBadZoneFileNamesFileAndLine() throws Exception {
    Path zones = Files.createDirectories(dir.resolve("zones"));
    Path file = zones.resolve("bad.test.zone");
    Files.writeString(file, "$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.300\n");
    assertThat(run("--zones", zones.toString(), "--listen", "127.0.0.1:0")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(file.toString()).contains(":4");
  }

  @Test
  void importThenExportRoundTripsAZoneThroughTheSqliteStore() throws Exception {
    Path file = dir.resolve("shop.test.zone");
    Files.writeString(file, "$TTL 300\n@ SOA ns h 7 2 3 4 5\n@ NS ns\nns A 192.0.2.1\nwww CNAME ns\n");
    String db = dir.resolve("store.db").toString();
    assertThat(run("import", file.toString(), "--db", db)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("imported 1 zone(s)").contains("version 1");
    out.reset();
    assertThat(run("export", "shop.test", "--db", db)).isZero();
    String exported = out.toString(StandardCharsets.UTF_8);
    assertThat(exported).startsWith("$ORIGIN shop.test.").contains("www\t\t300\tIN\tCNAME\tns.shop.test.");
    out.reset();
    assertThat(run("import", file.toString(), "--db", db)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("(no change)");
  }

  @Test
  void exportOfAMissingZoneFails() {
    assertThat(run("export", "nope.test", "--db", dir.resolve("empty.db").toString())).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no zone nope.test.");
  }

  @Test
  void aFileThatIsNotADnsdDatabaseIsRefusedByName() throws Exception {
    Path notDb = dir.resolve("notes.txt");
    Files.writeString(notDb, "not a database at all, but long enough to have a header of sorts\n".repeat(3));
    byte[] before = Files.readAllBytes(notDb);
    assertThat(run("export", "x.test", "--db", notDb.toString())).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(notDb.getFileName().toString());
    assertThat(Files.readAllBytes(notDb)).isEqualTo(before);
  }

  @Test
  void dbAndMemoryExcludeEachOther() {
    assertThat(run("--memory", "--db", "x.db")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("exclude");
  }

  @Test
  void aBadFileToImportChangesNothing() throws Exception {
    Path good = dir.resolve("good.test.zone");
    Files.writeString(good, "$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n");
    Path bad = dir.resolve("bad.test.zone");
    Files.writeString(bad, "$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns CNAME x\nns A 192.0.2.1\n");
    String db = dir.resolve("store.db").toString();
    assertThat(run("import", good.toString(), bad.toString(), "--db", db)).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad.test.zone:5");
    assertThat(run("export", "good.test", "--db", db)).isEqualTo(1);
  }

  @Test
  void twoFilesOfOneZoneToImportChangeNothing() throws Exception {
    Path first = dir.resolve("one.test.zone");
    Files.writeString(first, "$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n");
    Path second = dir.resolve("again.zone");
    Files.writeString(second, "$ORIGIN one.test.\n$TTL 300\n@ SOA ns h 2 2 3 4 5\n@ NS ns\nns A 192.0.2.2\n");
    String db = dir.resolve("store.db").toString();
    assertThat(run("import", first.toString(), second.toString(), "--db", db)).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(second + ":1: zone one.test. is also in " + first);
    assertThat(run("export", "one.test", "--db", db)).isEqualTo(1);
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void aListenAddressInUseIsNamedOnce() throws Exception {
    try (java.net.DatagramSocket taken = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThat(run("--memory", "--listen", "127.0.0.1:" + port)).isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .contains("cannot listen on UDP 127.0.0.1:" + port + ": ")
          .doesNotContain("cannot listen: cannot listen");
    }
  }
}
