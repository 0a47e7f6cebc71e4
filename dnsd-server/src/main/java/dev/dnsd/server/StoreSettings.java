package dev.dnsd.server;

import dev.dnsd.sqlite.SqliteRecordStore;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.store.RecordStore;
import java.nio.file.Path;

/** Which store the settings name: {@code --db FILE} (the default ./dnsd.db) or {@code --memory}. */
final class StoreSettings {
  static final String DEFAULT_DB = "dnsd.db";

  private StoreSettings() {}

  /** Whether the store is in memory; checks that it is not also a file. */
  static boolean inMemory(Settings settings) {
    if (settings.memory != null && settings.db != null) {
      Source at = settings.db.source();
      throw at.invalid(settings.memory.source().name() + " and " + at.name() + " exclude each other");
    }
    return settings.memory != null && settings.memory.value();
  }

  /** The SQLite file the settings name (the default when none), or null for memory. */
  static Path dbFile(Settings settings) {
    return settings.db == null ? Path.of(DEFAULT_DB) : settings.db.value();
  }

  /**
   * Opens the store the settings name.
   *
   * @throws dev.dnsd.store.StoreException naming the file when it cannot be opened
   */
  static RecordStore open(Settings settings) {
    return inMemory(settings) ? new InMemoryRecordStore() : SqliteRecordStore.open(dbFile(settings));
  }

  /** Where the store lives, as a person reads it. */
  static String describe(RecordStore store) {
    return store instanceof SqliteRecordStore sqlite ? sqlite.path().toString() : "memory";
  }
}
