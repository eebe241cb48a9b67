package io.pier.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.api.OpenApiDocument;
import io.pier.node.api.NodeApiContract;
import io.pier.node.exec.ExecLimits;
import io.pier.node.exec.ExecRoutes;
import io.pier.node.files.FileApiSettings;
import io.pier.node.files.FileRoutes;
import io.pier.node.limits.BlockingPool;
import io.pier.node.session.LiveRepl;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The node-agent's user-facing routes against the API document: the same routes, and requests checked against it
 * (parameters at the gate, an exec's body once read) before a handler sees them.
 */
class ReplApiRoutesTest {
  private static final String REPL = "/api/repls/blue-fox-1a2b3c";

  private Vertx vertx;
  private Router router;
  private HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void mountTheRoutes() throws Exception {
    vertx = Vertx.vertx();
    NodeApiContract contract = new NodeApiContract(vertx);
    contract.loaded().await();
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    router = Router.router(vertx);
    // The gate's parameter check, without the owner's: every handler behind it answers "reached"
    // when it asks for
    // its repl.
    ReplApiRoutes.mount(
        router,
        contract::checkParameters,
        new ExecRoutes(vertx, ExecLimits.defaults(), metrics, ReplApiRoutesTest::reached, contract),
        new FileRoutes(
            vertx,
            new BlockingPool("test-files", 1, 1, Duration.ofSeconds(5)),
            FileApiSettings.DEFAULT,
            metrics,
            ReplApiRoutesTest::reached),
        ReplApiRoutesTest::reached);
    router
        .route()
        .failureHandler(
            ctx -> {
              if (ctx.failure() instanceof Reached) ctx.response().end("reached");
              else ctx.next();
            });
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void theRoutesAndTheOpenApiDocumentAgree() {
    Set<String> routes = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null || route.methods() == null) continue;
      // A wildcard route ("/files/*") reports its prefix; written back with its star.
      String template = path.replaceAll(":([A-Za-z]+)", "{$1}") + (route.isExactPath() ? "" : "*");
      for (HttpMethod method : route.methods()) routes.add(method.name() + " " + template);
    }
    Set<String> documented = new TreeSet<>();
    JsonObject paths = OpenApiDocument.read().getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : List.of("get", "put", "post", "patch", "delete")) {
        JsonObject operation = paths.getJsonObject(path).getJsonObject(method);
        if (operation != null
            && NodeApiContract.SERVED_HERE.equals(operation.getString(OpenApiDocument.SERVED_BY))) {
          documented.add(method.toUpperCase(Locale.ROOT) + " " + path);
        }
      }
    }
    for (String operation : documented) {
      assertTrue(
          routes.stream().anyMatch(route -> serves(route, operation)),
          "documented, not served: " + operation + " (routes: " + routes + ")");
    }
    for (String route : routes) {
      assertTrue(
          documented.stream().anyMatch(operation -> serves(route, operation)),
          "served, not documented: " + route);
    }
  }

  @Test
  void parametersThatBreakTheDocumentAreRefusedBeforeAnyHandler() throws Exception {
    assertRefused("GET", REPL + "/files/src/a.txt?stat=yes", "stat");
    assertRefused("GET", REPL + "/files?watch=maybe", "watch");
    assertRefused("POST", REPL + "/files/src?op=rename", "op");
    assertRefused("POST", REPL + "/files/src", "op");
    assertRefused("DELETE", REPL + "/processes/p1?signal=BOOM", "signal");
    assertRefused("GET", REPL + "/archive/src/deep?format=rar", "format");
    assertReached("GET", REPL + "/files/src/a.txt?stat=true");
    assertReached("GET", REPL + "/files/");
    assertReached("POST", REPL + "/files/src/new?op=mkdir&parents=true");
    assertReached("GET", REPL + "/archive?format=zip");
    assertReached("DELETE", REPL + "/processes/p1?signal=TERM");
  }

  @Test
  void anExecBodyThatBreaksTheDocumentIsRefusedNamingTheField() throws Exception {
    HttpResponse<String> empty = send("POST", REPL + "/exec", "{\"cmd\":[]}");
    assertEquals(400, empty.statusCode(), empty.body());
    assertEquals("invalid_request", new JsonObject(empty.body()).getString("error"));
    HttpResponse<String> typed =
        send("POST", REPL + "/exec", "{\"cmd\":[\"ls\"],\"timeoutS\":\"1m\"}");
    assertEquals(400, typed.statusCode(), typed.body());
    assertTrue(typed.body().contains("timeoutS"), typed.body());
    HttpResponse<String> fine = send("POST", REPL + "/exec", "{\"cmd\":[\"ls\"],\"timeoutS\":60}");
    assertEquals("reached", fine.body());
  }

  /**
   * Whether the route {@code METHOD path} serves the documented {@code METHOD path}: the same, or a wildcard route
   * ({@code /files/*}) standing for one last path parameter (a workspace path, which holds slashes).
   */
  private static boolean serves(String route, String operation) {
    if (route.equals(operation)) return true;
    if (!route.endsWith("/*")) return false;
    String prefix = route.substring(0, route.length() - 2);
    return operation.matches(Pattern.quote(prefix) + "/\\{[A-Za-z]+\\}");
  }

  private void assertRefused(String method, String path, String parameter) throws Exception {
    HttpResponse<String> answer = send(method, path, null);
    assertEquals(400, answer.statusCode(), method + " " + path + ": " + answer.body());
    JsonObject error = new JsonObject(answer.body());
    assertEquals("invalid_request", error.getString("error"), answer.body());
    assertTrue(error.getString("message").contains(parameter), answer.body());
  }

  private void assertReached(String method, String path) throws Exception {
    HttpResponse<String> answer = send(method, path, null);
    assertEquals("reached", answer.body(), method + " " + path);
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static LiveRepl reached(RoutingContext ctx) {
    throw new Reached();
  }

  /** What a handler behind the checks throws when it asks for its repl: the request got that far. */
  private static final class Reached extends RuntimeException {
    Reached() {
      super("reached", null, false, false);
    }
  }
}
