package io.pier.node.runtime;

/**
 * Lets a sandbox use, in one scheduling period after it idled, more CPU than its quota (the kernel's CFS burst): the
 * quota it left unused in earlier periods, up to a bound. Its average over time stays within its limit, but an app that
 * boots after the sandbox idled (every start: a spare waits idle for its repl) is not throttled halfway through its
 * boot. A node whose kernel or cgroup layout allows none starts sandboxes without it.
 */
public interface CpuBurst {
  /** Nothing beyond the quota. */
  CpuBurst NONE = containerId -> false;

  /**
   * Gives the running container's CPU quota its burst.
   *
   * @return whether it has one now; false when the container has no CPU quota or this host allows no burst
   */
  boolean allow(String containerId);
}
