package io.pier.node.runtime.docker;

/**
 * How to reach dockerd, and what the node adds to the containers it makes.
 *
 * @param host     a Docker host URI such as {@code unix:///var/run/docker.sock}
 * @param cpuBurst the CPU burst a sandbox may use after idling, as a part of its CPU quota (0 to 1; 0: none): see
 *                 {@code CpuBurst}
 */
public record DockerConfig(String host, double cpuBurst) {
  /** A sandbox may use up to its quota again in a period after idling, twice its limit for that period. */
  public static final double DEFAULT_CPU_BURST = 1.0;

  public DockerConfig {
    if (!isCpuBurst(cpuBurst)) {
      throw new IllegalArgumentException(
          "PIER_NODE_CPU_BURST must be between 0 and 1 (a part of the CPU quota), got " + cpuBurst);
    }
  }

  /** Whether {@code burst} is a CPU burst a node may give: a part of the quota from 0 to 1. */
  public static boolean isCpuBurst(double burst) {
    return burst >= 0 && burst <= 1;
  }

  public DockerConfig(String host) {
    this(host, DEFAULT_CPU_BURST);
  }
}
