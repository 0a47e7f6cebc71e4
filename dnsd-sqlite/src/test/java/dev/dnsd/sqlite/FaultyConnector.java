package dev.dnsd.sqlite;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Real SQLite connections with faults where a test plans them: a statement fails before SQLite
 * runs it (as a full disk fails a write) or after (as a failed fsync fails a COMMIT whose frames
 * are written), or opening a connection fails. It stands in for a file system that fills up or
 * fails, where none can be mounted.
 */
final class FaultyConnector implements Opening.Connector {
  /** A planned fault: the next statement whose SQL starts with {@code sql} fails with {@code code}. */
  private record Fault(String sql, boolean afterRunning, SQLiteErrorCode code) {}

  /** Planned faults, in the order they strike. */
  private final Queue<Fault> planned = new ConcurrentLinkedQueue<>();
  private final AtomicInteger failingConnects = new AtomicInteger();
  final AtomicInteger connects = new AtomicInteger();

  /** Then the next statement starting with {@code sql} fails instead of running. */
  void failBefore(String sql, SQLiteErrorCode code) {
    planned.add(new Fault(sql, false, code));
  }

  /** Then the next statement starting with {@code sql} runs, and reports that it failed. */
  void failAfter(String sql, SQLiteErrorCode code) {
    planned.add(new Fault(sql, true, code));
  }

  /** The next {@code count} connections cannot be opened. */
  void failConnects(int count) {
    failingConnects.set(count);
  }

  boolean faultPending() {
    return !planned.isEmpty();
  }

  @Override
  public Connection connect(Path at, boolean readOnly, boolean create) throws SQLException {
    connects.incrementAndGet();
    if (failingConnects.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new SQLiteException("injected: cannot open " + at, SQLiteErrorCode.SQLITE_CANTOPEN);
    }
    return wrap(Connection.class, Opening.Connector.SQLITE.connect(at, readOnly, create), null);
  }

  /** The statement SQL runs through this; throws the planned fault when it matches. */
  private void check(@Nullable String sql, boolean afterRunning) throws SQLException {
    Fault f = planned.peek();
    if (f != null && sql != null && f.afterRunning == afterRunning && sql.startsWith(f.sql)) {
      planned.remove();
      throw new SQLiteException("injected " + f.code + " at " + sql, f.code);
    }
  }

  private <T> T wrap(Class<T> type, T real, @Nullable String preparedSql) {
    InvocationHandler handler = (proxy, method, args) -> invoke(real, method, args, preparedSql);
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private Object invoke(Object real, Method method, Object @Nullable [] args, @Nullable String preparedSql)
      throws Throwable {
    String name = method.getName();
    boolean runs = name.startsWith("execute");
    String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : preparedSql;
    if (runs) {
      check(sql, false);
    }
    Object result;
    try {
      result = method.invoke(real, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    if (runs) {
      check(sql, true);
    }
    if (result instanceof PreparedStatement ps && name.equals("prepareStatement")) {
      return wrap(PreparedStatement.class, ps, (String) args[0]);
    }
    if (result instanceof Statement st && name.equals("createStatement")) {
      return wrap(Statement.class, st, null);
    }
    return result;
  }
}
