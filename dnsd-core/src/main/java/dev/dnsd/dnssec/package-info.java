/**
 * DNSSEC for the zones a store signs: the {@link dev.dnsd.dnssec.DnssecPolicy} a zone is signed
 * by, its {@link dev.dnsd.dnssec.SigningKey}s (generated, or read from and written to BIND's key
 * files), and what a store reports of them ({@link dev.dnsd.dnssec.DnssecStatus}).
 *
 * <p>Signing is part of the write path: a commit to a signed zone carries the signatures and
 * denial-of-existence records of everything it changed, so these types meet the store in {@link
 * dev.dnsd.store.ChangeSet.Builder#sign} and the zone editor, never the transports.
 */
@NullMarked
package dev.dnsd.dnssec;

import org.jspecify.annotations.NullMarked;
