package io.pier.scheduler;

import io.pier.common.cluster.ClusterState;
import io.pier.common.node.NodeInfo;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Route;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which running repls run nowhere, because their node left the cluster. A node whose member left is gone. A node
 * without an entry in {@code pier.nodes} is gone too, unless the repl's route names a cluster member that is still
 * there: then only its heartbeat is late (its entry expired while it was held up), and starting its repls elsewhere
 * would run them twice and take their routes away from the node that serves them.
 */
final class LostRepls {
  private static final Logger LOG = LoggerFactory.getLogger(LostRepls.class);

  private final ClusterState cluster;

  /** Nodes already reported as late, so that the warning is given once, not every round. */
  private final Set<String> late = ConcurrentHashMap.newKeySet();

  LostRepls(ClusterState cluster) {
    this.cluster = cluster;
  }

  /**
   * The running repls of {@code all} whose node is gone, given the nodes' entries. A repl whose route could not be
   * read is left for the next round.
   */
  Future<List<ReplRecord>> find(List<ReplRecord> all, Map<String, NodeInfo> nodes) {
    late.retainAll(
        all.stream()
            .map(ReplRecord::nodeId)
            .filter(id -> id != null && !nodes.containsKey(id))
            .toList());
    List<Future<ReplRecord>> checks = new ArrayList<>();
    for (ReplRecord r : all) {
      if (r.state() != ReplState.RUNNING || r.nodeId() == null) continue;
      NodeInfo node = nodes.get(r.nodeId());
      if (node != null) {
        if (!cluster.isAlive(node)) checks.add(Future.succeededFuture(r));
        continue;
      }
      checks.add(cluster.routes().get(r.slug()).map(route -> memberStays(r, route) ? null : r));
    }
    return Future.join(checks)
        .transform(
            done ->
                Future.succeededFuture(
                    checks.stream()
                        .filter(Future::succeeded)
                        .map(Future::result)
                        .filter(Objects::nonNull)
                        .toList()));
  }

  /** Whether the route says the repl's node is still a cluster member, its entry missing. */
  private boolean memberStays(ReplRecord r, Route route) {
    if (route == null
        || route.memberId() == null
        || !r.nodeId().equals(route.nodeId())
        || !cluster.membership().isMember(route.memberId())) return false;
    if (late.add(r.nodeId()))
      LOG.warn(
          "node {} has no entry in {} but its member {} is in the cluster: its heartbeat is late;"
              + " its repls stay where they are",
          r.nodeId(),
          ClusterState.NODES,
          route.memberId());
    return true;
  }
}
