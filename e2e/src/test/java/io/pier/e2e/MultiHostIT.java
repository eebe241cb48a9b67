package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pier.common.config.Mains;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A fleet across hosts ({@link FleetOnNamespaces}): the scheduler, two node-agents with a dockerd each, and the
 * edge-proxy in network namespaces of their own, reaching each other only by their hosts' addresses. Sessions and
 * previews cross hosts through the edge, a repl's files follow it from one node host to the other through storage,
 * and a repl's container on one node host is kept from the fleet's own services.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiHostIT {
  private static final String TEMPLATE = "static";
  private static FleetOnNamespaces fleet;
  private static Vertx vertx;
  /** Repls placed on node host A and node host B. */
  private static String onA;
  private static String onB;
  private static FleetOnNamespaces.Node nodeA;
  private static FleetOnNamespaces.Node nodeB;

  @BeforeAll
  static void startAFleetOfHostsAndAReplOnEachNodeHost() throws Exception {
    assumeTrue(NetworkNamespaces.available(), "needs root, ip netns and nsenter: skipping");
    fleet = new FleetOnNamespaces();
    fleet.start();
    vertx = Vertx.vertx();
    String first = create();
    String firstNode = start(first);
    String second = create();
    String secondNode = start(second);
    assertNotEquals(firstNode, secondNode, "placement spread the two repls over both node hosts");
    nodeA = fleet.nodes.get(0);
    nodeB = fleet.nodes.get(1);
    onA = firstNode.equals(nodeA.id()) ? first : second;
    onB = onA.equals(first) ? second : first;
  }

  @AfterAll
  static void stopTheFleet() {
    try {
      if (vertx != null) Mains.await(vertx.close(), Duration.ofSeconds(10));
    } finally {
      if (fleet != null) {
        fleet.close();
        System.out.println("[multihost] logs in " + fleet.logs());
      }
    }
  }

  @Test
  @Order(1)
  void eachNodeHostsReplServesAnIdeSessionAndAPreviewThroughTheEdgeHost() throws Exception {
    for (String slug : List.of(onA, onB)) {
      FleetOnNamespaces.Node node = slug.equals(onA) ? nodeA : nodeB;
      FleetOnNamespaces.Node other = slug.equals(onA) ? nodeB : nodeA;
      assertEquals(1, node.dockerd().containers("pier.slug", slug).size(), slug + " runs on its node's dockerd");
      assertTrue(other.dockerd().containers("pier.slug", slug).isEmpty(), slug + " runs on one node host only");
      try (SessionClient session = fleet.session(vertx, slug)) {
        int term = ok(session.request("term.open", new JsonObject().put("cols", 80).put("rows", 24))).getInteger("term");
        // Computed, so that the terminal's echo of the typed line cannot match.
        session.sendInput(term, "echo typed-on-$((6*7))\n");
        session.awaitOutput(term, "typed-on-42");
        ok(session.request("fs.write", new JsonObject().put("path", "whoami.txt").put("content", slug)));
      }
      HttpResponse<String> page = fleet.preview(slug, "/");
      assertEquals(200, page.statusCode(), page.body());
      assertTrue(page.body().contains("Hello from Pier on HTML"), page.body());
      HttpResponse<String> mine = fleet.preview(slug, "/whoami.txt");
      assertEquals(200, mine.statusCode(), mine.body());
      assertEquals(slug, mine.body(), "the edge reached this repl's app on " + node.id());
    }
  }

  @Test
  @Order(2)
  void aReplReachesNeitherItsOwnHostNorTheSchedulerHostButStillTheOutside() {
    Map<String, ReplProbes.Target> targets = new LinkedHashMap<>();
    targets.put("own-node-agent-api", new ReplProbes.Target(nodeA.host().address(), FleetOnNamespaces.NODE_PORT));
    targets.put("own-cluster-port", new ReplProbes.Target(nodeA.host().address(), FleetOnNamespaces.CLUSTER_PORT));
    targets.put("scheduler-api", new ReplProbes.Target(fleet.scheduler.address(), FleetOnNamespaces.SCHEDULER_PORT));
    targets.put("scheduler-cluster-port", new ReplProbes.Target(fleet.scheduler.address(), FleetOnNamespaces.CLUSTER_PORT));
    targets.put("s3", new ReplProbes.Target(fleet.scheduler.address(), FleetOnNamespaces.S3_PORT));
    assertRefusedFromReplOnA(targets);
    assertTrue(probeFromReplOnA(Map.of("outsider", outsider())).get("outsider"),
        "the probes can succeed: a repl reaches the outside world");
  }

  /** Each target listens (seen from the edge host) and a repl on node host A cannot connect to any of them. */
  private void assertRefusedFromReplOnA(Map<String, ReplProbes.Target> targets) {
    assertAllListening(targets);
    Map<String, Boolean> reachable = probeFromReplOnA(targets);
    reachable.forEach((target, open) -> assertFalse(open, "a repl on " + nodeA.id() + " reaches " + target + ": "
        + reachable));
  }

  /** Default-deny egress: node B is neither a cluster member nor storage, yet its private address is refused. */
  @Test
  @Order(3)
  void aReplReachesNoOtherNodeHostOfTheFleet() {
    Map<String, ReplProbes.Target> targets = new LinkedHashMap<>();
    targets.put("node-b-node-agent-api", new ReplProbes.Target(nodeB.host().address(), FleetOnNamespaces.NODE_PORT));
    targets.put("node-b-cluster-port", new ReplProbes.Target(nodeB.host().address(), FleetOnNamespaces.CLUSTER_PORT));
    targets.put("node-b-repl-published-port", nodeB.dockerd().published(container(nodeB, onB)));
    assertRefusedFromReplOnA(targets);
    assertTrue(probeFromReplOnA(Map.of("outsider", outsider())).get("outsider"),
        "default-deny keeps the outside world reachable");
  }

  @Test
  @Order(4)
  void aFileSavedOnOneNodeHostIsInStorageAfterStopAndComesBackOnTheOther() throws Exception {
    String content = "saved on " + nodeA.id();
    try (SessionClient session = fleet.session(vertx, onA)) {
      ok(session.request("fs.write", new JsonObject().put("path", "notes/saved.txt").put("content", content)));
    }
    HttpResponse<String> stopped = fleet.api("POST", "/api/repls/" + onA + "/stop", "");
    assertEquals(200, stopped.statusCode(), stopped.body());
    assertEquals(content, fleet.store.get("repls/" + onA + "/files/notes/saved.txt")
        .map(bytes -> new String(bytes, StandardCharsets.UTF_8)).orElse("(missing)"), "stored when the repl stopped");
    assertTrue(nodeA.dockerd().containers("pier.slug", onA).isEmpty(), "its container on node host A is gone");

    HttpResponse<String> drained = fleet.api("POST", "/api/nodes/" + nodeA.id() + "/drain", "");
    assertEquals(200, drained.statusCode(), drained.body());
    try {
      assertEquals(nodeB.id(), start(onA), "with node host A draining, the repl starts on node host B");
      assertEquals(1, nodeB.dockerd().containers("pier.slug", onA).size());
      try (SessionClient session = fleet.session(vertx, onA)) {
        assertEquals(content, ok(session.request("fs.read", new JsonObject().put("path", "notes/saved.txt")))
            .getString("content"), "the file came back on the other node host");
      }
    } finally {
      fleet.api("POST", "/api/nodes/" + nodeA.id() + "/undrain", "");
    }
  }

  /** Every target answers someone: from the edge host, another host of the fleet, each one accepts a connection. */
  private static void assertAllListening(Map<String, ReplProbes.Target> targets) {
    targets.forEach((name, target) -> assertTrue(NetworkNamespaces.connects(fleet.edge, target.host(), target.port()),
        name + " (" + target + ") listens: reachable from the edge host"));
  }

  private static Map<String, Boolean> probeFromReplOnA(Map<String, ReplProbes.Target> targets) {
    Map<String, Boolean> reachable = ReplProbes.reachability(nodeA.dockerd(), container(nodeA, onA), targets);
    System.out.println("[multihost] from a repl on " + nodeA.id() + ": " + reachable);
    return reachable;
  }

  private static ReplProbes.Target outsider() {
    return new ReplProbes.Target(fleet.outsider.address(), FleetOnNamespaces.OUTSIDER_PORT);
  }

  private static String container(FleetOnNamespaces.Node node, String slug) {
    List<String> ids = node.dockerd().containers("pier.slug", slug);
    assertEquals(1, ids.size(), slug + " has one container on " + node.id() + ": " + ids);
    return ids.get(0);
  }

  private static String create() throws Exception {
    HttpResponse<String> created = fleet.api("POST", "/api/repls", "{\"template\":\"" + TEMPLATE + "\"}");
    assertEquals(201, created.statusCode(), created.body());
    return new JsonObject(created.body()).getString("slug");
  }

  /** Starts the repl; returns the node it runs on. */
  private static String start(String slug) throws Exception {
    HttpResponse<String> started = fleet.api("POST", "/api/repls/" + slug + "/start", "");
    assertEquals(200, started.statusCode(), started.body());
    return new JsonObject(started.body()).getString("node");
  }

  private static JsonObject ok(JsonObject reply) {
    assertTrue(reply.getBoolean("ok", false), reply.encode());
    return reply;
  }
}
