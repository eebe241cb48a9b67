package io.pier.node.envd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.auth.SandboxAccessTokens;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The routes as a node-agent mounts them, for a repl that does not run on the node. */
class EnvdRoutesTest {
  private static Vertx vertx;
  private static HttpServer server;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void serve() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    EnvdGate gate =
        new EnvdGate(
            "node-1",
            slug -> Optional.empty(),
            null,
            new SandboxAccessTokens("a-test-secret-of-enough-length-0123456789"));
    new EnvdRoutes(vertx, gate, EnvdLimits.defaults(), new SimpleMeterRegistry()).mount(router);
    server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aReplNotRunningHereIs502UnavailableAsE2bsProxyAnswers() throws Exception {
    HttpResponse<String> health =
        HTTP.send(
            HttpRequest.newBuilder(uri("health")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(502, health.statusCode());
    HttpResponse<String> call =
        HTTP.send(
            HttpRequest.newBuilder(uri("process.Process/List"))
                .header("Content-Type", "application/json")
                .header("X-Access-Token", "whatever")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(502, call.statusCode());
    assertEquals("unavailable", new JsonObject(call.body()).getString("code"));
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.actualPort() + "/envd/blue-fox-1a2b3c/" + path);
  }
}
