package dev.dnsd.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dnsd.TestRecords;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/**
 * One audit line per commit, through the {@code dev.dnsd.audit} logger: the version, who made the
 * change ({@link ChangeSet#origin()}) and the zones it touched. The test binding (slf4j-simple)
 * writes it to standard error, where it is read here.
 */
class AuditLogTest {
  private static final Name OTHER = TestRecords.name("other.test.");

  private static List<String> auditLines(Runnable commits) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      commits.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(AbstractRecordStore.AUDIT_LOG)).toList();
  }

  @Test
  @DisplayName("each commit: its version, its origin (api by default) and each zone with what happened to it")
  void versionOriginAndZones() {
    try (InMemoryRecordStore store = new InMemoryRecordStore()) {
      List<String> lines = auditLines(() -> {
        store.commit(ChangeSet.builder().createZone(TestRecords.ORIGIN, TestRecords.zoneRecords(TestRecords.ORIGIN, 1)).build());
        store.commit(ChangeSet.builder()
            .origin("control peer admin from 127.0.0.1:40000")
            .add(TestRecords.rr("www", 300, "A", "192.0.2.1"))
            .createZone(OTHER, TestRecords.zoneRecords(OTHER, 1))
            .build());
        store.commit(ChangeSet.builder().origin("reload").deleteZone(OTHER).build());
      });
      assertThat(lines).hasSize(3);
      assertThat(lines.get(0)).contains("INFO").endsWith("version 1 by api: example.com. created");
      assertThat(lines.get(1))
          .endsWith("version 2 by control peer admin from 127.0.0.1:40000: example.com. modified, other.test. created");
      assertThat(lines.get(2)).endsWith("version 3 by reload: other.test. deleted");
    }
  }

  @Test
  @DisplayName("a commit that sets only metadata names its keys; one that changes nothing, or fails, has no line")
  void metadataEmptyAndFailed() {
    try (InMemoryRecordStore store = new InMemoryRecordStore()) {
      List<String> lines = auditLines(() -> {
        store.commit(ChangeSet.builder().origin("replication").meta("dnsd.sync.id", "x").meta("a", "b").build());
        store.commit(ChangeSet.builder().build());
        assertThatThrownBy(() -> store.commit(ChangeSet.builder().origin("bad").deleteZone(OTHER).build()))
            .isInstanceOf(RuntimeException.class);
      });
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0)).endsWith("version 1 by replication: no zone changed; metadata a, dnsd.sync.id");
    }
  }

  @Test
  @DisplayName("an origin is one line of text")
  void originIsOneLine() {
    assertThatThrownBy(() -> ChangeSet.builder().origin("two\nlines")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChangeSet.builder().origin(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThat(ChangeSet.builder().build().origin()).isEqualTo(ChangeSet.DEFAULT_ORIGIN);
  }
}
