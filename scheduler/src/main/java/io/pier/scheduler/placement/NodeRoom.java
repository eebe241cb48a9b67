package io.pier.scheduler.placement;

import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.ClusterState.Reservations;
import io.pier.common.cluster.SharedMap;
import io.pier.common.node.NodeInfo;
import io.pier.common.node.NodeLoad;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reserve, then confirm: the room a start takes on a node is recorded in the cluster (compare-and-set, re-checked
 * against the node's capacity) before the node is asked, and counted by every scheduler until the node's own
 * heartbeat reports the repl. So concurrent starts, on one scheduler or several, never over-commit a node between
 * two heartbeats.
 */
public final class NodeRoom {
  /** A reservation the node never confirmed (its start failed, its scheduler died) is dropped after this. */
  private static final Duration EXPIRY = Duration.ofMinutes(3);

  private final ClusterState cluster;
  private final SharedMap<Reservations> reservations;
  private final Clock clock;
  private final NodeTable table;

  public NodeRoom(ClusterState cluster, Clock clock) {
    this(cluster, clock, null);
  }

  /**
   * @param table the fleet as this scheduler follows it ({@link NodeTableFeed}); null to read the maps per placement
   */
  public NodeRoom(ClusterState cluster, Clock clock, NodeTable table) {
    this.cluster = cluster;
    this.reservations = cluster.reservations();
    this.clock = clock;
    this.table = table;
  }

  /**
   * The nodes as placement should see them: each with its reservations not yet confirmed added to its load. From the
   * table once it has read the maps: then nothing is read or copied, and nodes whose member left are still in the
   * list (placement's {@link Checks#inCluster} check turns them away). Else (no table, or a scheduler just started)
   * read from the maps, those nodes left out.
   */
  public Future<List<NodeInfo>> candidates() {
    if (table != null && table.loaded()) return Future.succeededFuture(table.nodes());
    return cluster
        .nodes()
        .values()
        .compose(
            nodes ->
                reservations
                    .entries()
                    .map(
                        all -> {
                          List<NodeInfo> adjusted = new ArrayList<>(nodes.size());
                          for (NodeInfo node : nodes) {
                            if (cluster.isAlive(node))
                              adjusted.add(withPending(node, all.get(node.nodeId())));
                          }
                          return adjusted;
                        }));
  }

  /**
   * Takes room for {@code slug} on the node, if the node (as its last heartbeat and all reservations say) still has
   * it. @return false when another start took it first
   */
  public Future<Boolean> reserve(String nodeId, String slug, long memoryMb) {
    return cluster
        .nodes()
        .get(nodeId)
        .compose(
            node -> {
              if (node == null) return Future.succeededFuture(false);
              boolean[] reserved = new boolean[1];
              return reservations
                  .update(
                      nodeId,
                      current -> {
                        Reservations now = current == null ? Reservations.NONE : current;
                        NodeLoad load = withPending(node, now).load();
                        reserved[0] =
                            load.repls() < node.capacity().slots()
                                && load.reservedMemoryMb() + memoryMb <= node.capacity().memoryMb();
                        return reserved[0] ? now.with(slug, memoryMb, clock.instant()) : null;
                      })
                  .map(r -> reserved[0]);
            });
  }

  /** Gives the room back: the start failed. */
  public Future<Void> release(String nodeId, String slug) {
    return reservations
        .update(
            nodeId,
            current ->
                current == null || !current.memoryMb().containsKey(slug)
                    ? null
                    : current.without(slug::equals))
        .mapEmpty();
  }

  /** Drops reservations the node has confirmed (its heartbeat lists the repl), or that are too old to matter. */
  public Future<Void> tidy() {
    return cluster
        .nodes()
        .entries()
        .compose(
            nodes ->
                reservations
                    .entries()
                    .compose(
                        all -> {
                          List<Future<?>> updates = new ArrayList<>();
                          for (Map.Entry<String, Reservations> e : all.entrySet()) {
                            NodeInfo node = nodes.get(e.getKey());
                            Instant expired = clock.instant().minus(EXPIRY);
                            if (node == null) {
                              updates.add(reservations.remove(e.getKey()));
                              continue;
                            }
                            boolean stale =
                                e.getValue().memoryMb().keySet().stream()
                                    .anyMatch(
                                        slug ->
                                            node.load().slugs().contains(slug)
                                                || e.getValue().at().get(slug).isBefore(expired));
                            if (stale) {
                              updates.add(
                                  reservations.update(
                                      e.getKey(),
                                      current ->
                                          current == null
                                              ? null
                                              : current.without(
                                                  slug ->
                                                      node.load().slugs().contains(slug)
                                                          || current
                                                              .at()
                                                              .get(slug)
                                                              .isBefore(expired))));
                            }
                          }
                          return Future.join(updates).mapEmpty();
                        }));
  }

  /** The node with its reservations not yet confirmed by a heartbeat added to its load. */
  static NodeInfo withPending(NodeInfo node, Reservations pending) {
    if (pending == null) return node;
    NodeLoad load = node.load();
    for (Map.Entry<String, Long> r : pending.memoryMb().entrySet()) {
      if (!load.slugs().contains(r.getKey())) load = load.plus(r.getKey(), r.getValue());
    }
    return node.withLoad(load);
  }
}
