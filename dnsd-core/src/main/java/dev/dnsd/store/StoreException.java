package dev.dnsd.store;

/** The store could not read or write its durable state; a failed commit changed nothing. */
public class StoreException extends RuntimeException {
  /**
   * A failure without a cause.
   *
   * @param message what failed
   */
  public StoreException(String message) {
    super(message);
  }

  /**
   * A failure with its cause.
   *
   * @param message what failed
   * @param cause the failure underneath
   */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
