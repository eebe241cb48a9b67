package io.pier.scheduler.placement;

import static io.pier.scheduler.FakeNodes.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.ClusterState.Reservations;
import io.pier.common.cluster.InMemoryStringMap;
import io.pier.common.node.NodeInfo;
import io.pier.common.repl.Limits;
import io.pier.scheduler.FakeNodes;
import io.pier.scheduler.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Placement over a 10,000-node {@link NodeTable}, where it samples instead of checking every node: the load stays
 * spread, the few free nodes of a nearly full fleet are found, nodes that may not take a repl are never chosen, and
 * concurrent placements that reserve room never over-commit a node. No timings: the benchmark measures speed.
 */
class PlacementAtScaleTest {
  private static final int NODES = 10_000;
  private static final String IMAGE = "pier-runner-node:latest";
  private static final Duration STALE_AFTER = Duration.ofSeconds(15);
  private static final Limits LIMITS = new Limits(1, 512, 256);

  private final MutableClock clock = new MutableClock();
  private final Instant now = clock.instant();
  private final NodeTable table = new NodeTable();

  private static PlacementRequest request(int i) {
    return new PlacementRequest("r-" + i, LIMITS, IMAGE);
  }

  private BestOfKPlacement placement(int k, Predicate<NodeInfo> inCluster) {
    return new BestOfKPlacement(
        Checks.standard(clock, STALE_AFTER, inCluster), new LoadScorer(), k, new Random(k * 31L));
  }

  private void fleet(UnaryOperator<FakeNodes> shape) {
    for (int i = 0; i < NODES; i++)
      table.nodeChanged("n" + i, shape.apply(node("n" + i, now)).build());
  }

  /** Places {@code count} repls one after another, each counted on its node as its reservation event would. */
  private void placeOneByOne(Placement placement, int count) {
    for (int i = 0; i < count; i++) {
      NodeInfo chosen =
          placement
              .place(table.nodes(), request(i))
              .node()
              .orElseThrow(() -> new AssertionError("refused"));
      table.nodeChanged(chosen.nodeId(), FakeNodes.plusRepl(chosen, LIMITS.memoryMb()));
    }
  }

  private int[] replsPerNode() {
    return table.nodes().stream().mapToInt(n -> n.load().repls()).toArray();
  }

  private static int max(int[] values) {
    int max = 0;
    for (int v : values) max = Math.max(max, v);
    return max;
  }

  @Test
  void twoChoicesKeepTheFullestNodeNearTheMean() {
    fleet(b -> b.slots(40).memoryMb(40 * 512));
    placeOneByOne(placement(2, n -> true), 100_000);
    int[] perNode = replsPerNode();
    assertEquals(100_000, Arrays.stream(perNode).sum());
    // Mean 10; two choices leave the fullest at about ln ln n / ln 2 + mean (measured 13-14), one
    // choice at about
    // mean + ln n / ln ln n (measured about 24).
    assertTrue(max(perNode) <= 15, "fullest node with two choices: " + max(perNode) + ", mean 10");
  }

  @Test
  void oneChoiceSpreadsWorseThanTwo() {
    fleet(b -> b.slots(40).memoryMb(40 * 512));
    placeOneByOne(placement(1, n -> true), 100_000);
    assertTrue(max(replsPerNode()) >= 18, "one choice: fullest " + max(replsPerNode()));
  }

