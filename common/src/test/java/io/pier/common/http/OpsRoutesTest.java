package io.pier.common.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.auth.TokenSigner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsRoutesTest {
  private final Vertx vertx = Vertx.vertx();
  private final TokenSigner tokens =
      new TokenSigner("a-secret-of-enough-length", Clock.systemUTC());
  private final HttpClient http = HttpClient.newHttpClient();
  private HttpServer server;

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(5, SECONDS);
  }

  @BeforeEach
  void serve() throws Exception {
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, "test", ServiceMetrics.create("test"), () -> true, tokens);
    server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
  }

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsAnswerOnlyTheMetricsToken() throws Exception {
    HttpResponse<String> none = get("/metrics");
    assertEquals(401, none.statusCode());
    assertEquals("unauthenticated", new JsonObject(none.body()).getString("error"));
    assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    assertEquals(401, get("/metrics", "Authorization", "Bearer pm1.wrong").statusCode());
    assertEquals(
        401,
        get(
                "/metrics",
                "Authorization",
                "Bearer " + tokens.issue("root", true, Duration.ofHours(1)))
            .statusCode(),
        "an administrator's API token is not the metrics token");
    assertEquals(
        401,
        get("/metrics", "Cookie", "pier_token=" + tokens.metricsToken()).statusCode(),
        "only as a bearer header, never a cookie");
    assertEquals(
        401,
        get(
                "/metrics",
                "Authorization",
                "Bearer "
                    + new TokenSigner("another-secret-entirely", Clock.systemUTC()).metricsToken())
            .statusCode(),
        "another fleet's");
    HttpResponse<String> scraped =
        get("/metrics", "Authorization", "Bearer " + tokens.metricsToken());
    assertEquals(200, scraped.statusCode());
    assertTrue(scraped.body().contains("jvm_memory_used_bytes"), "Prometheus text");
  }

  @Test
  void healthAndReadinessStayOpen() throws Exception {
    assertEquals(200, get("/healthz").statusCode());
    assertEquals(200, get("/readyz").statusCode());
  }

  @Test
  void whatNoRouteServesIsAnsweredInJson() throws Exception {
    HttpResponse<String> missing = get("/no/such/thing");
    assertEquals(404, missing.statusCode());
    JsonObject error = new JsonObject(missing.body());
    assertEquals("not_found", error.getString("error"));
    assertTrue(error.getString("message").contains("/no/such/thing"), missing.body());
    HttpResponse<String> wrongMethod =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.actualPort() + "/healthz"))
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, wrongMethod.statusCode());
    assertEquals("method_not_allowed", new JsonObject(wrongMethod.body()).getString("error"));
  }
}
