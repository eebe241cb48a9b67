package io.pier.common.cluster.hazelcast;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.pier.common.cluster.ClusterConfig;
import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.StringMap;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real Hazelcast members on loopback, configured as Pier configures them: a data member (a scheduler or
 * node-agent) and a lite member (an edge-proxy). The edge answers repeated reads of a route from its near cache, not
 * over the network, and a changed or removed route reaches it without waiting for the cache to expire.
 */
class HazelcastNearCacheIT {
  private HazelcastInstance data;
  private HazelcastInstance edge;

  @BeforeEach
  void startADataMemberAndAnEdge() throws Exception {
    String cluster = "near-cache-it-" + UUID.randomUUID();
    List<String> members = List.of("127.0.0.1");
    data =
        Hazelcast.newHazelcastInstance(
            HazelcastCluster.hazelcastConfig(
                new ClusterConfig(cluster, members, "127.0.0.1", 5701, false)));
    edge =
        Hazelcast.newHazelcastInstance(
            HazelcastCluster.hazelcastConfig(
                new ClusterConfig(cluster, members, "127.0.0.1", 5701, true)));
    Eventually.holds(() -> data.getCluster().getMembers().size() == 2, "the edge joined");
  }

  @AfterEach
  void stopTheMembers() {
    if (edge != null) edge.getLifecycleService().terminate();
    if (data != null) data.getLifecycleService().terminate();
  }

  @Test
  void theEdgeAnswersRepeatedReadsOfARouteFromItsNearCache() throws Exception {
    data.<String, String>getMap(ClusterState.ROUTES).set("brave-otter", "route-1");
    IMap<String, String> routes = edge.getMap(ClusterState.ROUTES);
    // The set's invalidation travels to the edge on its own and may drop the entry the first read
    // cached: once a read is answered locally, the entry stays.
    Eventually.holds(
        () -> {
          long hits = routes.getLocalMapStats().getNearCacheStats().getHits();
          return "route-1".equals(routes.get("brave-otter"))
              && routes.getLocalMapStats().getNearCacheStats().getHits() == hits + 1;
        },
        "a read answered from the near cache");
    long hitsBefore = routes.getLocalMapStats().getNearCacheStats().getHits();
    for (int i = 0; i < 100; i++) assertEquals("route-1", routes.get("brave-otter"));
    assertEquals(
        hitsBefore + 100,
        routes.getLocalMapStats().getNearCacheStats().getHits(),
        "every repeated read was answered locally");
  }

  @Test
  void aChangedOrRemovedRouteReachesTheEdgesCache() throws Exception {
    IMap<String, String> owner = data.getMap(ClusterState.ROUTES);
    IMap<String, String> routes = edge.getMap(ClusterState.ROUTES);
    owner.set("brave-otter", "node-a:40001");
    assertEquals("node-a:40001", routes.get("brave-otter"));
    assertEquals("node-a:40001", routes.get("brave-otter"));

    owner.set("brave-otter", "node-b:40007");
    Eventually.holds(
        () -> "node-b:40007".equals(routes.get("brave-otter")), "the moved route at the edge");
    owner.delete("brave-otter");
    Eventually.holds(() -> routes.get("brave-otter") == null, "the removed route at the edge");
    assertNull(routes.get("brave-otter"));
  }

  @Test
  void aReadFromTheOwnerIsNotAnsweredByTheNearCache() throws Exception {
    data.<String, String>getMap(ClusterState.ROUTES).set("brave-otter", "route-1");
    IMap<String, String> routes = edge.getMap(ClusterState.ROUTES);
    assertEquals("route-1", routes.get("brave-otter"));
    var stats = routes.getLocalMapStats().getNearCacheStats();
    long hits = stats.getHits();
    long misses = stats.getMisses();
    Vertx vertx = Vertx.vertx();
    try {
      StringMap fromOwner = new HazelcastStringMap(vertx, routes);
      assertEquals(
          "route-1",
          fromOwner
              .getFromOwner("brave-otter")
              .toCompletionStage()
              .toCompletableFuture()
              .get(5, SECONDS));
      assertNull(
          fromOwner
              .getFromOwner("no-otter")
              .toCompletionStage()
              .toCompletableFuture()
              .get(5, SECONDS));
    } finally {
      vertx.close();
    }
    var after = routes.getLocalMapStats().getNearCacheStats();
    assertEquals(hits, after.getHits(), "no near-cache hit");
    assertEquals(misses, after.getMisses(), "the near cache was not asked at all");
  }

  @Test
  void onlyTheEdgeKeepsANearCacheAndOnlyOfRoutesAndRepls() {
    assertTrue(
        Objects.isNull(
            HazelcastCluster.hazelcastConfig(
                    new ClusterConfig("c", List.of("127.0.0.1"), "127.0.0.1", 5701, false))
                .getMapConfig(ClusterState.ROUTES)
                .getNearCacheConfig()),
        "a data member caches nothing");
    var edgeConfig =
        HazelcastCluster.hazelcastConfig(
            new ClusterConfig("c", List.of("127.0.0.1"), "127.0.0.1", 5701, true));
    assertTrue(
        edgeConfig.getMapConfig(ClusterState.ROUTES).getNearCacheConfig().isInvalidateOnChange());
    assertTrue(
        edgeConfig.getMapConfig(ClusterState.REPLS).getNearCacheConfig().isInvalidateOnChange());
    assertNull(edgeConfig.getMapConfig(ClusterState.ACCOUNTS).getNearCacheConfig());
  }
}
