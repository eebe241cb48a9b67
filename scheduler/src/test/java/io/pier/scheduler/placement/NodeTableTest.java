package io.pier.scheduler.placement;

import static io.pier.scheduler.FakeNodes.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.ClusterState.Reservations;
import io.pier.common.cluster.InMemoryStringMap;
import io.pier.common.node.NodeInfo;
import io.pier.scheduler.FakeNodes;
import io.pier.scheduler.MutableClock;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeTableTest {
  private final MutableClock clock = new MutableClock();
  private final Instant now = clock.instant();
  private final NodeTable table = new NodeTable();

  private NodeInfo get(String id) {
    for (NodeInfo n : table.nodes()) {
      if (n != null && n.nodeId().equals(id)) return n;
    }
    return null;
  }

  private Set<String> ids() {
    Set<String> ids = new HashSet<>();
    for (NodeInfo n : table.nodes()) assertTrue(ids.add(n.nodeId()), "twice: " + n.nodeId());
    return ids;
  }

  @Test
  void anAddedNodeIsThereAndAnUpdateReplacesItInPlace() {
    table.nodeChanged("a", node("a", now).build());
    table.nodeChanged("b", node("b", now).build());
    table.nodeChanged("a", node("a", now).repls(3).build());
    assertEquals(2, table.size());
    assertEquals(3, get("a").load().repls());
    assertEquals(Set.of("a", "b"), ids());
  }

  @Test
  void aRemovedNodeIsGoneAndTheLastTakesItsPlace() {
    for (int i = 0; i < 100; i++) table.nodeChanged("n" + i, node("n" + i, now).build());
    table.nodeChanged("n10", null);
    table.nodeChanged("n99", null);
    table.nodeChanged("n0", null);
    assertEquals(97, table.size());
    Set<String> ids = ids();
    assertEquals(97, ids.size());
    assertTrue(!ids.contains("n10") && !ids.contains("n99") && !ids.contains("n0"), ids.toString());
    // The moved node is still updated in its new place.
    table.nodeChanged("n98", node("n98", now).repls(7).build());
    assertEquals(7, get("n98").load().repls());
    assertEquals(97, table.size());
    table.nodeChanged("n10", null);
    assertEquals(97, table.size(), "removing what is gone changes nothing");
  }

  @Test
  void reservationsAreAddedToTheLoadUntilTheyAreGone() {
    table.nodeChanged("a", node("a", now).build());
    table.reservationsChanged("a", Reservations.NONE.with("r1", 512, now).with("r2", 256, now));
    assertEquals(2, get("a").load().repls());
    assertEquals(768, get("a").load().reservedMemoryMb());
    // The heartbeat that lists r1 counts it once.
    NodeInfo confirmed =
        node("a", now).build().withLoad(node("a", now).build().load().plus("r1", 512));
    table.nodeChanged("a", confirmed);
    assertEquals(2, get("a").load().repls());
    table.reservationsChanged("a", null);
    assertEquals(1, get("a").load().repls());
    assertEquals(512, get("a").load().reservedMemoryMb());
  }

  @Test
  void reservationsOfANodeNotSeenYetCountOnceItArrives() {
    table.reservationsChanged("late", Reservations.NONE.with("r1", 512, now));
    assertEquals(0, table.size());
    table.nodeChanged("late", node("late", now).build());
    assertEquals(1, get("late").load().repls());
  }

  @Test
  void aViewTakenBeforeAChangeKeepsItsSize() {
    table.nodeChanged("a", node("a", now).build());
    List<NodeInfo> before = table.nodes();
    table.nodeChanged("b", node("b", now).build());
    table.nodeChanged("a", null);
    assertEquals(1, before.size());
    assertEquals(1, table.nodes().size());
    assertEquals("b", table.nodes().get(0).nodeId());
  }

  @Test
  void aFullReadTakesInNodesAndDropsThoseNotInIt() {
    table.nodeChanged("old", node("old", now).build());
    long since = table.changeCount();
    Map<String, NodeInfo> nodes = new HashMap<>();
    nodes.put("x", node("x", now).build());
    nodes.put("y", node("y", now).repls(2).build());
    table.load(nodes, Map.of("x", Reservations.NONE.with("r", 100, now)), since);
    assertEquals(Set.of("x", "y"), ids());
    assertEquals(1, get("x").load().repls());
  }

  @Test
  void anEventDuringAFullReadWinsOverIt() {
    long since = table.changeCount();
    // The read began before these events: its stale view of "gone" and "busy" must not undo them.
    table.nodeChanged("busy", node("busy", now).repls(5).build());
    table.nodeChanged("gone", node("gone", now).build());
    table.nodeChanged("gone", null);
    table.load(
        Map.of("gone", node("gone", now).build(), "busy", node("busy", now).build()),
        Map.of(),
        since);
    assertEquals(Set.of("busy"), ids());
    assertEquals(5, get("busy").load().repls());
    // The next read, begun after, applies in full.
    long later = table.changeCount();
    table.load(Map.of("busy", node("busy", now).build()), Map.of(), later);
    assertEquals(0, get("busy").load().repls());
  }

  @Test
  void placementReadsTheTableOnceItIsLoadedAndTheMapsBefore() {
    ClusterState cluster = new ClusterState(name -> new InMemoryStringMap(clock));
    cluster.nodes().put("a", node("a", now).build());
    NodeRoom room = new NodeRoom(cluster, clock, table);
    assertEquals(1, room.candidates().result().size(), "not loaded yet: read from the maps");
    assertTrue(!table.loaded());
    Vertx vertx = Vertx.vertx();
    try {
      NodeTable followed = NodeTableFeed.following(vertx, cluster);
      assertTrue(followed.loaded(), "off an event loop the first read is done at once");
      room = new NodeRoom(cluster, clock, followed);
      cluster.nodes().put("b", node("b", now).build());
      List<NodeInfo> nodes = room.candidates().result();
      assertEquals(2, nodes.size());
      cluster.nodes().put("c", node("c", now).build());
      assertEquals(2, nodes.size(), "a view keeps its size");
      assertEquals(3, room.candidates().result().size());
    } finally {
      vertx.close();
    }
  }

  @Test
  void theFeedFollowsTheClusterMaps() {
    ClusterState cluster = new ClusterState(name -> new InMemoryStringMap(clock));
    cluster.nodes().put("before", node("before", now).build());
    NodeTableFeed feed = new NodeTableFeed(cluster, table);
    feed.listen();
    feed.resync();
    assertEquals(Set.of("before"), ids());

    cluster.nodes().put("a", node("a", now).build());
    cluster.nodes().put("b", FakeNodes.node("b", now).draining().build());
    cluster.reservations().put("a", Reservations.NONE.with("r1", 512, now));
    assertEquals(Set.of("before", "a", "b"), ids());
    assertEquals(1, get("a").load().repls());
    assertTrue(get("b").draining());

    cluster.nodes().remove("before");
    cluster.reservations().remove("a");
    assertEquals(Set.of("a", "b"), ids());
    assertEquals(0, get("a").load().repls());
    assertNull(get("before"));
  }
}
