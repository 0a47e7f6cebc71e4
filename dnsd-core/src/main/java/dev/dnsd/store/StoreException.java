package dev.dnsd.store;

/** The store could not read or write its durable state; a failed commit changed nothing. */
public class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
