package io.pier.scheduler;

import io.pier.common.cluster.ClusterState;
import io.pier.common.node.NodeInfo;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Route;
import io.pier.scheduler.node.NodeClient;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A node-agent stand-in: records calls and, like a real node-agent, writes the route on start and removes it on
 * stop. Set {@link #failStartWith} or {@link #failStopWith} to make calls fail.
 */
public final class FakeNodeClient implements NodeClient {
  public record StartCall(NodeInfo node, StartRequest request) {}

  public record StopCall(NodeInfo node, String slug) {}

  private final ClusterState cluster;
  public final List<StartCall> starts = new CopyOnWriteArrayList<>();
  public final List<StopCall> stops = new CopyOnWriteArrayList<>();
  public volatile Throwable failStartWith;
  public volatile Throwable failStopWith;

  /** When set, a start answers only once this completes. */
  public volatile Future<Void> startGate;

  /** When set, a stop answers only once this completes. */
  public volatile Future<Void> stopGate;

  public FakeNodeClient(ClusterState cluster) {
    this.cluster = cluster;
  }

  @Override
  public Future<Route> start(NodeInfo node, StartRequest request) {
    starts.add(new StartCall(node, request));
    if (failStartWith != null) return Future.failedFuture(failStartWith);
    Route route =
        new Route(
            request.slug(),
            node.nodeId(),
            "127.0.0.1",
            30000 + starts.size(),
            node.agentUrl(),
            node.memberId());
    Future<Void> gate = startGate == null ? Future.succeededFuture() : startGate;
    return gate.compose(v -> cluster.routes().put(request.slug(), route)).map(route);
  }

  /** Like a node-agent's next heartbeat: the node's entry says it drains. */
  @Override
  public Future<Void> setDraining(NodeInfo node, boolean draining) {
    return cluster
        .nodes()
        .update(
            node.nodeId(),
            n ->
                n == null
                    ? null
                    : new NodeInfo(
                        n.nodeId(),
                        n.agentUrl(),
                        n.capacity(),
                        n.load(),
                        draining,
                        n.images(),
                        n.heartbeatAt()))
        .mapEmpty();
  }

  @Override
  public Future<List<Unsaved>> stop(NodeInfo node, String slug) {
    stops.add(new StopCall(node, slug));
    if (failStopWith != null) return Future.failedFuture(failStopWith);
    Future<Void> gate = stopGate == null ? Future.succeededFuture() : stopGate;
    return gate.compose(v -> cluster.routes().remove(slug)).map(unsaved);
  }

  /** The repls asked to store their files now, in order. */
  public final List<String> storedNow = new CopyOnWriteArrayList<>();

  @Override
  public Future<Void> storeNow(NodeInfo node, String slug) {
    storedNow.add(slug);
    return Future.succeededFuture();
  }

  /** What the next stops report as not stored. */
  public List<Unsaved> unsaved = List.of();
}
