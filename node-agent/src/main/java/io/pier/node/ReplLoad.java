package io.pier.node;

import io.pier.common.node.NodeLoad;
import io.pier.node.sandbox.SandboxDriver;
import io.pier.node.workspace.WorkspaceVolumes;
import io.pier.node.workspace.Workspaces;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.LongSupplier;

/** Reads what this node's repls reserve and use, for the heartbeat and the per-repl meters. */
final class ReplLoad {
  private final Map<String, RunningRepl> running;
  private final SandboxDriver driver;
  private final Workspaces workspaces;
  private final ReplMeters meters;
  private final CpuRates cpuRates = new CpuRates();
  private final LongSupplier pooledMb;

  /** @param pooledMb what the node's spare sandboxes hold of its memory */
  ReplLoad(
      Map<String, RunningRepl> running,
      SandboxDriver driver,
      Workspaces workspaces,
      ReplMeters meters,
      LongSupplier pooledMb) {
    this.pooledMb = pooledMb;
    this.running = running;
    this.driver = driver;
    this.workspaces = workspaces;
    this.meters = meters;
  }

  /** What this node's repls reserve and use now. Blocking (reads the sandboxes' counters); call off the event loop. */
  NodeLoad read() {
    long reserved = 0;
    double cpu = 0;
    long memoryBytes = 0;
    long now = System.nanoTime();
    List<String> slugs = new ArrayList<>();
    Map<String, Double> cpuBySlug = new HashMap<>();
    Map<String, Long> memoryBySlug = new HashMap<>();
    Map<String, WorkspaceVolumes.Usage> diskBySlug = new HashMap<>();
    for (RunningRepl r : running.values()) {
      reserved += r.limits().memoryMb();
      slugs.add(r.slug());
      workspaces.usage(r.slug()).ifPresent(disk -> diskBySlug.put(r.slug(), disk));
      Optional<SandboxDriver.Usage> usage = driver.usage(r.sandboxId());
      if (usage.isEmpty()) continue;
      memoryBytes += usage.get().memoryBytes();
      memoryBySlug.put(r.slug(), usage.get().memoryBytes());
      OptionalDouble rate = cpuRates.rate(r.sandboxId(), usage.get().cpuNanos(), now);
      if (rate.isPresent()) {
        cpu += rate.getAsDouble();
        cpuBySlug.put(r.slug(), Math.max(0, rate.getAsDouble()));
      }
    }
    meters.publish(new ReplMeters.Readings(cpuBySlug, memoryBySlug, diskBySlug));
    cpuRates.retain(running.values().stream().map(RunningRepl::sandboxId).toList());
    return new NodeLoad(
        running.size(),
        reserved,
        Math.max(0, cpu),
        memoryBytes / (1024 * 1024),
        slugs,
        pooledMb.getAsLong());
  }
}
