package io.pier.scheduler.placement;

import io.pier.common.node.NodeInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Placement as a small pipeline: feasibility checks filter the nodes, then the best of {@code k} feasible nodes
 * drawn at random wins by score ("power of k choices"; k = 2 is the classic two-choice rule).
 *
 * <p>Why sample instead of taking the global best: heartbeats are a few seconds old, and several schedulers place
 * at once; all of them picking the single least-loaded node would pile repls onto it between heartbeats. Two random
 * choices keep the maximum load within a small factor of optimal while spreading concurrent decisions.
 *
 * <p>On a fleet of more than {@code sampleAbove} nodes (512 unless told) the checks do not run over every node: the
 * nodes are walked in a lazily shuffled order ({@link LazyShuffle}) and checked one by one only until {@code k} pass,
 * as large schedulers limit their candidates (Nomad's stack shuffles and stops at a limit; e2b's placement is best of
 * K). The first {@code k} feasible nodes of a uniformly random order are a uniform sample of the feasible ones, so
 * the choice is the same in distribution as after checking every node, at a cost that does not grow with the fleet
 * while most nodes have room. On a nearly full fleet the walk goes on until it meets the few nodes with room, and when
 * it ends with none every node has been checked: a repl is never refused while some node can take it.
 *
 * <p>Placement only chooses; it never takes room. The room is taken afterwards by {@link NodeRoom#reserve}, a
 * compare-and-set re-checked against the node's capacity, which is what keeps concurrent placements from
 * over-committing a node.
 */
public final class BestOfKPlacement implements Placement {
  /** Up to this many nodes, every node is checked: it costs a few microseconds. */
  public static final int FULL_SCAN_UP_TO = 512;

  private final List<FeasibilityCheck> checks;
  private final Scorer scorer;
  private final int k;
  private final RandomGenerator random;
  private final int sampleAbove;

  /**
   * @param random shared by every thread that places: it must be thread-safe when several do (the scheduler's
   *               event loops)
   */
  public BestOfKPlacement(
      List<FeasibilityCheck> checks, Scorer scorer, int k, RandomGenerator random) {
    this(checks, scorer, k, random, FULL_SCAN_UP_TO);
  }

  /**
   * @param sampleAbove on fleets larger than this, sample instead of checking every node ({@code
   *                    Integer.MAX_VALUE}: always check every node, the old behaviour the benchmark compares with)
   */
  public BestOfKPlacement(
      List<FeasibilityCheck> checks,
      Scorer scorer,
      int k,
      RandomGenerator random,
      int sampleAbove) {
    if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
    this.checks = List.copyOf(checks);
    this.scorer = scorer;
    this.k = k;
    this.random = random;
    this.sampleAbove = sampleAbove;
  }

  @Override
  public Decision place(List<NodeInfo> nodes, PlacementRequest request, Set<String> leftOut) {
    return nodes.size() > sampleAbove
        ? placeAmongSample(nodes, request, leftOut)
        : placeAmongAll(nodes, request, leftOut);
  }

  /** Best of the first {@code k} feasible nodes of a random order; checks every node only if it must. */
  private Decision placeAmongSample(
      List<NodeInfo> nodes, PlacementRequest request, Set<String> leftOut) {
    NodeInfo[] chosen = new NodeInfo[k];
    int found = 0;
    // Counted per check and named at the end: a walk over a nearly full fleet rejects hundreds of
    // nodes.
    int[] rejected = new int[checks.size()];
    LazyShuffle order = LazyShuffle.of(nodes.size(), random);
    while (found < k && order.hasNext()) {
      NodeInfo node = nodes.get(order.next());
      if (node == null || leftOut.contains(node.nodeId())) continue;
      int failed = firstFailedIndex(node, request);
      if (failed < 0) {
        chosen[found++] = node;
      } else {
        rejected[failed]++;
      }
    }
    Map<String, Integer> rejections = new LinkedHashMap<>();
    for (int i = 0; i < rejected.length; i++) {
      if (rejected[i] > 0) rejections.merge(checks.get(i).reason(), rejected[i], Integer::sum);
    }
    if (found == 0) return new Decision(Optional.empty(), Collections.unmodifiableMap(rejections));
    return new Decision(
        Optional.of(best(Arrays.asList(chosen).subList(0, found), request)),
        Collections.unmodifiableMap(rejections));
  }

  private Decision placeAmongAll(
      List<NodeInfo> nodes, PlacementRequest request, Set<String> leftOut) {
    List<NodeInfo> feasible = new ArrayList<>(nodes.size());
    Map<String, Integer> rejections = new LinkedHashMap<>();
    for (NodeInfo node : nodes) {
      if (node == null || leftOut.contains(node.nodeId())) continue;
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

  /** The position of the first check the node fails; -1 when it passes them all. */
  private int firstFailedIndex(NodeInfo node, PlacementRequest request) {
    for (int i = 0; i < checks.size(); i++) {
      if (!checks.get(i).allows(node, request)) return i;
    }
    return -1;
  }

  private FeasibilityCheck firstFailed(NodeInfo node, PlacementRequest request) {
    for (FeasibilityCheck check : checks) {
      if (!check.allows(node, request)) return check;
    }
    return null;
  }
}
