/** The runnable server {@code dnsd.jar}: its commands, flags and the demo zone. */
@NullMarked
package dev.dnsd.server;

import org.jspecify.annotations.NullMarked;
