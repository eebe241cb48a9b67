package io.pier.node.runtime.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A container's CPU time and memory read straight from the kernel's cgroup files (cgroup v1 or v2, systemd or
 * cgroupfs driver), which is instant, unlike Docker's stats endpoint that samples for a second.
 */
enum CgroupUsage {
  V1(
      "/sys/fs/cgroup/cpuacct/docker/%s/cpuacct.usage",
      "/sys/fs/cgroup/memory/docker/%s/memory.usage_in_bytes", false),
  V2_SYSTEMD(
      "/sys/fs/cgroup/system.slice/docker-%s.scope/cpu.stat",
      "/sys/fs/cgroup/system.slice/docker-%s.scope/memory.current", true),
  V2_CGROUPFS("/sys/fs/cgroup/docker/%s/cpu.stat", "/sys/fs/cgroup/docker/%s/memory.current", true);

  private final String cpu;
  private final String memory;
  private final boolean cpuStat;

  CgroupUsage(String cpu, String memory, boolean cpuStat) {
    this.cpu = cpu;
    this.memory = memory;
    this.cpuStat = cpuStat;
  }

  /** The container's use by the first layout this host has; empty when none has it. */
  static Optional<ContainerRuntime.Usage> read(String id) {
    for (CgroupUsage layout : values()) {
      Optional<ContainerRuntime.Usage> usage = layout.readLayout(id);
      if (usage.isPresent()) return usage;
    }
    return Optional.empty();
  }

  private Optional<ContainerRuntime.Usage> readLayout(String id) {
    try {
      Path cpuFile = Path.of(String.format(cpu, id));
      if (!Files.exists(cpuFile)) return Optional.empty();
      long cpuNanos;
      if (cpuStat) {
        // cgroup v2: "usage_usec N" in cpu.stat
        cpuNanos =
            Files.readAllLines(cpuFile).stream()
                .filter(l -> l.startsWith("usage_usec "))
                .mapToLong(l -> Long.parseLong(l.substring(11).trim()) * 1000)
                .findFirst()
                .orElse(0);
      } else {
        cpuNanos = Long.parseLong(Files.readString(cpuFile).trim());
      }
      long memoryBytes =
          Long.parseLong(Files.readString(Path.of(String.format(memory, id))).trim());
      return Optional.of(new ContainerRuntime.Usage(cpuNanos, memoryBytes));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
