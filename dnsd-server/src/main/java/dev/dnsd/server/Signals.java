package dev.dnsd.server;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP through {@code sun.misc.Signal} (module jdk.unsupported), the only way a Java program
 * catches it. Reached by reflection, so that a JVM without it (or one started with {@code -Xrs})
 * still runs the server, only without reload by signal.
 */
final class Signals {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /**
   * Runs the action on each SIGHUP, instead of the JVM's default of exiting. The action must
   * return quickly: it runs on the JVM's signal thread.
   *
   * @return null when the action will run; otherwise why it will not
   */
  static @Nullable String onHangup(Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      InvocationHandler call = (Object proxy, Method method, Object[] args) -> {
        if (method.getName().equals("handle")) {
          action.run();
          return null;
        }
        return switch (method.getName()) {
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> "SIGHUP handler";
        };
      };
      Object hup = signal.getConstructor(String.class).newInstance("HUP");
      Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler}, call);
      Object previous = signal.getMethod("handle", signal, handler).invoke(null, hup, proxy);
      // A process started with SIGHUP ignored (nohup does that) keeps it ignored: the JVM
      // answers with the ignoring handler and never calls ours.
      if (previous == handler.getField("SIG_IGN").get(null)) {
        return "SIGHUP is ignored in this process (as under nohup)";
      }
      return null;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      log.debug("cannot catch SIGHUP", e);
      return "this JVM cannot catch SIGHUP";
    }
  }
}
