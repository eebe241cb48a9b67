package io.pier.scheduler.bench;

import io.pier.common.node.NodeCapacity;
import io.pier.common.node.NodeInfo;
import io.pier.common.node.NodeLoad;
import io.pier.common.repl.Limits;
import io.pier.scheduler.placement.BestOfKPlacement;
import io.pier.scheduler.placement.Checks;
import io.pier.scheduler.placement.LoadScorer;
import io.pier.scheduler.placement.Placement;
import io.pier.scheduler.placement.PlacementRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Placements per second with the real placement code over fake nodes, each placement updating the chosen node's load,
 * as the scheduler sees it between heartbeats. Two runs per k: an empty fleet of big nodes (400 slots), and a fleet of
 * small nodes (40 slots) filled to 95 % of its slots, where most draws meet full nodes. Each run also counts nodes
 * over their slots or memory (over-commit; must be 0). Prints its figures; run with {@code bench/run.sh placement
 * [nodes] [placements]}.
 */
public final class PlacementBenchmark {
  private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
  private static final List<String> IMAGES =
      List.of("pier-runner-node:latest", "pier-runner-python:latest");
  private static final Limits LIMITS = new Limits(1, 512, 256);

  private PlacementBenchmark() {}

  public static void main(String[] args) {
    int nodeCount = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int placements = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    for (int k : new int[] {1, 2, 3}) {
      run("empty fleet, 400 slots", k, nodeCount, 400, placements);
      run("filled to 95 %, 40 slots", k, nodeCount, 40, nodeCount * 40 * 95 / 100);
    }
  }

  private static void run(String name, int k, int nodeCount, int slots, int placements) {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    List<NodeInfo> nodes = new ArrayList<>(nodeCount);
    for (int i = 0; i < nodeCount; i++) {
      nodes.add(
          new NodeInfo(
              "n" + i,
              "http://10.0.0." + i,
              new NodeCapacity(slots, slots * 512L, 32),
              new NodeLoad(0, 0, 0, 0, List.of()),
              false,
              IMAGES,
              NOW));
    }
    Placement placement =
        new BestOfKPlacement(
            Checks.standard(clock, Duration.ofSeconds(15)),
            new LoadScorer(),
            k,
            new SplittableRandom(42));
    // warm-up: let the JIT see the code before measuring (the fleet stays empty)
    for (int i = 0; i < 20_000; i++)
      placement.place(nodes, new PlacementRequest("w", LIMITS, IMAGES.get(0)));
    long start = System.nanoTime();
    for (int i = 0; i < placements; i++) {
      Placement.Decision decision =
          placement.place(nodes, new PlacementRequest("r" + i, LIMITS, IMAGES.get(i % 2)));
      NodeInfo chosen =
          decision
              .node()
              .orElseThrow(() -> new IllegalStateException("refused: " + decision.explain()));
      int index = Integer.parseInt(chosen.nodeId().substring(1));
      nodes.set(
          index,
          chosen.withLoad(
              new NodeLoad(
                  chosen.load().repls() + 1,
                  chosen.load().reservedMemoryMb() + LIMITS.memoryMb(),
                  0,
                  0,
                  List.of())));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    int max = nodes.stream().mapToInt(n -> n.load().repls()).max().orElse(0);
    int min = nodes.stream().mapToInt(n -> n.load().repls()).min().orElse(0);
    long overCommitted =
        nodes.stream()
            .filter(
                n ->
                    n.load().repls() > n.capacity().slots()
                        || n.load().reservedMemoryMb() > n.capacity().memoryMb())
            .count();
    System.out.printf(
        "%-26s k=%d  %,d nodes  %,d placements in %.2f s = %,.0f placements/s  (%.1f µs each)  "
            + "repls per node: min %d, max %d, mean %.1f  over-committed nodes: %d%n",
        name,
        k,
        nodeCount,
        placements,
        seconds,
        placements / seconds,
        seconds * 1e6 / placements,
        min,
        max,
        (double) placements / nodeCount,
        overCommitted);
  }
}
