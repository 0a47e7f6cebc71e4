package dev.dnsd.sync;

/**
 * What a primary does when a control client asks it to reload ({@link ControlClient#reload()}):
 * typically re-read the host's configuration and zone files. The sync layer only carries the
 * request and the answer; what a reload means belongs to the program that runs the server.
 *
 * <pre>{@code
 * SyncPrimary sync = SyncPrimary.builder()
 *     .peer("admin", adminSecret, Role.CONTROL)
 *     .onReload(() -> "reloaded: " + reloadZoneFiles() + " zone(s) replaced")
 *     .build();
 * }</pre>
 *
 * <p>Runs on the requesting connection's thread; reloads from several control clients may run at
 * once, so an implementation that must not overlap itself serializes them.
 */
@FunctionalInterface
public interface ReloadHandler {
  /**
   * Reloads.
   *
   * @return one line for the control client saying what changed
   * @throws Exception whose message tells the control client why the reload failed; the handler
   *     is expected to have changed nothing then
   */
  String reload() throws Exception;
}
