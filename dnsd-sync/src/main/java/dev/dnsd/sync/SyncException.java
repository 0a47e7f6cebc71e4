package dev.dnsd.sync;

import java.io.IOException;

/** The other side of a sync connection refused a request or broke the protocol. */
public class SyncException extends IOException {
  /** Why, as the protocol's ERROR message codes it. */
  public enum Reason {
    /** A frame that could not be read. */
    BAD_MESSAGE(1),
    /** A protocol version the other side does not speak. */
    UNSUPPORTED_VERSION(2),
    /** The peer's name or secret was not accepted. */
    AUTH_FAILED(3),
    /** The peer lacks the role for the request. */
    FORBIDDEN(4),
    /** The change set breaks a zone rule. */
    INVALID_CHANGE(5),
    /** The primary's store could not commit. */
    STORE_FAILED(6),
    /** The primary is closing. */
    SHUTTING_DOWN(7),
    /** The primary has too much to do; try again later. */
    OVERLOADED(8),
    /** The primary's reload failed, or it has no reload handler. */
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

  /** Why the request failed. */
  private final Reason reason;

  /**
   * A refusal or failure the other side reported.
   *
   * @param reason why the request failed
   * @param message what the other side said
   */
  public SyncException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /**
   * Why the request failed.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}
