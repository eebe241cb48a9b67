package io.pier.common.repl;

import io.vertx.core.json.JsonObject;

/** Resource limits of one repl's container. */
public record Limits(double cpus, long memoryMb, long pids) {
  public Limits {
    if (!(cpus > 0 && cpus <= 64)) throw new IllegalArgumentException("limits.cpus must be in (0, 64], got " + cpus);
    if (memoryMb < 32 || memoryMb > 65536) throw new IllegalArgumentException("limits.memoryMb must be in [32, 65536], got " + memoryMb);
    if (pids < 16 || pids > 65536) throw new IllegalArgumentException("limits.pids must be in [16, 65536], got " + pids);
  }

  public JsonObject toJson() {
    return new JsonObject().put("cpus", cpus).put("memoryMb", memoryMb).put("pids", pids);
  }

  public static Limits fromJson(JsonObject json) {
    return new Limits(json.getDouble("cpus"), json.getLong("memoryMb"), json.getLong("pids"));
  }
}
