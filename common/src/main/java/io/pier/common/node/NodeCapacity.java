package io.pier.common.node;

import io.vertx.core.json.JsonObject;

/** What a node offers to repls: repl slots, memory and CPUs (after what the node keeps for itself). */
public record NodeCapacity(int slots, long memoryMb, double cpus) {

  public JsonObject toJson() {
    return new JsonObject().put("slots", slots).put("memoryMb", memoryMb).put("cpus", cpus);
  }

  public static NodeCapacity fromJson(JsonObject json) {
    return new NodeCapacity(
        json.getInteger("slots"), json.getLong("memoryMb"), json.getDouble("cpus"));
  }
}
