package dev.dnsd.sync;

import java.io.IOException;

/** The other side of a sync connection refused a request or broke the protocol. */
public class SyncException extends IOException {
  /** Why, as the protocol's ERROR message codes it. */
  public enum Reason {
    BAD_MESSAGE(1),
    UNSUPPORTED_VERSION(2),
    AUTH_FAILED(3),
    FORBIDDEN(4),
    INVALID_CHANGE(5),
    STORE_FAILED(6),
    SHUTTING_DOWN(7),
    OVERLOADED(8),
    RELOAD_FAILED(9);

    final int code;

    Reason(int code) {
      this.code = code;
    }

    static Reason of(int code) {
      for (Reason r : values()) {
        if (r.code == code) {
          return r;
        }
      }
      return BAD_MESSAGE;
    }
  }

  private final Reason reason;

  public SyncException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
