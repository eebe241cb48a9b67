package io.pier.scheduler.placement;

import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.StringMap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link NodeTable} current: listens to {@code pier.nodes} and {@code pier.reservations} first, then reads
 * both whole, so no change falls in between; reads them whole again every {@link #RESYNC}, which repairs a table that
 * missed an event (an event that arrives during such a read wins over it, see {@link NodeTable#load}).
 */
public final class NodeTableFeed {
  /** How often both maps are read whole again: a safety net, the events carry every change. */
  static final Duration RESYNC = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(NodeTableFeed.class);

  private final ClusterState cluster;
  private final NodeTable table;
  private final AtomicBoolean resyncing = new AtomicBoolean();

  public NodeTableFeed(ClusterState cluster, NodeTable table) {
    this.cluster = cluster;
    this.table = table;
  }

  /** A table that follows the cluster from now on (a moment after, when called on an event loop). */
  public static NodeTable following(Vertx vertx, ClusterState cluster) {
    NodeTable table = new NodeTable();
    NodeTableFeed feed = new NodeTableFeed(cluster, table);
    if (Context.isOnEventLoopThread()) {
      // Registering a listener waits for every member of the cluster, which may take long while
      // members join:
      // never on an event loop (as ApiKeyTable). Until it is done the table is empty and starts are
      // refused.
      vertx
          .executeBlocking(feed::listen, false)
          .onSuccess(registered -> feed.resync())
          .onFailure(err -> LOG.warn("could not follow the nodes: {}", err.getMessage()));
    } else {
      try {
        feed.listen();
      } catch (RuntimeException e) {
        // A map that cannot be followed: the table is never loaded, and placement reads the maps
        // per start.
        LOG.warn("could not follow the nodes, placement reads them per start: {}", e.getMessage());
        return table;
      }
      feed.resync();
    }
    vertx.setPeriodic(RESYNC.toMillis(), t -> feed.resync());
    return table;
  }

  /** Follows every change of both maps into the table. */
  public List<StringMap.Subscription> listen() {
    return List.of(
        cluster.nodes().listen(table::nodeChanged),
        cluster.reservations().listen(table::reservationsChanged));
  }

  /** Reads both maps whole into the table; skipped while one read is under way. */
  public Future<Void> resync() {
    if (!resyncing.compareAndSet(false, true)) return Future.succeededFuture();
    long since = table.changeCount();
    return cluster
        .nodes()
        .entries()
        .compose(
            nodes ->
                cluster
                    .reservations()
                    .entries()
                    .map(
                        reservations -> {
                          table.load(nodes, reservations, since);
                          return (Void) null;
                        }))
        .onFailure(err -> LOG.warn("could not read the nodes: {}", err.getMessage()))
        .onComplete(done -> resyncing.set(false));
  }
}
