package dev.dnsd.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the store's connections are opened with, where it changes what a commit costs. */
class ConnectionSettingsTest {
  @TempDir Path dir;

  /**
   * The driver would otherwise run a query of its own after every INSERT, for {@code
   * getGeneratedKeys()}: a statement prepared, stepped and finalized per record written.
   */
  @Test
  void anInsertRunsNoQueryForGeneratedKeys() throws Exception {
    try (Connection conn = Opening.Connector.SQLITE.connect(dir.resolve("keys.db"), false, true)) {
      try (Statement st = conn.createStatement()) {
        st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
      }
      try (PreparedStatement insert = conn.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
        insert.setString(1, "x");
        assertThat(insert.executeUpdate()).isEqualTo(1);
        try (ResultSet keys = insert.getGeneratedKeys()) {
          assertThat(keys.next()).as("a generated key fetched after the INSERT").isFalse();
        }
      }
    }
  }
}
