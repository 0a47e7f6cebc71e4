/**
 * Standard zone transfers and their companions for a {@link dev.dnsd.DnsServer}: TSIG (RFC 8945),
 * AXFR (RFC 5936) and IXFR (RFC 1995) out, NOTIFY (RFC 1996) in and out, dynamic UPDATE (RFC
 * 2136), and secondary zones that follow a standard primary. Everything plugs in as one {@link
 * dev.dnsd.xfr.ZoneTransfers} extension.
 */
@NullMarked
package dev.dnsd.xfr;

import org.jspecify.annotations.NullMarked;
