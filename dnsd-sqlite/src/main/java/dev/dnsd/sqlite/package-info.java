/**
 * A durable {@link dev.dnsd.store.RecordStore} on SQLite: {@link dev.dnsd.sqlite.SqliteRecordStore}.
 */
@NullMarked
package dev.dnsd.sqlite;

import org.jspecify.annotations.NullMarked;
