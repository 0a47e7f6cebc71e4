package dev.dnsd.zone;

/**
 * A zone, a change or a zone file that breaks a rule of zone content (RFC 1035, RFC 2181): the
 * message says which rule and which record. Nothing was changed when it is thrown.
 */
public class InvalidZoneException extends RuntimeException {
  public InvalidZoneException(String message) {
    super(message);
  }

  public InvalidZoneException(String message, Throwable cause) {
    super(message, cause);
  }
}
