package io.pier.node;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;

/** The node's own gauges: what it offers, what its repls reserve and use, the room left on its disk. */
final class NodeGauges {
  private NodeGauges() {}

  static void register(
      MeterRegistry metrics,
      NodeAgentConfig config,
      NodeHeartbeat heartbeat,
      DrainingMark draining) {
    Gauge.builder("pier.node.capacity.slots", config, c -> c.capacity().slots()).register(metrics);
    Gauge.builder("pier.node.capacity.memory.mb", config, c -> c.capacity().memoryMb())
        .register(metrics);
    Gauge.builder("pier.node.capacity.cpus", config, c -> c.capacity().cpus()).register(metrics);
    Gauge.builder("pier.node.reserved.memory.mb", heartbeat, h -> h.lastLoad().reservedMemoryMb())
        .register(metrics);
    Gauge.builder("pier.node.cpu.usage", heartbeat, h -> h.lastLoad().cpuUsage())
        .description("CPUs this node's repls use")
        .register(metrics);
    Gauge.builder("pier.node.memory.used.mb", heartbeat, h -> h.lastLoad().memoryUsedMb())
        .register(metrics);
    Gauge.builder(
            "pier.node.disk.free.bytes",
            config,
            c -> {
              try {
                return Files.getFileStore(Files.createDirectories(c.dataDir())).getUsableSpace();
              } catch (IOException e) {
                return Double.NaN;
              }
            })
        .description("Free space on the data folder's filesystem")
        .register(metrics);
    Gauge.builder("pier.node.draining", draining, d -> d.draining() ? 1 : 0).register(metrics);
  }
}
