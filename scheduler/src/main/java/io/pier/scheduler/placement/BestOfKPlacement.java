package io.pier.scheduler.placement;

import io.pier.common.node.NodeInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Placement as a small pipeline: feasibility checks filter the nodes, then the best of {@code k} feasible nodes
 * drawn at random wins by score ("power of k choices"; k = 2 is the classic two-choice rule).
 *
 * <p>Why sample instead of taking the global best: heartbeats are a few seconds old, and several schedulers place
 * at once; all of them picking the single least-loaded node would pile repls onto it between heartbeats. Two random
 * choices keep the maximum load within a small factor of optimal while spreading concurrent decisions.
 */
public final class BestOfKPlacement implements Placement {
  private final List<FeasibilityCheck> checks;
  private final Scorer scorer;
  private final int k;
  private final RandomGenerator random;

  public BestOfKPlacement(List<FeasibilityCheck> checks, Scorer scorer, int k, RandomGenerator random) {
    if (k < 1) throw new IllegalArgumentException("k must be at least 1");
    this.checks = List.copyOf(checks);
    this.scorer = scorer;
    this.k = k;
    this.random = random;
  }

  @Override
  public Decision place(List<NodeInfo> nodes, PlacementRequest request) {
    List<NodeInfo> feasible = new ArrayList<>(nodes.size());
    Map<String, Integer> rejections = new LinkedHashMap<>();
    for (NodeInfo node : nodes) {
      FeasibilityCheck failed = firstFailed(node, request);
      if (failed == null) {
        feasible.add(node);
      } else {
        rejections.merge(failed.reason(), 1, Integer::sum);
      }
    }
    if (feasible.isEmpty()) return new Decision(Optional.empty(), Collections.unmodifiableMap(rejections));
    NodeInfo best = null;
    double bestScore = Double.POSITIVE_INFINITY;
    int draws = Math.min(k, feasible.size());
    // Partial Fisher-Yates: the first `draws` positions become a uniform sample without repeats.
    for (int i = 0; i < draws; i++) {
      int j = i + random.nextInt(feasible.size() - i);
      Collections.swap(feasible, i, j);
      double score = scorer.score(feasible.get(i), request);
      if (score < bestScore) {
        bestScore = score;
        best = feasible.get(i);
      }
    }
    return new Decision(Optional.of(best), Collections.unmodifiableMap(rejections));
  }

  private FeasibilityCheck firstFailed(NodeInfo node, PlacementRequest request) {
    for (FeasibilityCheck check : checks) {
      if (!check.allows(node, request)) return check;
    }
    return null;
  }
}
