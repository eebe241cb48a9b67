package io.pier.common.node;

import io.pier.common.repl.Limits;
import io.vertx.core.json.JsonObject;

/**
 * What the scheduler sends a node-agent to start a repl: which image, what to run, on which port, with what limits.
 *
 * @param open the file the IDE opens first, or null
 */
public record StartRequest(
    String slug, String image, String run, int port, Limits limits, String open) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("slug", slug)
        .put("image", image)
        .put("run", run)
        .put("port", port)
        .put("limits", limits.toJson())
        .put("open", open);
  }

  /** @throws IllegalArgumentException naming what is missing or invalid */
  public static StartRequest fromJson(JsonObject json) {
    JsonObject limits = json.getJsonObject("limits");
    Integer port = json.getInteger("port");
    if (limits == null
        || port == null
        || port < 0
        || json.getString("image") == null
        || json.getString("run") == null) {
      throw new IllegalArgumentException("a start request needs image, run, port and limits");
    }
    return new StartRequest(
        json.getString("slug"),
        json.getString("image"),
        json.getString("run"),
        port,
        Limits.fromJson(limits),
        json.getString("open"));
  }
}
