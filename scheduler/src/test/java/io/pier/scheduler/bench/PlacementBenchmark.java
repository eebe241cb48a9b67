package io.pier.scheduler.bench;

import io.pier.common.node.NodeCapacity;
import io.pier.common.node.NodeInfo;
import io.pier.common.node.NodeLoad;
import io.pier.common.repl.Limits;
import io.pier.scheduler.placement.BestOfKPlacement;
import io.pier.scheduler.placement.Checks;
import io.pier.scheduler.placement.LoadScorer;
import io.pier.scheduler.placement.NodeTable;
import io.pier.scheduler.placement.Placement;
import io.pier.scheduler.placement.PlacementRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Placements per second with the real placement code over a {@link NodeTable} of fake nodes: Pier's placement (it
 * samples above 512 nodes) beside the same code checking every node (the floor: how placement worked before, and how
 * it still works on small fleets), at 1,000 and 10,000 nodes, in one run. Each placement is counted on its node in the
 * table, as the reservation's event does in the scheduler. Two fleets: empty nodes of 400 slots, and a nearly full
 * fleet where 99 % of the nodes (40 slots) are full and 1 % have one slot free; there each placement's room is given
 * back at once (a start that ended), so the fleet stays that full through the run. Every placement is checked against
 * its node's room (over-commit; must be 0). Run with {@code bench/run.sh placement [placements]}.
 */
public final class PlacementBenchmark {
  private static final Instant NOW = Instant.parse("2026-12-06T00:00:00Z");
  private static final List<String> IMAGES =
      List.of("pier-runner-node:latest", "pier-runner-python:latest");
  private static final Limits LIMITS = new Limits(1, 512, 256);
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private PlacementBenchmark() {}

  public static void main(String[] args) {
    int placements = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    System.out.printf(
        "%-8s %-12s %-30s %14s %10s %16s %14s %s%n",
        "nodes",
        "fleet",
        "placement",
        "placements/s",
        "µs each",
        "nodes rejected",
        "repls/node",
        "over-committed");
    for (int nodes : new int[] {1_000, 10_000}) {
      for (boolean nearlyFull : new boolean[] {false, true}) {
        run(
            nodes,
            nearlyFull,
            "Pier (samples above 512)",
            BestOfKPlacement.FULL_SCAN_UP_TO,
            placements);
        run(nodes, nearlyFull, "every node checked (floor)", Integer.MAX_VALUE, placements);
      }
    }
  }

  private static void run(
      int nodeCount, boolean nearlyFull, String name, int sampleAbove, int placements) {
    NodeTable table = fleet(nodeCount, nearlyFull);
    Placement placement =
        new BestOfKPlacement(
            Checks.standard(CLOCK, Duration.ofSeconds(15), node -> true),
            new LoadScorer(),
            2,
            () -> ThreadLocalRandom.current().nextLong(),
            sampleAbove);
    // Warm-up: let the JIT see the code before measuring, on a fleet of its own, for about a second
    // (the
    // placements the scan over 10,000 nodes manages in a second are enough for it; the sampled ones
    // need more).
    NodeTable warmUp = fleet(nodeCount, nearlyFull);
    long warmUntil = System.nanoTime() + 1_000_000_000L;
    for (int round = 0; round < placements / 100 && System.nanoTime() < warmUntil; round++)
      place(warmUp, placement, nearlyFull, 100);
    long start = System.nanoTime();
    long[] counts = place(table, placement, nearlyFull, placements);
    double seconds = (System.nanoTime() - start) / 1e9;
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (NodeInfo n : table.nodes()) {
      min = Math.min(min, n.load().repls());
      max = Math.max(max, n.load().repls());
    }
    System.out.printf(
        "%,-8d %-12s %-30s %,14.0f %10.1f %16.1f %14s %d%n",
        nodeCount,
        nearlyFull ? "99 % full" : "empty",
        name,
        placements / seconds,
        seconds * 1e6 / placements,
        (double) counts[1] / placements,
        min + "–" + max,
        counts[0]);
  }

  /** @return nodes over their room after a placement, and nodes rejected in all */
  private static long[] place(NodeTable table, Placement placement, boolean giveBack, int count) {
    long overCommitted = 0;
    long rejected = 0;
    for (int i = 0; i < count; i++) {
      Placement.Decision decision =
          placement.place(table.nodes(), new PlacementRequest("r" + i, LIMITS, IMAGES.get(i % 2)));
      NodeInfo chosen =
          decision
              .node()
              .orElseThrow(() -> new IllegalStateException("refused: " + decision.explain()));
      for (int n : decision.rejections().values()) rejected += n;
      NodeLoad load = chosen.load();
      NodeInfo placed =
          chosen.withLoad(
              new NodeLoad(
                  load.repls() + 1, load.reservedMemoryMb() + LIMITS.memoryMb(), 0, 0, List.of()));
      if (placed.load().repls() > placed.capacity().slots()
          || placed.load().reservedMemoryMb() > placed.capacity().memoryMb()) overCommitted++;
      table.nodeChanged(chosen.nodeId(), placed);
      if (giveBack) table.nodeChanged(chosen.nodeId(), chosen);
    }
    return new long[] {overCommitted, rejected};
  }

  private static NodeTable fleet(int nodeCount, boolean nearlyFull) {
    NodeTable table = new NodeTable();
    for (int i = 0; i < nodeCount; i++) {
      int slots = nearlyFull ? 40 : 400;
      int repls = nearlyFull ? (i % 100 == 37 ? slots - 1 : slots) : 0;
      table.nodeChanged(
          "n" + i,
          new NodeInfo(
              "n" + i,
              "http://10.0.0." + i,
              new NodeCapacity(slots, slots * 512L, 32),
              new NodeLoad(repls, repls * 512L, 0, 0, List.of()),
              false,
              IMAGES,
              NOW));
    }
    return table;
  }
}
