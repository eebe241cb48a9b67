package io.pier.node;

import io.pier.node.runtime.CpuBurst;
import io.pier.node.runtime.EgressPolicy;
import io.pier.node.runtime.cgroup.CgroupCpuBurst;
import io.pier.node.runtime.docker.DockerSandboxDriver;
import io.pier.node.runtime.iptables.IptablesReplFirewall;
import io.pier.node.sandbox.SandboxDriver;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the sandbox driver {@code PIER_NODE_DRIVER} names, configured from the node's settings. A new driver is one
 * more name here and a package of its own; nothing else in the agent changes.
 */
final class SandboxDrivers {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxDrivers.class);
  static final String DEFAULT = DockerSandboxDriver.NAME;
  static final List<String> NAMES = List.of(DockerSandboxDriver.NAME);

  /** Where the kernel's cgroups are mounted. */
  private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

  private SandboxDrivers() {}

  /**
   * @param egress what repls may not reach, asked for only when the node isolates its repls
   * @throws IllegalStateException when the name is unknown, the driver cannot start, or it cannot serve IDE sessions
   */
  static SandboxDriver open(NodeAgentConfig config, Supplier<EgressPolicy> egress) {
    SandboxDriver driver =
        switch (config.driver()) {
          case DockerSandboxDriver.NAME ->
              DockerSandboxDriver.open(
                  config.docker(),
                  config.nodeId(),
                  config.advertiseHost(),
                  config.isolate() ? Optional.of(egress.get()) : Optional.empty(),
                  new IptablesReplFirewall(),
                  cpuBurst(config.docker().cpuBurst()));
          default ->
              throw new IllegalStateException(
                  "PIER_NODE_DRIVER: this node-agent has no sandbox driver '"
                      + config.driver()
                      + "'; it has "
                      + NAMES);
        };
    if (!driver.capabilities().servesSessions()) {
      close(driver);
      throw new IllegalStateException(
          "the sandbox driver '"
              + driver.name()
              + "' cannot serve IDE sessions: it "
              + "needs exec, terminals and a shared workspace folder, and declares "
              + driver.capabilities());
    }
    return driver;
  }

  /** The CPU burst sandboxes get: {@code burst} of their quota from the kernel's cgroups, none for 0. */
  static CpuBurst cpuBurst(double burst) {
    return burst == 0 ? CpuBurst.NONE : new CgroupCpuBurst(CGROUPS, burst);
  }

  /** Releases a driver that is not going to be used; a failure to is only logged, the reason not to use it matters. */
  static void close(SandboxDriver driver) {
    try {
      driver.close();
    } catch (Exception e) {
      LOG.warn("cannot close the sandbox driver {}: {}", driver.name(), e.getMessage());
    }
  }
}
