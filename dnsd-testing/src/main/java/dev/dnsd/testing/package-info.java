/**
 * Test helpers for code that talks DNS: {@link dev.dnsd.testing.DnsTestServer}, a real dnsd server
 * on a free loopback port with zones written as master-file text, and the JUnit 5 extension that
 * starts and closes it ({@link dev.dnsd.testing.StartStop}, {@link dev.dnsd.testing.DnsZone}).
 */
@NullMarked
package dev.dnsd.testing;

import org.jspecify.annotations.NullMarked;
