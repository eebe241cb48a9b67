package io.pier.common.node;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's load: how many repls it holds, what their limits reserve, and what they actually use.
 *
 * @param reservedMemoryMb sum of the memory limits of the repls on the node (what placement must not over-commit)
 * @param cpuUsage         CPUs in use by repls, measured (1.0 = one core busy)
 * @param memoryUsedMb     memory in use by repls, measured
 * @param slugs            the repls on the node: tells placement which of its reservations the node has taken up
 * @param pooledMemoryMb   memory limits of the node's spare sandboxes, kept ready for fast starts; not in
 *                         {@code reservedMemoryMb}, as the node throws spares away when a repl needs their memory
 */
public record NodeLoad(
    int repls,
    long reservedMemoryMb,
    double cpuUsage,
    long memoryUsedMb,
    List<String> slugs,
    long pooledMemoryMb) {
  public static final NodeLoad EMPTY = new NodeLoad(0, 0, 0, 0, List.of());

  public NodeLoad {
    slugs = List.copyOf(slugs);
  }

  /** A load without spare sandboxes. */
  public NodeLoad(
      int repls, long reservedMemoryMb, double cpuUsage, long memoryUsedMb, List<String> slugs) {
    this(repls, reservedMemoryMb, cpuUsage, memoryUsedMb, slugs, 0);
  }

  /** This load plus a repl not yet counted: a reservation placement made on the node. */
  public NodeLoad plus(String slug, long memoryMb) {
    List<String> more = new ArrayList<>(slugs);
    more.add(slug);
    return new NodeLoad(
        repls + 1, reservedMemoryMb + memoryMb, cpuUsage, memoryUsedMb, more, pooledMemoryMb);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("repls", repls)
        .put("reservedMemoryMb", reservedMemoryMb)
        .put("cpuUsage", cpuUsage)
        .put("memoryUsedMb", memoryUsedMb)
        .put("slugs", new JsonArray(slugs))
        .put("pooledMemoryMb", pooledMemoryMb);
  }

  public static NodeLoad fromJson(JsonObject json) {
    return new NodeLoad(
        json.getInteger("repls"),
        json.getLong("reservedMemoryMb"),
        json.getDouble("cpuUsage"),
        json.getLong("memoryUsedMb"),
        json.getJsonArray("slugs", new JsonArray()).stream().map(String::valueOf).toList(),
        json.getLong("pooledMemoryMb", 0L));
  }
}
