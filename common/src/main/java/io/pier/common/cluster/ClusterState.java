package io.pier.common.cluster;

import io.pier.common.node.NodeInfo;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.Route;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * The cluster-wide maps every part shares, by name. Who writes what:
 * <ul>
 *   <li>{@code pier.repls} slug → {@link ReplRecord}: the scheduler only.</li>
 *   <li>{@code pier.nodes} node id → {@link NodeInfo}: each node-agent its own entry, with a time to live.</li>
 *   <li>{@code pier.routes} slug → {@link Route}: the node-agent running the repl.</li>
 *   <li>{@code pier.services} "kind/id" → {@link ServiceEndpoint}: every scheduler, with a time to live.</li>
 * </ul>
 */
public final class ClusterState {
  public static final String REPLS = "pier.repls";
  public static final String NODES = "pier.nodes";
  public static final String ROUTES = "pier.routes";
  public static final String SERVICES = "pier.services";

  private final SharedMap<ReplRecord> repls;
  private final SharedMap<NodeInfo> nodes;
  private final SharedMap<Route> routes;
  private final SharedMap<ServiceEndpoint> services;

  public ClusterState(Function<String, StringMap> mapsByName) {
    this.repls = new SharedMap<>(mapsByName.apply(REPLS), ReplRecord::toJson, ReplRecord::fromJson);
    this.nodes = new SharedMap<>(mapsByName.apply(NODES), NodeInfo::toJson, NodeInfo::fromJson);
    this.routes = new SharedMap<>(mapsByName.apply(ROUTES), Route::toJson, Route::fromJson);
    this.services = new SharedMap<>(mapsByName.apply(SERVICES), ServiceEndpoint::toJson, ServiceEndpoint::fromJson);
  }

  public SharedMap<ReplRecord> repls() {
    return repls;
  }

  public SharedMap<NodeInfo> nodes() {
    return nodes;
  }

  public SharedMap<Route> routes() {
    return routes;
  }

  public SharedMap<ServiceEndpoint> services() {
    return services;
  }

  /** A service instance that others find through the cluster, such as a scheduler's API. */
  public record ServiceEndpoint(String kind, String id, String url) {
    public JsonObject toJson() {
      return new JsonObject().put("kind", kind).put("id", id).put("url", url);
    }

    public static ServiceEndpoint fromJson(JsonObject json) {
      return new ServiceEndpoint(json.getString("kind"), json.getString("id"), json.getString("url"));
    }

    public String key() {
      return kind + "/" + id;
    }
  }
}
