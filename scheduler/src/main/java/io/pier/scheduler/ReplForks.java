package io.pier.scheduler;

import io.pier.common.cluster.ClusterState;
import io.pier.common.repl.ReplNames;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.store.StorageLayout;
import io.pier.scheduler.node.NodeClient;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Map;

/**
 * Forks a repl: a new repl of the caller's with the same template, limits and preview visibility, whose files are a
 * copy of the original's files made inside the store. A running original's node is first asked to store what it has
 * not yet (it writes changes behind), so the fork has what the user saved. Never copied: its environment and secrets,
 * its labels, its timeout.
 */
final class ReplForks {
  private static final String SUFFIX = " (fork)";

  private final ClusterState cluster;
  private final NodeClient nodes;
  private final ReplRegistry registry;
  private final ReplCreation creation;
  private final StorageCopy copies;
  private final Clock clock;

  ReplForks(
      ClusterState cluster,
      NodeClient nodes,
      ReplRegistry registry,
      ReplCreation creation,
      StorageCopy copies,
      Clock clock) {
    this.cluster = cluster;
    this.nodes = nodes;
    this.registry = registry;
    this.creation = creation;
    this.copies = copies;
    this.clock = clock;
  }

  /**
   * @param title       the fork's title; null: the original's (or its slug) with " (fork)"
   * @param description the fork's description; null: the original's
   */
  Future<ReplRecord> fork(
      String slug, String owner, String title, String description, boolean capped) {
    return registry
        .get(slug)
        .compose(original -> stored(original).map(original))
        .compose(
            original ->
                creation.create(
                    newSlug ->
                        new ReplRecord(
                            newSlug,
                            original.template(),
                            owner,
                            ReplState.CREATING,
                            null,
                            clock.instant(),
                            clock.instant(),
                            original.limits(),
                            original.visibility(),
                            Map.of(),
                            null,
                            title != null ? title : forkTitle(original),
                            description != null ? description : original.description()),
                    capped,
                    newSlug ->
                        copies.copy(
                            StorageLayout.replFiles(slug),
                            StorageLayout.replFiles(newSlug),
                            relative -> true),
                    "a fork of " + slug));
  }

  /** Asks the node a running repl is on to store its pending changes; nothing to do for one not running. */
  private Future<Void> stored(ReplRecord original) {
    if (original.state() != ReplState.RUNNING || original.nodeId() == null)
      return Future.succeededFuture();
    return cluster
        .nodes()
        .get(original.nodeId())
        .compose(
            node ->
                node == null || !cluster.isAlive(node)
                    ? Future.succeededFuture()
                    : nodes.storeNow(node, original.slug()));
  }

  /** "<title> (fork)", within the longest title a repl may have. */
  static String forkTitle(ReplRecord original) {
    String base = original.title() != null ? original.title() : original.slug();
    int room = ReplNames.MAX_TITLE - SUFFIX.length();
    return (base.length() > room ? base.substring(0, room).trim() : base) + SUFFIX;
  }
}
