package dev.dnsd.server;

import java.net.InetSocketAddress;

/** A setting's value and where it was given. */
record At<T>(T value, Source source) {
  /** The value alone: two settings that say the same are the same, wherever they were given. */
  @Override
  public String toString() {
    return value instanceof InetSocketAddress a ? HostPort.format(a) : String.valueOf(value);
  }
}
