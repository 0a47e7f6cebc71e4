/**
 * dnsd's core: {@link dev.dnsd.DnsServer} and its extension hook, the zone model and zone files
 * ({@code dev.dnsd.zone}), the record store SPI ({@code dev.dnsd.store}), and DNSSEC policy and
 * keys ({@code dev.dnsd.dnssec}). The responder and transports ({@code dev.dnsd.internal}) are no
 * API: only dnsd's own modules may use that package.
 */
@SuppressWarnings("module") // the modules named in the qualified export are not compiled with this one
module dev.dnsd.core {
  requires transitive org.dnsjava;
  requires static transitive org.jspecify;
  requires org.slf4j;

  exports dev.dnsd;
  exports dev.dnsd.dnssec;
  exports dev.dnsd.store;
  exports dev.dnsd.zone;
  // The one builder rule (SetOnce) that dnsd's other modules follow too.
  exports dev.dnsd.internal to
      dev.dnsd.sqlite,
      dev.dnsd.sync,
      dev.dnsd.xfr;
  // The TCP event loop, which the sync port shares with DNS over TCP.
  exports dev.dnsd.internal.transport to
      dev.dnsd.sync;
}
