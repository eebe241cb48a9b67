package io.pier.scheduler.api;

import io.pier.common.cluster.ClusterState;
import io.pier.common.node.NodeInfo;
import io.pier.scheduler.FleetKeeper;
import io.pier.scheduler.NodeDrain;
import io.pier.scheduler.auth.AuthApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Comparator;

/** The administrators' routes of the fleet: {@code /api/nodes} (list, drain, undrain) and {@code /api/fleet}. */
final class FleetRoutes {
  private final ClusterState cluster;
  private final NodeDrain drains;
  private final FleetKeeper keeper;

  FleetRoutes(ClusterState cluster, NodeDrain drains, FleetKeeper keeper) {
    this.cluster = cluster;
    this.drains = drains;
    this.keeper = keeper;
  }

  void mount(Router router) {
    router
        .route("/api/nodes*")
        .handler(
            ctx -> {
              AuthApi.requireAdmin(ctx.get(AuthApi.CALLER));
              ctx.next();
            });
    router
        .route("/api/fleet")
        .handler(
            ctx -> {
              AuthApi.requireAdmin(ctx.get(AuthApi.CALLER));
              ctx.next();
            });
    router
        .get("/api/nodes")
        .handler(
            ctx ->
                answer(
                    ctx,
                    cluster
                        .nodes()
                        .values()
                        .map(
                            all ->
                                new JsonObject()
                                    .put(
                                        "nodes",
                                        new JsonArray(
                                            all.stream()
                                                .sorted(Comparator.comparing(NodeInfo::nodeId))
                                                .map(
                                                    n ->
                                                        n.toJson().put("alive", cluster.isAlive(n)))
                                                .toList())))));
    router
        .post("/api/nodes/:id/drain")
        .handler(ctx -> answer(ctx, drains.drain(ctx.pathParam("id"), true).map(ApiViews::drain)));
    router
        .post("/api/nodes/:id/undrain")
        .handler(ctx -> answer(ctx, drains.drain(ctx.pathParam("id"), false).map(ApiViews::drain)));
    router
        .get("/api/fleet")
        .handler(
            ctx ->
                answer(
                    ctx,
                    keeper.signal().map(signal -> ApiViews.fleet(signal, cluster.membership()))));
  }

  /** The result as JSON, or the failure to the API's failure handler (which answers it as JSON). */
  private static void answer(RoutingContext ctx, Future<JsonObject> result) {
    result.onSuccess(ctx::json).onFailure(ctx::fail);
  }
}
