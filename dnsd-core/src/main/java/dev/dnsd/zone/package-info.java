/**
 * The immutable read model: {@link dev.dnsd.zone.Zone} snapshots, the {@link
 * dev.dnsd.zone.ZoneTable} that finds a zone by longest suffix, and zone-file import and export in
 * {@link dev.dnsd.zone.ZoneFiles}.
 */
@NullMarked
package dev.dnsd.zone;

import org.jspecify.annotations.NullMarked;
