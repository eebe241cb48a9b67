package io.pier.common.node;

import io.vertx.core.json.JsonObject;

/**
 * A node's load: how many repls it holds, what their limits reserve, and what they actually use.
 *
 * @param reservedMemoryMb sum of the memory limits of the repls on the node (what placement must not over-commit)
 * @param cpuUsage         CPUs in use by repls, measured (1.0 = one core busy)
 * @param memoryUsedMb     memory in use by repls, measured
 */
public record NodeLoad(int repls, long reservedMemoryMb, double cpuUsage, long memoryUsedMb) {
  public static final NodeLoad EMPTY = new NodeLoad(0, 0, 0, 0);

  public JsonObject toJson() {
    return new JsonObject().put("repls", repls).put("reservedMemoryMb", reservedMemoryMb)
        .put("cpuUsage", cpuUsage).put("memoryUsedMb", memoryUsedMb);
  }

  public static NodeLoad fromJson(JsonObject json) {
    return new NodeLoad(json.getInteger("repls"), json.getLong("reservedMemoryMb"),
        json.getDouble("cpuUsage"), json.getLong("memoryUsedMb"));
  }
}
