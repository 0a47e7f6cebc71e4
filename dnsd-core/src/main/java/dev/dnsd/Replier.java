package dev.dnsd;

import java.io.IOException;
import org.xbill.DNS.Message;

/** Sends the answers to one {@link Request}: one over UDP, one or more over TCP. */
public interface Replier {
  /** Sends an encoded message; over UDP it must fit the client's limit. */
  void send(byte[] wire) throws IOException;

  /** Encodes and sends a message (over UDP cut to the client's limit, with TC set). */
  void send(Message message) throws IOException;
}
