/**
 * The embedding API: {@link dev.dnsd.DnsServer} and its builder, and the {@link
 * dev.dnsd.ServerExtension} hook through which replication and zone transfers plug in.
 */
@NullMarked
package dev.dnsd;

import org.jspecify.annotations.NullMarked;
