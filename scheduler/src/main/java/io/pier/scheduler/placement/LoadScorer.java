package io.pier.scheduler.placement;

import io.pier.common.node.NodeInfo;

/**
 * Scores a node by its most used resource after the repl is added: the larger of its slot, reserved-memory and
 * measured-CPU fractions. Taking the maximum keeps one exhausted resource from hiding behind two idle ones.
 */
public final class LoadScorer implements Scorer {
  @Override
  public double score(NodeInfo node, PlacementRequest request) {
    double slots = (node.load().repls() + 1.0) / Math.max(1, node.capacity().slots());
    double memory =
        (double) (node.load().reservedMemoryMb() + request.limits().memoryMb())
            / Math.max(1, node.capacity().memoryMb());
    double cpu = node.load().cpuUsage() / Math.max(0.1, node.capacity().cpus());
    return Math.max(slots, Math.max(memory, cpu));
  }
}
