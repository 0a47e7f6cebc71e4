/**
 * {@link dev.dnsd.micrometer.DnsdMetrics}: a dnsd server's statistics as Micrometer meters.
 */
@NullMarked
package dev.dnsd.micrometer;

import org.jspecify.annotations.NullMarked;
