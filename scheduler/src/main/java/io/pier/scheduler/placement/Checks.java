package io.pier.scheduler.placement;

import io.pier.common.node.NodeInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/** The standard feasibility checks, in the order they run. */
public final class Checks {
  private Checks() {}

  /**
   * Every check a repl's node must pass: alive, taking work, a free slot, memory for its limits, its image and the
   * container runtime it asks for.
   */
  public static List<FeasibilityCheck> standard(Clock clock, Duration staleAfter) {
    return List.of(
        healthy(clock, staleAfter),
        notDraining(),
        freeSlot(),
        freeMemory(),
        hasImage(),
        hasRuntime());
  }

  /**
   * The standard checks, then one that the node's cluster member is still in the cluster: needed where the nodes come
   * from a {@link NodeTable}, which holds every {@code pier.nodes} entry until it is removed or expires. Last because
   * it is the dearest (Hazelcast's membership is a list walked per call): it runs only for the few nodes that pass
   * the others, not for every node a walk over a nearly full fleet meets.
   */
  public static List<FeasibilityCheck> standard(
      Clock clock, Duration staleAfter, Predicate<NodeInfo> inCluster) {
    List<FeasibilityCheck> checks = new ArrayList<>(standard(clock, staleAfter));
    checks.add(inCluster(inCluster));
    return List.copyOf(checks);
  }

  /** The node's cluster member has not left: a node-agent whose VM vanished is gone before its entry expires. */
  public static FeasibilityCheck inCluster(Predicate<NodeInfo> inCluster) {
    return check("not in the cluster", (node, request) -> inCluster.test(node));
  }

  /** The node published a heartbeat recently. */
  public static FeasibilityCheck healthy(Clock clock, Duration staleAfter) {
    return check(
        "no recent heartbeat",
        (node, request) -> node.heartbeatAt().plus(staleAfter).isAfter(clock.instant()));
  }

  public static FeasibilityCheck notDraining() {
    return check("draining", (node, request) -> !node.draining());
  }

  public static FeasibilityCheck freeSlot() {
    return check("no free slot", (node, request) -> node.load().repls() < node.capacity().slots());
  }

  /** Memory limits are never over-committed: swap is capped to the limit, so a full node would OOM-kill. */
  public static FeasibilityCheck freeMemory() {
    return check(
        "no free memory",
        (node, request) ->
            node.load().reservedMemoryMb() + request.limits().memoryMb()
                <= node.capacity().memoryMb());
  }

  public static FeasibilityCheck hasImage() {
    return check("no runner image", (node, request) -> node.images().contains(request.image()));
  }

  /** A repl that names a runtime (gVisor's {@code runsc}, say) only goes where dockerd has it; others go anywhere. */
  public static FeasibilityCheck hasRuntime() {
    return check(
        "no such container runtime",
        (node, request) ->
            request.limits().runtime() == null
                || node.runtimes().contains(request.limits().runtime()));
  }

  private static FeasibilityCheck check(
      String reason, BiPredicate<NodeInfo, PlacementRequest> test) {
    return new FeasibilityCheck() {
      @Override
      public String reason() {
        return reason;
      }

      @Override
      public boolean allows(NodeInfo node, PlacementRequest request) {
        return test.test(node, request);
      }
    };
  }
}
