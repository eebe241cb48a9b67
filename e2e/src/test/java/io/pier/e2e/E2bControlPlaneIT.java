package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.scheduler.e2b.E2bKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * E2B's control plane on a real Pier (scheduler, node-agent on the real dockerd, edge-proxy, embedded S3), called as
 * the E2B SDKs call it, with the key in its {@code e2b_} form: a sandbox of the default template is created with its
 * environment, runs Python, is paused (its container gone), resumed by connect with its files intact, and killed.
 */
class E2bControlPlaneIT {
  /** HTTP/1.1, as the edge-proxy speaks to the scheduler (see ApiKeysIT). */
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private PierOnLoopback pier;
  private String key;

  /** A call to the scheduler's {@code /e2b}, as the edge-proxy passes {@code https://api.<domain>/...} on. */
  private HttpResponse<String> e2b(String method, String path, String json) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + pier.schedulerPorts.get(0) + "/e2b" + path))
            .timeout(Duration.ofSeconds(120))
            .header("X-API-KEY", key)
            .header("Content-Type", "application/json");
    b.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A call to Pier's own API through the edge-proxy, as the user. */
  private HttpResponse<String> api(String method, String path, String json) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + path))
            .timeout(Duration.ofSeconds(120))
            .header("Host", PierOnLoopback.DOMAIN)
            .header("Authorization", "Bearer " + pier.userToken)
            .header("Content-Type", "application/json");
    b.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Runs {@code sh -c script} in the sandbox; its stdout. */
  private String shell(String id, String script) throws Exception {
    JsonObject body = new JsonObject().put("cmd", new JsonArray(List.of("sh", "-c", script)));
    HttpResponse<String> done = api("POST", "/api/repls/" + id + "/exec", body.encode());
    assertEquals(200, done.statusCode(), done.body());
    JsonObject result = new JsonObject(done.body().strip());
    assertEquals(0, result.getInteger("exitCode"), result.encode());
    return result.getString("stdout");
  }

  private String state(String id) throws Exception {
    HttpResponse<String> info = e2b("GET", "/sandboxes/" + id, null);
    assertEquals(200, info.statusCode(), info.body());
    return new JsonObject(info.body()).getString("state");
  }

  @Test
  void aSandboxIsCreatedRunsPausesResumesWithItsFilesAndIsKilled() throws Exception {
    pier = new PierOnLoopback();
    try {
      HttpResponse<String> made = api("POST", "/api/keys", "{\"name\":\"e2b\"}");
      assertEquals(201, made.statusCode(), made.body());
      key = E2bKeys.fromPier(new JsonObject(made.body()).getString("key")).orElseThrow();

      HttpResponse<String> created =
          e2b(
              "POST",
              "/sandboxes",
              new JsonObject()
                  .put("templateID", "base")
                  .put("timeout", 600)
                  .put("secure", true)
                  .put("allow_internet_access", true)
                  .put("metadata", new JsonObject().put("suite", "e2b-it"))
                  .put("envVars", new JsonObject().put("GREETING", "hello from e2b"))
                  .encode());
      assertEquals(201, created.statusCode(), created.body());
      JsonObject sandbox = new JsonObject(created.body());
      String id = sandbox.getString("sandboxID");
      assertEquals(PierOnLoopback.DOMAIN, sandbox.getString("domain"));
      assertEquals("running", state(id));

      assertEquals(
          "hello from e2b\n", shell(id, "python3 -c 'import os; print(os.environ[\"GREETING\"])'"));
      shell(id, "echo kept > note.txt");

      assertEquals(204, e2b("POST", "/sandboxes/" + id + "/pause", "{}").statusCode());
      assertEquals("paused", state(id));
      HttpResponse<String> paused = e2b("GET", "/v2/sandboxes?state=paused", null);
      assertTrue(paused.body().contains(id), paused.body());
      assertEquals(409, e2b("POST", "/sandboxes/" + id + "/pause", "{}").statusCode());

      HttpResponse<String> resumed =
          e2b("POST", "/sandboxes/" + id + "/connect", "{\"timeout\":600}");
      assertEquals(201, resumed.statusCode(), resumed.body());
      assertEquals(
          sandbox.getString("envdAccessToken"),
          new JsonObject(resumed.body()).getString("envdAccessToken"));
      assertEquals("running", state(id));
      assertEquals("kept\n", shell(id, "cat note.txt"));

      assertEquals(204, e2b("DELETE", "/sandboxes/" + id, null).statusCode());
      assertEquals(404, e2b("GET", "/sandboxes/" + id, null).statusCode());
    } finally {
      pier.close();
    }
  }
}
