package io.pier.common.repl;

import io.vertx.core.json.JsonObject;

/**
 * Where a running repl's preview answers: written by the node-agent that runs it, read by edge-proxies.
 *
 * @param agentUrl base URL of that node-agent (IDE sessions go there)
 * @param memberId that node-agent's cluster member; null from a node-agent that predates it. Tells a scheduler that
 *                 the node is alive even when its entry in {@code pier.nodes} has expired (a heartbeat held up).
 */
public record Route(
    String slug, String nodeId, String host, int port, String agentUrl, String memberId) {

  /** A route that names no cluster member. */
  public Route(String slug, String nodeId, String host, int port, String agentUrl) {
    this(slug, nodeId, host, port, agentUrl, null);
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("slug", slug)
            .put("node", nodeId)
            .put("host", host)
            .put("port", port)
            .put("agentUrl", agentUrl);
    if (memberId != null) json.put("member", memberId);
    return json;
  }

  public static Route fromJson(JsonObject json) {
    return new Route(
        json.getString("slug"),
        json.getString("node"),
        json.getString("host"),
        json.getInteger("port"),
        json.getString("agentUrl"),
        json.getString("member"));
  }
}
