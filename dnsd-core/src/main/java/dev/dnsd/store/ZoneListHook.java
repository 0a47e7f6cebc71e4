package dev.dnsd.store;

import dev.dnsd.zone.ZoneTable;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * Adds edits to every commit that creates or deletes zones, so that they are committed with it as
 * one change: how a catalog zone (RFC 9432) lists its member zones without ever disagreeing with
 * the zones served, even across a crash.
 *
 * <pre>{@code
 * RecordStore.Subscription hook = store.addZoneListHook((before, created, deleted) ->
 *     created.stream().map(zone -> (ChangeSet.Op) new ChangeSet.Add(memberRecord(zone))).toList());
 * }</pre>
 *
 * <p>It runs on the committing thread under the store's writer lock, while other commits wait:
 * it must be quick, do no I/O and never commit. An edit it returns that breaks a zone rule fails
 * the whole commit, so it must only return edits that apply to {@code before} as the change set
 * leaves it.
 */
@FunctionalInterface
public interface ZoneListHook {
  /**
   * The edits to add to a commit that creates or deletes zones.
   *
   * @param before the zones before this commit
   * @param created the origins the change set creates (a zone deleted and created again in the
   *     same change set is in neither set)
   * @param deleted the origins the change set deletes
   * @return the edits to apply after the change set's own; empty for none
   */
  List<ChangeSet.Op> amend(ZoneTable before, Set<Name> created, Set<Name> deleted);
}
