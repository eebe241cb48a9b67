package io.pier.common.repl;

import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * What one repl's container is held to: CPU, memory, processes, the size of its workspace, and the container
 * runtime that isolates it. A template gives them; a repl keeps the ones it was created with, so they travel with
 * its record to placement and to the node.
 *
 * @param diskMb  the workspace's size in MiB; 0 when the template names none, and the node's default applies
 * @param runtime the container runtime the repl must run in, by the name templates use (such as {@code runsc} for
 *                gVisor); null for the node's default. Placement only picks nodes that offer it.
 */
public record Limits(double cpus, long memoryMb, long pids, long diskMb, String runtime) {
  public static final long MIN_DISK_MB = 64;
  public static final long MAX_DISK_MB = 1024 * 1024;
  private static final Pattern RUNTIME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public Limits {
    if (!(cpus > 0 && cpus <= 64))
      throw new IllegalArgumentException("limits.cpus must be in (0, 64], got " + cpus);
    if (memoryMb < 32 || memoryMb > 65536)
      throw new IllegalArgumentException("limits.memoryMb must be in [32, 65536], got " + memoryMb);
    if (pids < 16 || pids > 65536)
      throw new IllegalArgumentException("limits.pids must be in [16, 65536], got " + pids);
    if (diskMb != 0 && (diskMb < MIN_DISK_MB || diskMb > MAX_DISK_MB)) {
      throw new IllegalArgumentException(
          "limits.diskMb must be in [" + MIN_DISK_MB + ", " + MAX_DISK_MB + "], got " + diskMb);
    }
    if (runtime != null && !RUNTIME.matcher(runtime).matches()) {
      throw new IllegalArgumentException(
          "runtime must be letters, digits, '.', '_' and '-' (at most 64), got '" + runtime + "'");
    }
  }

  /** Limits without a disk size or runtime of their own: the node's defaults apply. */
  public Limits(double cpus, long memoryMb, long pids) {
    this(cpus, memoryMb, pids, 0, null);
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject().put("cpus", cpus).put("memoryMb", memoryMb).put("pids", pids);
    // Left out when unset, so records and requests of repls without them read exactly as before.
    if (diskMb > 0) json.put("diskMb", diskMb);
    if (runtime != null) json.put("runtime", runtime);
    return json;
  }

  public static Limits fromJson(JsonObject json) {
    return new Limits(
        json.getDouble("cpus"),
        json.getLong("memoryMb"),
        json.getLong("pids"),
        json.getLong("diskMb", 0L),
        json.getString("runtime"));
  }
}
