/**
 * Sockets and threads: DNS over UDP and TCP on the addresses a server listens on, each request
 * handed to a {@link dev.dnsd.internal.transport.QueryHandler} (the responder, in a running
 * server). Nothing here reads a DNS message beyond the TCP length prefix; answering is the
 * responder's. Not a stable API.
 */
@NullMarked
package dev.dnsd.internal.transport;

import org.jspecify.annotations.NullMarked;
