package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.command.InspectContainerResponse;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The walking skeleton end to end: REST through the edge-proxy, placement over the Hazelcast cluster, a real
 * container with limits on dockerd, files in the embedded S3 server over HTTP, the preview by Host header.
 */
class WalkingSkeletonIT {
  private static final String APEX = PierOnLoopback.DOMAIN;
  private static PierOnLoopback pier;
  private static HttpClient http;

  @BeforeAll
  static void startPier() throws Exception {
    pier = new PierOnLoopback();
    // java.net.http refuses to set Host; a restricted-headers opt-out lets the test speak like a
    // browser would.
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stopPier() throws Exception {
    if (pier != null) pier.close();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "node, index.js, Hello from Pier on Node.js",
    "python-flask, main.py, Hello from Pier on Python Flask"
  })
  void templateRunsStopsWithFilesInStorageAndRunsAgain(
      String template, String mainFile, String greeting) throws Exception {
    HttpResponse<String> created =
        EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":\"" + template + "\"}");
    assertEquals(201, created.statusCode(), created.body());
    JsonObject repl = new JsonObject(created.body());
    String slug = repl.getString("slug");
    assertEquals("stopped", repl.getString("state"));
    assertEquals(
        "http://" + slug + "." + APEX + ":" + pier.edgePort + "/", repl.getString("previewUrl"));
    assertTrue(
        pier.store.get("repls/" + slug + "/files/" + mainFile).isPresent(),
        "template copied into the repl");
    assertTrue(
        pier.store.get("repls/" + slug + "/files/pier.json").isEmpty(),
        "the manifest is not the user's file");
    assertTrue(pier.store.get("repls/" + slug + "/repl.json").isPresent(), "metadata stored");

    assertEquals(
        503, preview(slug).statusCode(), "a stopped repl's preview says it is not running");

    HttpResponse<String> started = EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/start", "");
    assertEquals(200, started.statusCode(), started.body());
    assertEquals("running", new JsonObject(started.body()).getString("state"));

    HttpResponse<String> page = preview(slug);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains(greeting), page.body());

    var containers = pier.containersOf(slug);
    assertEquals(1, containers.size());
    InspectContainerResponse inspected =
        pier.docker.inspectContainerCmd(containers.get(0).getId()).exec();
    assertEquals(512L * 1024 * 1024, inspected.getHostConfig().getMemory());
    assertEquals(
        512L * 1024 * 1024, inspected.getHostConfig().getMemorySwap(), "no swap beyond the limit");
    assertEquals(1_000_000_000L, inspected.getHostConfig().getNanoCPUs());
    assertEquals(256L, inspected.getHostConfig().getPidsLimit());
    assertEquals("1000:1000", inspected.getConfig().getUser());
    assertTrue(inspected.getHostConfig().getReadonlyRootfs());
    assertEquals(slug, inspected.getConfig().getLabels().get("pier.slug"));
    assertEquals(pier.nodeId, inspected.getConfig().getLabels().get("pier.node"));

    Files.writeString(pier.workspace(slug).resolve("notes.txt"), "written while running\n");
    HttpResponse<String> stopped = EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/stop", "");
    assertEquals(200, stopped.statusCode(), stopped.body());
    assertEquals("stopped", new JsonObject(stopped.body()).getString("state"));
    assertTrue(pier.containersOf(slug).isEmpty(), "container removed on stop");
    assertFalse(Files.exists(pier.workspace(slug)), "workspace removed on stop");
    assertEquals(
        "written while running\n",
        new String(
            pier.store.get("repls/" + slug + "/files/notes.txt").orElseThrow(),
            StandardCharsets.UTF_8));
    assertEquals(503, preview(slug).statusCode());

    assertEquals(200, EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/start", "").statusCode());
    HttpResponse<String> again = preview(slug);
    assertEquals(200, again.statusCode());
    assertTrue(again.body().contains(greeting));
    assertEquals(
        "written while running\n",
        Files.readString(pier.workspace(slug).resolve("notes.txt")),
        "files come back from storage");

    HttpResponse<String> deleted = EdgeApi.send(pier, "DELETE", "/api/repls/" + slug, null);
    assertEquals(200, deleted.statusCode(), deleted.body());
    assertTrue(pier.containersOf(slug).isEmpty(), "no container left behind");
    assertTrue(pier.store.list("repls/" + slug + "/").isEmpty(), "storage emptied");
    assertEquals(404, EdgeApi.send(pier, "GET", "/api/repls/" + slug, null).statusCode());
    assertEquals(404, preview(slug).statusCode());
  }

  @Test
  void badInputGetsJsonErrors() throws Exception {
    assertError(EdgeApi.send(pier, "POST", "/api/repls", "{not json"), 400, "malformed_json");
    assertError(
        EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":\"cobol\"}"),
        400,
        "unknown_template");
    assertError(
        EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":42}"), 400, "invalid_request");
    assertError(EdgeApi.send(pier, "GET", "/api/repls/no-such-repl", null), 404, "unknown_repl");
    assertError(
        EdgeApi.send(pier, "POST", "/api/repls/no-such-repl/start", ""), 404, "unknown_repl");
    assertError(
        EdgeApi.send(pier, "POST", "/api/repls/no-such-repl/stop", ""), 404, "unknown_repl");
    assertError(EdgeApi.send(pier, "DELETE", "/api/repls/no-such-repl", null), 404, "unknown_repl");
    assertEquals(404, preview("no-such-repl").statusCode());
    assertEquals(404, get("a.b." + APEX, "/").statusCode());
  }

  @Test
  void listsTemplatesAndTheNode() throws Exception {
    JsonObject templates = new JsonObject(EdgeApi.send(pier, "GET", "/api/templates", null).body());
    assertTrue(
        templates.getJsonArray("templates").stream()
            .anyMatch(t -> ((JsonObject) t).getString("name").equals("python-flask")));
    JsonObject nodes = new JsonObject(EdgeApi.send(pier, "GET", "/api/nodes", null).body());
    assertEquals(pier.nodeId, nodes.getJsonArray("nodes").getJsonObject(0).getString("id"));
  }

  private static void assertError(HttpResponse<String> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.body());
    JsonObject body = new JsonObject(response.body());
    assertEquals(code, body.getString("error"));
    assertFalse(body.getString("message").isBlank());
  }

  private static HttpResponse<String> preview(String slug) throws Exception {
    return get(slug + "." + APEX, "/");
  }

  private static HttpResponse<String> get(String host, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + path))
            .timeout(Duration.ofSeconds(30))
            .header("Host", host)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
