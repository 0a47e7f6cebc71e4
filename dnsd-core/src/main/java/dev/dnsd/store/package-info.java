/**
 * The {@link dev.dnsd.store.RecordStore} SPI: change sets in, versioned changes out, and the
 * in-memory implementation.
 */
@NullMarked
package dev.dnsd.store;

import org.jspecify.annotations.NullMarked;
