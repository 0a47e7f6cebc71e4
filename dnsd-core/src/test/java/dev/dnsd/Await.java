package dev.dnsd;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, checking it every few milliseconds. */
public final class Await {
  private Await() {}

  /** Returns once the condition holds; fails with the description when the deadline passes. */
  public static void until(String description, Duration timeout, BooleanSupplier condition) {
    await(description, timeout, condition::getAsBoolean, false);
  }

  /**
   * As {@link #until}, for a condition that may throw: an exception counts as "not yet" (a server
   * still starting), and the last one is the cause of the failure when the deadline passes.
   */
  public static void untilNoException(String description, Duration timeout, Callable<Boolean> condition) {
    await(description, timeout, condition, true);
  }

  private static void await(
      String description, Duration timeout, Callable<Boolean> condition, boolean exceptionsMeanNotYet) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      try {
        if (condition.call()) {
          return;
        }
      } catch (RuntimeException e) {
        if (!exceptionsMeanNotYet) {
          throw e;
        }
        last = e;
      } catch (Exception e) {
        last = e; // only a Callable from untilNoException throws checked exceptions
      }
      if (System.nanoTime() > deadline) {
        AssertionError failure = new AssertionError("timed out after " + timeout + " waiting for: " + description);
        if (last != null) {
          failure.initCause(last);
        }
        throw failure;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }
}
