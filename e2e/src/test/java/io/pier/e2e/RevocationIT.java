package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.Mains;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A sign-out holds on every service at once, not only on the scheduler that served it: after it, the user's token
 * opens neither the API (scheduler), nor an IDE session (node-agent, behind the edge-proxy), nor the repl's private
 * preview (edge-proxy), although it has hours left before it expires.
 */
class RevocationIT {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> call(
      PierOnLoopback pier, String method, String path, String json, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + path))
            .timeout(Duration.ofSeconds(120))
            .header("Host", PierOnLoopback.DOMAIN)
            .header("Content-Type", "application/json");
    if (token != null) b.header("Authorization", "Bearer " + token);
    b.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> preview(PierOnLoopback pier, String slug, String token)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + "/"))
            .timeout(Duration.ofSeconds(60))
            .header("Host", slug + "." + PierOnLoopback.DOMAIN)
            .header("Authorization", "Bearer " + token)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The status the edge-proxy (or the node-agent behind it) answers a session upgrade with, or 101. */
  private static int sessionStatus(Vertx vertx, PierOnLoopback pier, String slug, String token)
      throws Exception {
    var options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(pier.edgePort)
            .setURI("/api/repls/" + slug + "/session")
            .putHeader("Host", PierOnLoopback.DOMAIN)
            .setAllowOriginHeader(false)
            .putHeader("Authorization", "Bearer " + token);
    // Held until the answer is in: Vert.x closes a client the garbage collector finds unreferenced.
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

  @Test
  void aSignOutClosesTheApiTheIdeSessionAndThePrivatePreviewAtOnce() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (PierOnLoopback pier = new PierOnLoopback()) {
      HttpResponse<String> signup =
          call(
              pier,
              "POST",
              "/api/auth/signup",
              "{\"username\":\"rita\",\"password\":\"a long password\"}",
              null);
      assertEquals(201, signup.statusCode(), signup.body());
      String token = new JsonObject(signup.body()).getString("token");
      String slug =
          new JsonObject(
                  call(
                          pier,
                          "POST",
                          "/api/repls",
                          "{\"template\":\"node\",\"visibility\":\"private\"}",
                          token)
                      .body())
              .getString("slug");
      HttpResponse<String> started = call(pier, "POST", "/api/repls/" + slug + "/start", "", token);
      assertEquals(200, started.statusCode(), started.body());
      assertEquals(
          200,
          preview(pier, slug, token).statusCode(),
          "the owner's token opens the private preview");
      assertEquals(101, sessionStatus(vertx, pier, slug, token), "and an IDE session");

      HttpResponse<String> out = call(pier, "POST", "/api/auth/logout", "", token);
      assertEquals(200, out.statusCode(), out.body());
      assertTrue(new JsonObject(out.body()).getBoolean("revoked"), out.body());

      assertEquals(
          401,
          call(pier, "GET", "/api/repls", null, token).statusCode(),
          "the scheduler refuses it");
      assertEquals(401, sessionStatus(vertx, pier, slug, token), "the node-agent refuses it");
      assertEquals(401, preview(pier, slug, token).statusCode(), "the edge-proxy refuses it");

      HttpResponse<String> again =
          call(
              pier,
              "POST",
              "/api/auth/login",
              "{\"username\":\"rita\",\"password\":\"a long password\"}",
              null);
      String fresh = new JsonObject(again.body()).getString("token");
      assertEquals(101, sessionStatus(vertx, pier, slug, fresh), "signing in again opens it again");
      assertEquals(200, call(pier, "DELETE", "/api/repls/" + slug, null, fresh).statusCode());
    } finally {
      Mains.await(vertx.close(), Duration.ofSeconds(10));
    }
  }
}
