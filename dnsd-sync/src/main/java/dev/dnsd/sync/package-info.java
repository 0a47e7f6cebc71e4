/**
 * Replication and remote control: {@link dev.dnsd.sync.SyncPrimary} serves changes to
 * secondaries and control clients, {@link dev.dnsd.sync.SyncSecondary} keeps a server's store a
 * copy of a primary's, {@link dev.dnsd.sync.ControlClient} changes a primary's zones from another
 * process. The wire protocol is described in {@code dnsd-sync/PROTOCOL.md}.
 */
@NullMarked
package dev.dnsd.sync;

import org.jspecify.annotations.NullMarked;
