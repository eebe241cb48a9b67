package io.pier.scheduler.placement;

import io.pier.common.node.NodeInfo;

/** Ranks feasible nodes for a repl: lower is better. */
public interface Scorer {
  double score(NodeInfo node, PlacementRequest request);
}
