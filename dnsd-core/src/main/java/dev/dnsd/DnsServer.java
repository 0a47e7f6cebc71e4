package dev.dnsd;

import dev.dnsd.store.RecordStore;
import java.net.InetSocketAddress;
import java.util.List;

/** An authoritative DNS server. Being written; the builder and transports come next. */
public final class DnsServer implements AutoCloseable {
  private final RecordStore store;

  private DnsServer(RecordStore store) {
    this.store = store;
  }

  public RecordStore store() {
    return store;
  }

  public List<InetSocketAddress> udpAddresses() {
    return List.of();
  }

  public List<InetSocketAddress> tcpAddresses() {
    return List.of();
  }

  @Override
  public void close() {}
}
