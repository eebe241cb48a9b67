package io.pier.scheduler;

import io.pier.common.node.NodeInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How full the fleet is and how many nodes it should have.
 *
 * <p>The rule: utilisation is the largest of the fleet's slot, reserved-memory and measured-CPU fractions, over the
 * nodes that take work (healthy and not draining). The fleet wants enough nodes to bring utilisation down to the
 * target: {@code desired = max(1, ceil(active × utilisation ÷ target))}, and one more than it has for a while after
 * placement found no room, whatever the fractions say. It scales out when desired exceeds active; scaling in is left
 * to operators (drain, then remove the VM).
 */
public record FleetSignal(
    int nodes,
    int activeNodes,
    int slots,
    long memoryMb,
    double cpus,
    int repls,
    long reservedMemoryMb,
    double cpuUsage,
    double utilisation,
    double target,
    int desiredNodes,
    boolean scaleOut) {
  public static final String RULE =
      "desired = max(1, ceil(active × utilisation ÷ target)), +1 after a placement "
          + "failure; utilisation = max(repls/slots, reserved memory/memory, cpu used/cpus) over healthy, non-draining nodes";

  public static FleetSignal compute(
      List<NodeInfo> all,
      Instant now,
      Duration staleAfter,
      double target,
      boolean recentPlacementFailure) {
    int active = 0;
    int slots = 0;
    int repls = 0;
    long memory = 0;
    long reserved = 0;
    double cpus = 0;
    double cpuUsage = 0;
    for (NodeInfo n : all) {
      if (n.draining() || n.heartbeatAt().plus(staleAfter).isBefore(now)) continue;
      active++;
      slots += n.capacity().slots();
      memory += n.capacity().memoryMb();
      cpus += n.capacity().cpus();
      repls += n.load().repls();
      reserved += n.load().reservedMemoryMb();
      cpuUsage += n.load().cpuUsage();
    }
    double utilisation =
        active == 0
            ? 1.0
            : Math.max(
                (double) repls / Math.max(1, slots),
                Math.max((double) reserved / Math.max(1, memory), cpuUsage / Math.max(0.1, cpus)));
    int desired = Math.max(1, (int) Math.ceil(Math.max(active, 1) * utilisation / target));
    if (recentPlacementFailure) desired = Math.max(desired, active + 1);
    return new FleetSignal(
        all.size(),
        active,
        slots,
        memory,
        cpus,
        repls,
        reserved,
        cpuUsage,
        utilisation,
        target,
        desired,
        desired > active);
  }
}
