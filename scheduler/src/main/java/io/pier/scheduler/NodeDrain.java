package io.pier.scheduler;

import io.pier.common.cluster.ClusterState;
import io.pier.common.http.ApiException;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.scheduler.node.NodeClient;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Empties a node: marks it draining, so it takes no new repls, then moves each of its repls elsewhere (stop, which
 * flushes, then start; placement leaves draining nodes out).
 */
public final class NodeDrain {
  private final ClusterState cluster;
  private final NodeClient nodes;
  private final ReplService repls;

  public NodeDrain(ClusterState cluster, NodeClient nodes, ReplService repls) {
    this.cluster = cluster;
    this.nodes = nodes;
    this.repls = repls;
  }

  /**
   * What a drain did: the slugs moved, and those that could not be with why (in the order they failed). Both are
   * empty when the node was undrained.
   */
  public record Outcome(
      String node, boolean draining, List<String> moved, Map<String, String> failed) {}

  /** Drains the node, or with {@code draining} false lets it take repls again. */
  public Future<Outcome> drain(String nodeId, boolean draining) {
    return cluster
        .nodes()
        .get(nodeId)
        .compose(
            node -> {
              if (node == null)
                return Future.failedFuture(
                    ApiException.notFound("unknown_node", "no node named '" + nodeId + "'"));
              return nodes.setDraining(node, draining);
            })
        .compose(
            v -> {
              if (!draining)
                return Future.succeededFuture(new Outcome(nodeId, false, List.of(), Map.of()));
              return repls
                  .list()
                  .compose(
                      all -> {
                        List<String> mine =
                            all.stream()
                                .filter(
                                    r ->
                                        nodeId.equals(r.nodeId()) && r.state() == ReplState.RUNNING)
                                .map(ReplRecord::slug)
                                .toList();
                        List<String> moved = new ArrayList<>();
                        Map<String, String> failed = new LinkedHashMap<>();
                        Future<Void> chain = Future.succeededFuture();
                        for (String slug : mine) {
                          chain =
                              chain.compose(
                                  x ->
                                      repls
                                          .stop(slug)
                                          .compose(r -> repls.start(slug))
                                          .onSuccess(r -> moved.add(slug))
                                          .<Void>mapEmpty()
                                          .recover(
                                              err -> {
                                                failed.put(slug, err.getMessage());
                                                return Future.succeededFuture();
                                              }));
                        }
                        return chain.map(
                            done ->
                                new Outcome(
                                    nodeId,
                                    true,
                                    List.copyOf(moved),
                                    Collections.unmodifiableMap(failed)));
                      });
            });
  }
}
