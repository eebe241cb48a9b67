package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.pier.common.config.Mains;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An API key is a bearer credential on every service of a real Pier (two schedulers, a node-agent on the real dockerd,
 * an edge-proxy, one Hazelcast cluster), and after {@code DELETE /api/keys/<id>} every one of them refuses it within
 * seconds: each follows the cluster map of keys into a table of its own.
 */
class ApiKeysIT {
  private static final Duration WITHIN = Duration.ofSeconds(10);

  /**
   * HTTP/1.1, as the edge-proxy speaks to the services: the JDK client's default h2c upgrade, sent straight to a
   * scheduler, ends in {@code RST_STREAM} once the connection is reused.
   */
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** A call through the edge-proxy's apex. */
  private HttpResponse<String> call(
      PierOnLoopback pier, String method, String path, String json, String bearer)
      throws Exception {
    return send(pier.edgePort, PierOnLoopback.DOMAIN, method, path, json, bearer);
  }

  private HttpResponse<String> send(
      int port, String host, String method, String path, String json, String bearer)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(120))
            .header("Host", host)
            .header("Content-Type", "application/json");
    if (bearer != null) b.header("Authorization", "Bearer " + bearer);
    b.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> preview(PierOnLoopback pier, String slug, String bearer)
      throws Exception {
    return send(pier.edgePort, slug + "." + PierOnLoopback.DOMAIN, "GET", "/", null, bearer);
  }

  /** The status an IDE session upgrade through the edge-proxy gets, 101 when it opens. */
  private static int sessionStatus(Vertx vertx, PierOnLoopback pier, String slug, String bearer)
      throws Exception {
    var options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(pier.edgePort)
            .setURI("/api/repls/" + slug + "/session")
            .putHeader("Host", PierOnLoopback.DOMAIN)
            .setAllowOriginHeader(false)
            .putHeader("Authorization", "Bearer " + bearer);
    WebSocketClient client = vertx.createWebSocketClient();
    Throwable failure;
    try {
      failure =
          client
              .connect(options)
              .compose(ws -> ws.close().map((Throwable) null))
              .toCompletionStage()
              .toCompletableFuture()
              .handle((ok, err) -> err)
              .get();
    } finally {
      client.close();
    }
    if (failure == null) return 101;
    Matcher status = Pattern.compile("\\b([45]\\d\\d)\\b").matcher(failure.getMessage());
    return status.find() ? Integer.parseInt(status.group(1)) : -1;
  }

  /** Waits until {@code condition} holds, failing after {@link #WITHIN}. */
  private static void within(String what, Condition condition) throws Exception {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (true) {
      try {
        if (condition.met()) return;
      } catch (IOException notYet) {
        // asked again below
      }
      if (System.nanoTime() > deadline) throw new AssertionError(what + ": not within " + WITHIN);
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  @FunctionalInterface
  interface Condition {
    boolean met() throws Exception;
  }

  @Test
  void aKeyOpensEveryServiceAndOnceDeletedEveryServiceRefusesItWithinSeconds() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (PierOnLoopback pier =
        new PierOnLoopback(
            new PierOnLoopback.Options(null, false, 1000, 1, 2, Duration.ZERO, false))) {
      int otherScheduler = pier.schedulerPorts.get(1);
      HttpResponse<String> signup =
          call(
              pier,
              "POST",
              "/api/auth/signup",
              "{\"username\":\"kara\",\"password\":\"a long password\"}",
              null);
      assertEquals(201, signup.statusCode(), signup.body());
      String token = new JsonObject(signup.body()).getString("token");
      HttpResponse<String> made = call(pier, "POST", "/api/keys", "{\"name\":\"ci\"}", token);
      assertEquals(201, made.statusCode(), made.body());
      String key = new JsonObject(made.body()).getString("key");
      String id = new JsonObject(made.body()).getString("id");

      // The key alone makes, starts and opens a private repl.
      HttpResponse<String> created =
          call(
              pier,
              "POST",
              "/api/repls",
              "{\"template\":\"node\",\"visibility\":\"private\"}",
              key);
      assertEquals(201, created.statusCode(), created.body());
      String slug = new JsonObject(created.body()).getString("slug");
      HttpResponse<String> started = call(pier, "POST", "/api/repls/" + slug + "/start", "", key);
      assertEquals(200, started.statusCode(), started.body());
      within(
          "the other scheduler accepts the key",
          () ->
              send(otherScheduler, "127.0.0.1", "GET", "/api/repls", null, key).statusCode()
                  == 200);
      assertEquals(
          101, sessionStatus(vertx, pier, slug, key), "an IDE session, via the node-agent");
      assertNotEquals(
          401,
          send(pier.nodePort, "127.0.0.1", "GET", "/api/repls/" + slug + "/files", null, key)
              .statusCode(),
          "the node-agent's gate of the programs' API lets the owner's key through");
      assertNotEquals(
          401,
          call(pier, "GET", "/api/repls/" + slug + "/files", null, key).statusCode(),
          "and so it does through the edge-proxy");
      assertEquals(200, preview(pier, slug, key).statusCode(), "the private preview, at the edge");

      HttpResponse<String> deleted = call(pier, "DELETE", "/api/keys/" + id, null, token);
      assertEquals(204, deleted.statusCode(), deleted.body());

      within(
          "the scheduler behind the edge refuses it",
          () -> call(pier, "GET", "/api/repls", null, key).statusCode() == 401);
      within(
          "the other scheduler refuses it",
          () ->
              send(otherScheduler, "127.0.0.1", "GET", "/api/repls", null, key).statusCode()
                  == 401);
      within(
          "the node-agent refuses it",
          () ->
              send(pier.nodePort, "127.0.0.1", "GET", "/api/repls/" + slug + "/files", null, key)
                      .statusCode()
                  == 401);
      within(
          "the edge-proxy refuses it for a session",
          () -> sessionStatus(vertx, pier, slug, key) == 401);
      within("and for the private preview", () -> preview(pier, slug, key).statusCode() == 401);

      assertEquals(101, sessionStatus(vertx, pier, slug, token), "the sign-in token still works");
      assertEquals(200, call(pier, "DELETE", "/api/repls/" + slug, null, token).statusCode());
    } finally {
      Mains.await(vertx.close(), Duration.ofSeconds(10));
    }
  }
}
