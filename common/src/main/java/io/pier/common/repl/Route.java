package io.pier.common.repl;

import io.vertx.core.json.JsonObject;

/**
 * Where a running repl's preview answers: written by the node-agent that runs it, read by edge-proxies.
 *
 * @param agentUrl base URL of that node-agent (IDE sessions go there)
 */
public record Route(String slug, String nodeId, String host, int port, String agentUrl) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("slug", slug)
        .put("node", nodeId)
        .put("host", host)
        .put("port", port)
        .put("agentUrl", agentUrl);
  }

  public static Route fromJson(JsonObject json) {
    return new Route(
        json.getString("slug"),
        json.getString("node"),
        json.getString("host"),
        json.getInteger("port"),
        json.getString("agentUrl"));
  }
}
