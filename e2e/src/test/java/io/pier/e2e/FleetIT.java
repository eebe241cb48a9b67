package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.Mains;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fleet, not a box: node-agents as separate processes in one cluster; placement by load, a SIGKILLed node's repls
 * serving again elsewhere with their files, drain, idle stop and wake-on-request, a scheduler lost without losing
 * the API.
 */
class FleetIT {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    Mains.await(vertx.close(), Duration.ofSeconds(10));
  }

  @Test
  void replsSpreadByLoadAndAKilledNodesReplsServeElsewhereWithTheirFilesThenDrainEmptiesANode()
      throws Exception {
    try (PierOnLoopback pier =
        new PierOnLoopback(PierOnLoopback.Options.fleet(3, 1, Duration.ZERO))) {
      List<String> slugs = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String slug =
            new JsonObject(
                    EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":\"node\"}").body())
                .getString("slug");
        HttpResponse<String> started =
            EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/start", "");
        assertEquals(200, started.statusCode(), started.body());
        slugs.add(slug);
        try (SessionClient s = SessionClient.connect(vertx, pier, slug)) {
          assertTrue(
              s.request("fs.write", new JsonObject().put("path", "mine.txt").put("content", slug))
                  .getBoolean("ok"));
        }
      }
      Map<String, List<String>> byNode = placement(pier, slugs);
      assertEquals(3, byNode.size(), "every node took repls: " + byNode);
      for (List<String> onNode : byNode.values()) {
        assertTrue(
            onNode.size() >= 2 && onNode.size() <= 6, "spread by load, not piled up: " + byNode);
      }
      for (String slug : slugs) {
        eventually(Duration.ofSeconds(20), () -> stored(pier, slug, "mine.txt").equals(slug));
      }

      PierOnLoopback.Node victim = pier.nodes.get(1);
      List<String> lost = byNode.get(victim.id);
      long killedAt = System.nanoTime();
      pier.killNode(victim);
      // Its containers may live on (only the agent died), but the repls must be placed and running
      // elsewhere.
      for (String slug : lost) {
        eventually(
            Duration.ofSeconds(15).minusNanos(System.nanoTime() - killedAt),
            () -> {
              JsonObject repl =
                  new JsonObject(EdgeApi.asAdmin(pier, "GET", "/api/repls/" + slug, null).body());
              if (!"running".equals(repl.getString("state"))
                  || victim.id.equals(repl.getString("node"))) return false;
              HttpResponse<String> page = preview(pier, slug);
              return page.statusCode() == 200 && page.body().contains("Hello from Pier on Node.js");
            });
      }
      long recoveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      System.out.printf(
          "[fleet] %d repls of a SIGKILLed node serving again elsewhere after %d ms%n",
          lost.size(), recoveredMs);
      Map<String, List<String>> after = placement(pier, slugs);
      assertFalse(after.containsKey(victim.id), "nothing runs on the dead node: " + after);
      for (String slug : lost) {
        try (SessionClient s = SessionClient.connect(vertx, pier, slug)) {
          assertEquals(
              slug,
              s.request("fs.read", new JsonObject().put("path", "mine.txt")).getString("content"),
              "the repl came back with its files");
        }
      }

      PierOnLoopback.Node drained = pier.nodes.get(0);
      HttpResponse<String> drain =
          EdgeApi.send(pier, "POST", "/api/nodes/" + drained.id + "/drain", "");
      assertEquals(200, drain.statusCode(), drain.body());
      assertTrue(new JsonObject(drain.body()).getJsonObject("failed").isEmpty(), drain.body());
      Map<String, List<String>> afterDrain = placement(pier, slugs);
      assertFalse(afterDrain.containsKey(drained.id), "the drained node is empty: " + afterDrain);
      String fresh =
          new JsonObject(EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":\"node\"}").body())
              .getString("slug");
      EdgeApi.send(pier, "POST", "/api/repls/" + fresh + "/start", "");
      assertNotEquals(
          drained.id, EdgeApi.nodeOf(pier, fresh), "a draining node takes no new repls");
      for (String slug : afterDrain.values().stream().flatMap(List::stream).toList()) {
        assertEquals(200, preview(pier, slug).statusCode());
      }
      JsonObject fleet = new JsonObject(EdgeApi.send(pier, "GET", "/api/fleet", null).body());
      assertEquals(1, fleet.getInteger("activeNodes"), fleet.encode());
    }
  }

  @Test
  void anIdleReplStopsAndAPreviewWakesItAndTheApiOutlivesAScheduler() throws Exception {
    PierOnLoopback.Options options =
        new PierOnLoopback.Options(null, false, 1000, 1, 2, Duration.ofSeconds(3), true);
    try (PierOnLoopback pier = new PierOnLoopback(options)) {
      String slug =
          new JsonObject(
                  EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":\"python-flask\"}")
                      .body())
              .getString("slug");
      assertEquals(
          200, EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/start", "").statusCode());
      eventually(Duration.ofSeconds(20), () -> "stopped".equals(state(pier, slug)));
      assertTrue(pier.containersOf(slug).isEmpty(), "the idle repl's container is gone");

      HttpResponse<String> woken = preview(pier, slug);
      assertEquals(
          200,
          woken.statusCode(),
          "the preview request waited for the repl to start: " + woken.body());
      assertTrue(woken.body().contains("Hello from Pier on Python Flask"));
      assertEquals("running", state(pier, slug));

      pier.stopScheduler(0);
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> created =
            EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":\"node\"}");
        assertEquals(201, created.statusCode(), "the other scheduler answers: " + created.body());
        String other = new JsonObject(created.body()).getString("slug");
        assertEquals(
            200, EdgeApi.send(pier, "POST", "/api/repls/" + other + "/start", "").statusCode());
      }
    }
  }

  private static Map<String, List<String>> placement(PierOnLoopback pier, List<String> slugs)
      throws Exception {
    JsonArray all =
        new JsonObject(EdgeApi.asAdmin(pier, "GET", "/api/repls", null).body())
            .getJsonArray("repls");
    Map<String, List<String>> byNode = new HashMap<>();
    for (Object o : all) {
      JsonObject r = (JsonObject) o;
      if (slugs.contains(r.getString("slug")) && "running".equals(r.getString("state"))) {
        byNode
            .computeIfAbsent(r.getString("node"), n -> new ArrayList<>())
            .add(r.getString("slug"));
      }
    }
    return byNode;
  }

  private static String state(PierOnLoopback pier, String slug) throws Exception {
    return new JsonObject(EdgeApi.send(pier, "GET", "/api/repls/" + slug, null).body())
        .getString("state");
  }

  private static String stored(PierOnLoopback pier, String slug, String path) {
    try {
      return pier.store
          .get("repls/" + slug + "/files/" + path)
          .map(b -> new String(b, StandardCharsets.UTF_8))
          .orElse("");
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static HttpResponse<String> preview(PierOnLoopback pier, String slug) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + "/"))
                .header("Host", slug + "." + PierOnLoopback.DOMAIN)
                .timeout(Duration.ofSeconds(90))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static void eventually(Duration within, ThrowingCondition condition) throws Exception {
    long deadline = System.nanoTime() + Math.max(0, within.toNanos());
    while (true) {
      try {
        if (condition.met()) return;
      } catch (IOException notYet) {
        // the edge may refuse while things move
      }
      if (System.nanoTime() > deadline) throw new AssertionError("not within " + within);
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  @FunctionalInterface
  interface ThrowingCondition {
    boolean met() throws Exception;
  }
}
