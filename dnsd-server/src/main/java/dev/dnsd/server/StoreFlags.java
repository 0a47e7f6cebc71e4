package dev.dnsd.server;

import dev.dnsd.sqlite.SqliteRecordStore;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.store.RecordStore;
import java.nio.file.Path;
import java.util.Set;

/** {@code --db FILE} and {@code --memory}: which store a command works on. */
final class StoreFlags {
  static final String DEFAULT_DB = "dnsd.db";
  static final Set<String> VALUE_FLAGS = Set.of("--db");
  static final Set<String> SWITCHES = Set.of("--memory");
  static final String USAGE =
      """
        --db FILE            the SQLite store (default ./%s; created when missing)
        --memory             keep zones in memory only, nothing on disk
      """
          .formatted(DEFAULT_DB);

  private StoreFlags() {}

  /**
   * Opens the store the flags name.
   *
   * @throws dev.dnsd.store.StoreException naming the file when it cannot be opened
   */
  static RecordStore open(Flags flags) {
    String db = flags.one("--db");
    if (flags.has("--memory")) {
      if (db != null) {
        throw new UsageException("--db and --memory exclude each other");
      }
      return new InMemoryRecordStore();
    }
    return SqliteRecordStore.open(Path.of(db == null ? DEFAULT_DB : db));
  }

  /** Where the store lives, as a person reads it. */
  static String describe(RecordStore store) {
    return store instanceof SqliteRecordStore sqlite ? sqlite.path().toString() : "memory";
  }
}
