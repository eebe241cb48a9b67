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
 *
 * <p>On a fleet of more than {@value #FULL_SCAN_UP_TO} nodes the checks do not run over every node: nodes are drawn at
 * random and checked one by one until {@code k} pass, at most {@value #PROBES} draws (the way large schedulers
 * limit their candidates). The first {@code k} feasible nodes of a random order are a uniform sample of the feasible
 * ones, so the choice is the same in distribution, at a cost that does not grow with the fleet. When the draws find
 * fewer than {@code k} (most nodes full, draining or stale), every node is checked as on a small fleet: a repl is
 * never refused while some node can take it.
 */
public final class BestOfKPlacement implements Placement {
  /** Up to this many nodes, every node is checked: it costs a few microseconds. */
  static final int FULL_SCAN_UP_TO = 512;

  /** How many random draws look for {@code k} feasible nodes on a larger fleet before checking them all. */
  static final int PROBES = 64;

  private final List<FeasibilityCheck> checks;
  private final Scorer scorer;
  private final int k;
  private final RandomGenerator random;

  public BestOfKPlacement(
      List<FeasibilityCheck> checks, Scorer scorer, int k, RandomGenerator random) {
    if (k < 1 || k > PROBES)
      throw new IllegalArgumentException("k must be 1.." + PROBES + ", got " + k);
    this.checks = List.copyOf(checks);
    this.scorer = scorer;
    this.k = k;
    this.random = random;
  }

  @Override
  public Decision place(List<NodeInfo> nodes, PlacementRequest request) {
    if (nodes.size() > FULL_SCAN_UP_TO) {
      Decision sampled = placeAmongDraws(nodes, request);
      if (sampled != null) return sampled;
    }
    return placeAmongAll(nodes, request);
  }

  /** Best of the first {@code k} feasible nodes drawn at random; null when the draws found fewer. */
  private Decision placeAmongDraws(List<NodeInfo> nodes, PlacementRequest request) {
    int[] chosen = new int[k];
    int found = 0;
    Map<String, Integer> rejections = new LinkedHashMap<>();
    for (int draw = 0; draw < PROBES && found < k; draw++) {
      int index = random.nextInt(nodes.size());
      if (alreadyChosen(chosen, found, index)) continue;
      FeasibilityCheck failed = firstFailed(nodes.get(index), request);
      if (failed == null) {
        chosen[found++] = index;
      } else {
        rejections.merge(failed.reason(), 1, Integer::sum);
      }
    }
    if (found < k) return null;
    List<NodeInfo> candidates = new ArrayList<>(found);
    for (int i = 0; i < found; i++) candidates.add(nodes.get(chosen[i]));
    return new Decision(
        Optional.of(best(candidates, request)), Collections.unmodifiableMap(rejections));
  }

  private static boolean alreadyChosen(int[] chosen, int found, int index) {
    for (int i = 0; i < found; i++) {
      if (chosen[i] == index) return true;
    }
    return false;
  }

  private Decision placeAmongAll(List<NodeInfo> nodes, PlacementRequest request) {
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
    if (feasible.isEmpty())
      return new Decision(Optional.empty(), Collections.unmodifiableMap(rejections));
    int draws = Math.min(k, feasible.size());
    // Partial Fisher-Yates: the first `draws` positions become a uniform sample without repeats.
    for (int i = 0; i < draws; i++) {
      Collections.swap(feasible, i, i + random.nextInt(feasible.size() - i));
    }
    return new Decision(
        Optional.of(best(feasible.subList(0, draws), request)),
        Collections.unmodifiableMap(rejections));
  }

  /** The candidate with the lowest score; the first of equals. */
  private NodeInfo best(List<NodeInfo> candidates, PlacementRequest request) {
    NodeInfo best = null;
    double bestScore = Double.POSITIVE_INFINITY;
    for (NodeInfo node : candidates) {
      double score = scorer.score(node, request);
      if (score < bestScore) {
        bestScore = score;
        best = node;
      }
    }
    return best;
  }

  private FeasibilityCheck firstFailed(NodeInfo node, PlacementRequest request) {
    for (FeasibilityCheck check : checks) {
      if (!check.allows(node, request)) return check;
    }
    return null;
  }
}
