package dev.dnsd.sync;

/** Bytes that do not follow the protocol; the connection is closed. */
final class ProtocolException extends SyncException {
  ProtocolException(String message) {
    super(Reason.BAD_MESSAGE, message);
  }
}
