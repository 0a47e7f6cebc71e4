/**
 * The engine behind the public API: the {@link dev.dnsd.internal.Responder} that turns query bytes
 * into answer bytes. Not a stable API; the transports and the builder are its callers.
 */
@NullMarked
package dev.dnsd.internal;

import org.jspecify.annotations.NullMarked;
