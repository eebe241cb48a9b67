package io.pier.scheduler.placement;

import io.pier.common.node.NodeInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BiPredicate;

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
