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
import java.util.TreeMap;
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
    assertSessionsAndPreviewsAcrossHosts();
  }

  /** On each node host, its repl answers an IDE session and a preview through the edge host. */
  private static void assertSessionsAndPreviewsAcrossHosts() throws Exception {
    for (String slug : List.of(onA, onB)) {
      FleetOnNamespaces.Node node = slug.equals(onA) ? nodeA : nodeB;
      FleetOnNamespaces.Node other = slug.equals(onA) ? nodeB : nodeA;
      assertEquals(
          1,
          node.dockerd().containers("pier.slug", slug).size(),
          slug + " runs on its node's dockerd");
      assertTrue(
          other.dockerd().containers("pier.slug", slug).isEmpty(),
          slug + " runs on one node host only");
      try (SessionClient session = fleet.session(vertx, slug)) {
        int term =
            SessionClient.ok(
                    session.request("term.open", new JsonObject().put("cols", 80).put("rows", 24)))
                .getInteger("term");
        // Computed, so that the terminal's echo of the typed line cannot match.
        session.sendInput(term, "echo typed-on-$((6*7))\n");
        session.awaitOutput(term, "typed-on-42");
        SessionClient.ok(
            session.request(
                "fs.write", new JsonObject().put("path", "whoami.txt").put("content", slug)));
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
    assertReplKeptFromItsOwnHostAndTheScheduler();
  }

  private static void assertReplKeptFromItsOwnHostAndTheScheduler() {
    Map<String, ReplProbes.Target> targets = new LinkedHashMap<>();
    targets.put(
        "own-node-agent-api",
        new ReplProbes.Target(nodeA.host().address(), FleetOnNamespaces.NODE_PORT));
    targets.put(
        "own-cluster-port",
        new ReplProbes.Target(nodeA.host().address(), FleetOnNamespaces.CLUSTER_PORT));
    targets.put(
        "scheduler-api",
        new ReplProbes.Target(fleet.scheduler.address(), FleetOnNamespaces.SCHEDULER_PORT));
    targets.put(
        "scheduler-cluster-port",
        new ReplProbes.Target(fleet.scheduler.address(), FleetOnNamespaces.CLUSTER_PORT));
    targets.put("s3", new ReplProbes.Target(fleet.scheduler.address(), FleetOnNamespaces.S3_PORT));
    assertRefusedFromReplOnA(targets);
    assertTrue(
        probeFromReplOnA(Map.of("outsider", outsider())).get("outsider"),
        "the probes can succeed: a repl reaches the outside world");
  }

  /** Each target listens (seen from the edge host) and a repl on node host A cannot connect to any of them. */
  private static void assertRefusedFromReplOnA(Map<String, ReplProbes.Target> targets) {
    assertAllListening(targets);
    Map<String, Boolean> reachable = probeFromReplOnA(targets);
    reachable.forEach(
        (target, open) ->
            assertFalse(open, "a repl on " + nodeA.id() + " reaches " + target + ": " + reachable));
  }

  /** Default-deny egress: node B is neither a cluster member nor storage, yet its private address is refused. */
  @Test
  @Order(3)
  void aReplReachesNoOtherNodeHostOfTheFleet() {
    assertReplKeptFromTheOtherNodeHost();
  }

  private static void assertReplKeptFromTheOtherNodeHost() {
    Map<String, ReplProbes.Target> targets = new LinkedHashMap<>();
    targets.put(
        "node-b-node-agent-api",
        new ReplProbes.Target(nodeB.host().address(), FleetOnNamespaces.NODE_PORT));
    targets.put(
        "node-b-cluster-port",
        new ReplProbes.Target(nodeB.host().address(), FleetOnNamespaces.CLUSTER_PORT));
    targets.put("node-b-repl-published-port", nodeB.dockerd().published(container(nodeB, onB)));
    assertRefusedFromReplOnA(targets);
    assertTrue(
        probeFromReplOnA(Map.of("outsider", outsider())).get("outsider"),
        "default-deny keeps the outside world reachable");
  }

  /**
   * Pier's host firewall ({@code firewall.yml}, the {@code pier_firewall} role) applied to every host of the fleet:
   * the outsider, which reached the cluster ports and the APIs before, reaches none of them, nor a repl's published
   * port, which only the edge host reaches now; every probe and every session and preview above still holds.
   */
  @Test
  @Order(4)
  void theHostFirewallKeepsTheOutsiderOffTheFleetPortsAndTheSameProbesHold() throws Exception {
    Map<String, ReplProbes.Target> guarded = new LinkedHashMap<>();
    guarded.put(
        "node-a-cluster-port",
        new ReplProbes.Target(nodeA.host().address(), FleetOnNamespaces.CLUSTER_PORT));
    guarded.put(
        "node-a-node-agent-api",
        new ReplProbes.Target(nodeA.host().address(), FleetOnNamespaces.NODE_PORT));
    guarded.put(
        "scheduler-api",
        new ReplProbes.Target(fleet.scheduler.address(), FleetOnNamespaces.SCHEDULER_PORT));
    guarded.put(
        "scheduler-cluster-port",
        new ReplProbes.Target(fleet.scheduler.address(), FleetOnNamespaces.CLUSTER_PORT));
    ReplProbes.Target published = nodeB.dockerd().published(container(nodeB, onB));
    guarded.put("node-b-repl-published-port", published);
    guarded.forEach(
        (name, target) ->
            assertTrue(
                reaches(fleet.outsider, target),
                "before the firewall, the outsider reaches " + name + " (" + target + ")"));

    FleetPlaybooks.Run applied = fleet.playbooks.mustRun("firewall.yml");
    System.out.println("[multihost] firewall.yml changed " + applied.changed());

    guarded.forEach(
        (name, target) ->
            assertFalse(
                reaches(fleet.outsider, target),
                "the firewall keeps the outsider off " + name + " (" + target + ")"));
    assertTrue(
        reaches(fleet.edge, published), "the edge host still reaches a repl's published port");
    assertFalse(
        reaches(fleet.scheduler, published), "only the edge hosts reach a repl's published port");
    assertReplKeptFromItsOwnHostAndTheScheduler();
    assertReplKeptFromTheOtherNodeHost();
    assertSessionsAndPreviewsAcrossHosts();

    FleetPlaybooks.Run again = fleet.playbooks.mustRun("firewall.yml");
    again
        .changed()
        .forEach((host, changed) -> assertEquals(0, changed, "firewall.yml again changed " + host));
  }

  @Test
  @Order(5)
  void aFileSavedOnOneNodeHostIsInStorageAfterStopAndComesBackOnTheOther() throws Exception {
    String content = "saved on " + nodeA.id();
    try (SessionClient session = fleet.session(vertx, onA)) {
      SessionClient.ok(
          session.request(
              "fs.write", new JsonObject().put("path", "notes/saved.txt").put("content", content)));
    }
    HttpResponse<String> stopped = fleet.api("POST", "/api/repls/" + onA + "/stop", "");
    assertEquals(200, stopped.statusCode(), stopped.body());
    assertEquals(
        content,
        fleet
            .store
            .get("repls/" + onA + "/files/notes/saved.txt")
            .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
            .orElse("(missing)"),
        "stored when the repl stopped");
    assertTrue(
        nodeA.dockerd().containers("pier.slug", onA).isEmpty(),
        "its container on node host A is gone");

    HttpResponse<String> drained = fleet.api("POST", "/api/nodes/" + nodeA.id() + "/drain", "");
    assertEquals(200, drained.statusCode(), drained.body());
    try {
      assertEquals(
          nodeB.id(), start(onA), "with node host A draining, the repl starts on node host B");
      assertEquals(1, nodeB.dockerd().containers("pier.slug", onA).size());
      try (SessionClient session = fleet.session(vertx, onA)) {
        assertEquals(
            content,
            SessionClient.ok(
                    session.request("fs.read", new JsonObject().put("path", "notes/saved.txt")))
                .getString("content"),
            "the file came back on the other node host");
      }
    } finally {
      fleet.api("POST", "/api/nodes/" + nodeA.id() + "/undrain", "");
    }
  }

  /**
   * {@code rolling-upgrade.yml} against the fleet with repls running: one node host at a time is drained (its repls
   * move to the other), its node-agent reinstalled and restarted under supervisord, listed again and undrained.
   * Afterwards every repl that ran runs again and serves the file written before, the stopped one is still stopped
   * with its file in storage, every node-agent is a new process and cluster member, and the registry lost nothing.
   */
  @Test
  @Order(6)
  void aRollingUpgradeKeepsEveryReplWithItsFilesAndLosesNoneFromTheRegistry() throws Exception {
    String third = create();
    start(third);
    String stopped = create();
    start(stopped);
    List<String> running = List.of(onA, onB, third);
    Map<String, String> written = new LinkedHashMap<>();
    for (String slug : List.of(onA, onB, third, stopped)) {
      String content = "written before the upgrade to " + slug;
      try (SessionClient session = fleet.session(vertx, slug)) {
        SessionClient.ok(
            session.request(
                "fs.write", new JsonObject().put("path", "upgrade.txt").put("content", content)));
      }
      written.put(slug, content);
    }
    assertEquals(200, fleet.api("POST", "/api/repls/" + stopped + "/stop", "").statusCode());
    Map<String, String> registryBefore = registry();
    Map<String, String> membersBefore = members();
    Map<String, Long> pidsBefore = new LinkedHashMap<>();
    for (FleetOnNamespaces.Node node : fleet.nodes) pidsBefore.put(node.id(), node.agentPid());

    FleetPlaybooks.Run upgrade =
        fleet.playbooks.mustRun("rolling-upgrade.yml", "--limit", "node_agents,localhost");
    System.out.println("[multihost] rolling-upgrade.yml changed " + upgrade.changed());

    assertEquals(
        registryBefore,
        registry(),
        "the registry after the upgrade: every repl, each in its state");
    Map<String, String> membersAfter = members();
    for (FleetOnNamespaces.Node node : fleet.nodes) {
      long pid = node.agentPid();
      assertTrue(
          pid != 0 && pid != pidsBefore.get(node.id()),
          node.id() + "'s node-agent was restarted: " + pidsBefore.get(node.id()) + " -> " + pid);
      assertNotEquals(
          membersBefore.get(node.id()),
          membersAfter.get(node.id()),
          node.id() + " rejoined the cluster");
    }
    for (String slug : running) {
      HttpResponse<String> page = fleet.preview(slug, "/upgrade.txt");
      assertEquals(200, page.statusCode(), slug + " answers after the upgrade: " + page.body());
      assertEquals(written.get(slug), page.body(), slug + " kept its file");
    }
    assertEquals(
        written.get(stopped),
        fleet
            .store
            .get("repls/" + stopped + "/files/upgrade.txt")
            .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
            .orElse("(missing)"),
        "the stopped repl's file");
  }

  /** Every repl the user has, with its state. */
  private static Map<String, String> registry() throws Exception {
    HttpResponse<String> listed = fleet.api("GET", "/api/repls", null);
    assertEquals(200, listed.statusCode(), listed.body());
    Map<String, String> states = new TreeMap<>();
    new JsonObject(listed.body())
        .getJsonArray("repls").stream()
            .map(JsonObject.class::cast)
            .forEach(repl -> states.put(repl.getString("slug"), repl.getString("state")));
    return states;
  }

  /** The cluster member each node is listed with. */
  private static Map<String, String> members() throws Exception {
    HttpResponse<String> listed = fleet.api("GET", "/api/nodes", null);
    assertEquals(200, listed.statusCode(), listed.body());
    Map<String, String> members = new TreeMap<>();
    new JsonObject(listed.body())
        .getJsonArray("nodes").stream()
            .map(JsonObject.class::cast)
            .forEach(node -> members.put(node.getString("id"), node.getString("memberId")));
    return members;
  }

  private static boolean reaches(NetworkNamespaces.Host from, ReplProbes.Target target) {
    return NetworkNamespaces.connects(from, target.host(), target.port());
  }

  /** Every target answers someone: from the edge host, another host of the fleet, each one accepts a connection. */
  private static void assertAllListening(Map<String, ReplProbes.Target> targets) {
    targets.forEach(
        (name, target) ->
            assertTrue(
                NetworkNamespaces.connects(fleet.edge, target.host(), target.port()),
                name + " (" + target + ") listens: reachable from the edge host"));
  }

  private static Map<String, Boolean> probeFromReplOnA(Map<String, ReplProbes.Target> targets) {
    Map<String, Boolean> reachable =
        ReplProbes.reachability(nodeA.dockerd(), container(nodeA, onA), targets);
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
    HttpResponse<String> created =
        fleet.api("POST", "/api/repls", "{\"template\":\"" + TEMPLATE + "\"}");
    assertEquals(201, created.statusCode(), created.body());
    return new JsonObject(created.body()).getString("slug");
  }

  /** Starts the repl; returns the node it runs on. */
  private static String start(String slug) throws Exception {
    HttpResponse<String> started = fleet.api("POST", "/api/repls/" + slug + "/start", "");
    assertEquals(200, started.statusCode(), started.body());
    return fleet.nodeOf(slug);
  }
}