  @Test
  void aNearlyFullFleetStillFindsTheFewNodesWithRoom() {
    fleet(b -> b.slots(10).repls(10));
    Set<String> withRoom = Set.of("n17", "n4242", "n9999");
    for (String id : withRoom) table.nodeChanged(id, node(id, now).slots(10).repls(9).build());
    Placement placement = placement(2, n -> true);
    Set<String> chosen = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      NodeInfo node = placement.place(table.nodes(), request(i)).node().orElseThrow();
      chosen.add(node.nodeId());
      table.nodeChanged(node.nodeId(), FakeNodes.plusRepl(node, LIMITS.memoryMb()));
    }
    assertEquals(withRoom, chosen);
    Placement.Decision refused = placement.place(table.nodes(), request(3));
    assertTrue(refused.node().isEmpty());
    assertEquals(Map.of("no free slot", NODES), refused.rejections(), "every node was checked");
  }

  @Test
  void drainingLeftOutAndDepartedNodesAreNeverChosen() {
    fleet(b -> b);
    Random random = new Random(5);
    Set<String> leftOut = new HashSet<>();
    for (int i = 0; i < NODES; i++) {
      String id = "n" + i;
      int pick = random.nextInt(10);
      if (pick < 3) table.nodeChanged(id, node(id, now).draining().build());
      else if (pick < 5) leftOut.add(id);
    }
    Predicate<NodeInfo> inCluster = n -> !n.nodeId().endsWith("7");
    Placement placement = placement(2, inCluster);
    for (int i = 0; i < 20_000; i++) {
      NodeInfo chosen = placement.place(table.nodes(), request(i), leftOut).node().orElseThrow();
      assertFalse(chosen.draining(), chosen.nodeId());
      assertFalse(leftOut.contains(chosen.nodeId()), chosen.nodeId());
      assertTrue(inCluster.test(chosen), chosen.nodeId());
    }
    // With every node that may take the repl left out, it is refused.
    Set<String> all = new HashSet<>();
    for (NodeInfo n : table.nodes()) all.add(n.nodeId());
    assertTrue(placement.place(table.nodes(), request(0), all).node().isEmpty());
  }

  /**
   * Four threads start 10,200 repls on 10,000 nodes of one slot and 512 MB each, as {@code ReplStarter} does: place
   * over the table, reserve by compare-and-set, leave the node out and place again when another start took its room
   * first. The table follows the cluster maps, so every reservation reaches every thread's next placement.
   */
  @Test
  void concurrentPlacementsNeverOverCommitANode() throws Exception {
    ClusterState cluster = new ClusterState(name -> new InMemoryStringMap(clock));
    NodeTableFeed feed = new NodeTableFeed(cluster, table);
    feed.listen();
    for (int i = 0; i < NODES; i++)
      cluster.nodes().put("n" + i, node("n" + i, now).slots(1).memoryMb(512).build());
    feed.resync();
    assertEquals(NODES, table.size());
    NodeRoom room = new NodeRoom(cluster, clock, table);
    Placement placement =
        new BestOfKPlacement(
            Checks.standard(clock, STALE_AFTER, cluster::isAlive),
            new LoadScorer(),
            2,
            () -> ThreadLocalRandom.current().nextLong());
    AtomicInteger started = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < 2_550; i++) {
                    if (start(room, placement, "t" + thread + "-" + i)) started.incrementAndGet();
                  }
                }));
      }
      for (Future<?> f : done) f.get();
    } finally {
      threads.shutdownNow();
    }
    // Starts refused while room was left (four nodes taken from under one start) are tried again:
    // every slot fills.
    int more = 0;
    while (start(room, placement, "more-" + more)) more++;
    Map<String, Reservations> reserved = cluster.reservations().entries().result();
    int total = 0;
    for (Map.Entry<String, Reservations> e : reserved.entrySet()) {
      int repls = e.getValue().memoryMb().size();
      long memory = e.getValue().memoryMb().values().stream().mapToLong(Long::longValue).sum();
      assertTrue(repls <= 1, e.getKey() + " has " + repls + " repls on 1 slot");
      assertTrue(memory <= 512, e.getKey() + " has " + memory + " MB of 512");
      total += repls;
    }
    assertEquals(NODES, total, "every slot taken once");
    assertEquals(NODES, started.get() + more);
    assertTrue(started.get() > 9_500, started.get() + " started by the threads");
  }

  /** Place, reserve, and on a lost race leave the node out and try again: ReplStarter's loop. */
  private static boolean start(NodeRoom room, Placement placement, String slug) {
    Set<String> leftOut = new HashSet<>();
    for (int attempt = 0; attempt < 4; attempt++) {
      List<NodeInfo> nodes = room.candidates().result();
      Optional<NodeInfo> node =
          placement.place(nodes, new PlacementRequest(slug, LIMITS, IMAGE), leftOut).node();
      if (node.isEmpty()) return false;
      if (room.reserve(node.get().nodeId(), slug, LIMITS.memoryMb()).result()) return true;
      leftOut.add(node.get().nodeId());
    }
    return false;
  }
}
