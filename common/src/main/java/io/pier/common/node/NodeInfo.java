package io.pier.common.node;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * What a node-agent publishes about itself every few seconds: where to reach it, what it has, what it uses.
 *
 * @param agentUrl      base URL of the node-agent's HTTP API
 * @param capacity      what the node offers to repls
 * @param load          what its repls reserve and use now
 * @param images        runner images present on the node (placement only sends a repl where its image is)
 * @param heartbeatAt   when the node last published; stale entries are not placed on
 * @param memberId      the node-agent's cluster member: when it leaves the cluster, the node is gone
 * @param runtimes      container runtimes a repl may ask for on the node (placement only sends a repl that names one
 *                      where it is); repls that name none run anywhere
 */
public record NodeInfo(
    String nodeId,
    String agentUrl,
    NodeCapacity capacity,
    NodeLoad load,
    boolean draining,
    List<String> images,
    Instant heartbeatAt,
    String memberId,
    List<String> runtimes) {

  public NodeInfo {
    runtimes = runtimes == null ? List.of() : List.copyOf(runtimes);
  }

  public NodeInfo(
      String nodeId,
      String agentUrl,
      NodeCapacity capacity,
      NodeLoad load,
      boolean draining,
      List<String> images,
      Instant heartbeatAt,
      String memberId) {
    this(nodeId, agentUrl, capacity, load, draining, images, heartbeatAt, memberId, List.of());
  }

  public NodeInfo(
      String nodeId,
      String agentUrl,
      NodeCapacity capacity,
      NodeLoad load,
      boolean draining,
      List<String> images,
      Instant heartbeatAt) {
    this(nodeId, agentUrl, capacity, load, draining, images, heartbeatAt, null, List.of());
  }

  /** The same node with another load: placement's view once its reservations are counted. */
  public NodeInfo withLoad(NodeLoad newLoad) {
    return new NodeInfo(
        nodeId, agentUrl, capacity, newLoad, draining, images, heartbeatAt, memberId, runtimes);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", nodeId)
        .put("agentUrl", agentUrl)
        .put("capacity", capacity.toJson())
        .put("load", load.toJson())
        .put("draining", draining)
        .put("images", new JsonArray(images))
        .put("heartbeatAt", heartbeatAt.toString())
        .put("memberId", memberId)
        .put("runtimes", new JsonArray(runtimes));
  }

  public static NodeInfo fromJson(JsonObject json) {
    return new NodeInfo(
        json.getString("id"),
        json.getString("agentUrl"),
        NodeCapacity.fromJson(json.getJsonObject("capacity")),
        NodeLoad.fromJson(json.getJsonObject("load")),
        json.getBoolean("draining", false),
        json.getJsonArray("images", new JsonArray()).stream().map(String::valueOf).toList(),
        Instant.parse(json.getString("heartbeatAt")),
        json.getString("memberId"),
        json.getJsonArray("runtimes", new JsonArray()).stream().map(String::valueOf).toList());
  }
}
