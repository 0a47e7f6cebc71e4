package dev.dnsd.zone;

/**
 * A zone, a change or a zone file that breaks a rule of zone content (RFC 1035, RFC 2181): the
 * message says which rule and which record. Nothing was changed when it is thrown.
 */
public class InvalidZoneException extends RuntimeException {
  /**
   * A broken rule.
   *
   * @param message the rule broken, and by what
   */
  public InvalidZoneException(String message) {
    super(message);
  }

  /**
   * A broken rule found through another failure.
   *
   * @param message the rule broken, and by what
   * @param cause the failure underneath
   */
  public InvalidZoneException(String message, Throwable cause) {
    super(message, cause);
  }
}
