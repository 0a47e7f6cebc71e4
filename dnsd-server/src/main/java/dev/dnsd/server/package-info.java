/**
 * The runnable server {@code dnsd.jar}: its commands (picocli), the settings that flags and the
 * YAML config file fill, reload without restart, and the demo zone.
 */
@NullMarked
package dev.dnsd.server;

import org.jspecify.annotations.NullMarked;
