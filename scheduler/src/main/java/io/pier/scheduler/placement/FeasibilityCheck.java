package io.pier.scheduler.placement;

import io.pier.common.node.NodeInfo;

/** One reason a node may not take a repl. Checks are cheap and pure; they run on every candidate. */
public interface FeasibilityCheck {

  /** A short reason used in "no node with room" answers and metrics, such as {@code "no free memory"}. */
  String reason();

  boolean allows(NodeInfo node, PlacementRequest request);
}
