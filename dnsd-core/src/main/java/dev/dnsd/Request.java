package dev.dnsd;

import java.net.InetSocketAddress;
import org.xbill.DNS.Message;

/**
 * A parsed request as a {@link ServerExtension} sees it.
 *
 * @param message the parsed message
 * @param wire exactly the bytes received, which a TSIG check needs
 * @param client the sender's address
 * @param tcp whether it came over TCP (a zone transfer may stream many messages only then)
 */
public record Request(Message message, byte[] wire, InetSocketAddress client, boolean tcp) {}
