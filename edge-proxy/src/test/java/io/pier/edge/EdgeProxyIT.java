package io.pier.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.auth.TokenSigner;
import io.pier.common.cluster.ClusterConfig;
import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.ClusterState.ServiceEndpoint;
import io.pier.common.cluster.SharedMap;
import io.pier.common.cluster.hazelcast.HazelcastCluster;
import io.pier.common.config.Mains;
import io.pier.common.repl.Limits;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Route;
import io.pier.common.repl.Visibility;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The edge-proxy as a lite member of a real Hazelcast cluster on loopback, routing by Host to loopback backends:
 * previews (HTTP and WebSocket, Host kept), the API to a scheduler found through the cluster, and its own pages;
 * the Origin check on the apex, and private previews.
 */
class EdgeProxyIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String DOMAIN = "pier.localhost";

  private static HazelcastCluster dataMember;
  private static EdgeProxyMain.Running edge;
  private static Vertx backends;

  /**
   * Held for the whole class: Vert.x closes a client nobody references any more when the garbage collector finds it,
   * which would cut a WebSocket whose handshake is in flight ("Connection closed while handshake in process").
   */
  private static WebSocketClient webSockets;

  private static int edgePort;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String SECRET = "edge-it-secret-long-enough";
  private static final TokenSigner TOKENS = new TokenSigner(SECRET, Clock.systemUTC());

  @BeforeAll
  static void start() throws Exception {
    ClusterConfig cluster = TestClusters.onLoopback("edge-it-");
    dataMember =
        Mains.await(
            HazelcastCluster.join(cluster, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
            WAIT);
    edgePort = freePort();
    // Small pools and short timeouts, so that the tests below see them at work; session limits
    // above any pool's.
    edge =
        Mains.await(
            EdgeProxyMain.start(
                new EdgeConfig(
                        "127.0.0.1",
                        edgePort,
                        DOMAIN,
                        List.of(),
                        Duration.ZERO,
                        SECRET,
                        new ClusterConfig(
                            cluster.name(),
                            cluster.members(),
                            cluster.host(),
                            cluster.port(),
                            true))
                    .withCapacity(
                        EdgeConfig.Capacity.defaults()
                            .withSessions(100, 45, 90)
                            .withPools(4, 4, 4, 4)
                            .withTimeouts(
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(30)))),
            WAIT);
    backends = Vertx.vertx();
    webSockets = backends.createWebSocketClient();

    HttpServer app =
        Mains.await(
            backends
                .createHttpServer()
                .webSocketHandler(
                    ws ->
                        ws.textMessageHandler(
                            m -> ws.writeTextMessage(m + " via " + ws.headers().get("Host"))))
                .requestHandler(
                    req -> {
                      if (req.path().equals("/slow")) {
                        backends.setTimer(500, t -> req.response().end("slow"));
                      } else {
                        req.response()
                            .end("app saw Host " + req.getHeader("Host") + " path " + req.uri());
                      }
                    })
                .listen(0, "127.0.0.1"),
            WAIT);
    routeTo("live-app", app.actualPort());
    Mains.await(
        dataMember
            .state()
            .repls()
            .put(
                "sleepy",
                new ReplRecord(
                    "sleepy",
                    "node",
                    null,
                    ReplState.STOPPED,
                    null,
                    Instant.now(),
                    Instant.now(),
                    new Limits(1, 512, 256))),
        WAIT);

    // An app for the relay's own tests: echoes bodies in a chunked answer, names the headers it
    // got, answers HEAD with a length, and streams without end until its client goes away.
    HttpServer relayApp =
        Mains.await(
            backends
                .createHttpServer()
                .requestHandler(EdgeProxyIT::relayApp)
                .listen(0, "127.0.0.1"),
            WAIT);
    routeTo("relay-app", relayApp.actualPort());

    // Private repls of ada's: their app tells what reached it, so a test sees which credentials
    // were passed on.
    HttpServer tattler =
        Mains.await(
            backends
                .createHttpServer()
                .webSocketHandler(ws -> ws.writeTextMessage("cookie=" + ws.headers().get("Cookie")))
                .requestHandler(
                    req ->
                        req.response()
                            .end(
                                "path="
                                    + req.uri()
                                    + " authorization="
                                    + req.getHeader("Authorization")
                                    + " cookie="
                                    + req.getHeader("Cookie")))
                .listen(0, "127.0.0.1"),
            WAIT);
    for (String slug : List.of("hidden-app", "other-hidden")) {
      routeTo(slug, tattler.actualPort());
      Mains.await(
          dataMember
              .state()
              .repls()
              .put(
                  slug,
                  new ReplRecord(
                      slug,
                      "node",
                      "ada",
                      ReplState.RUNNING,
                      "n1",
                      Instant.now(),
                      Instant.now(),
                      new Limits(1, 512, 256),
                      Visibility.PRIVATE)),
          WAIT);
    }
    Mains.await(
        dataMember
            .state()
            .repls()
            .put(
                "hidden-sleepy",
                new ReplRecord(
                    "hidden-sleepy",
                    "node",
                    "ada",
                    ReplState.STOPPED,
                    null,
                    Instant.now(),
                    Instant.now(),
                    new Limits(1, 512, 256),
                    Visibility.PRIVATE)),
        WAIT);
  }

  /** Routes a slug's previews to a loopback app on {@code port}. */
  private static void routeTo(String slug, int port) {
    Mains.await(
        dataMember
            .state()
            .routes()
            .put(slug, new Route(slug, "n1", "127.0.0.1", port, "http://127.0.0.1:1")),
        WAIT);
  }

  @AfterAll
  static void stop() throws Exception {
    if (edge != null) edge.close();
    if (webSockets != null) Mains.await(webSockets.close(), WAIT);
    if (backends != null) Mains.await(backends.close(), WAIT);
    if (dataMember != null) Mains.await(dataMember.close(), WAIT);
  }

  @Test
  void previewReachesTheReplWithTheClientsHostKept() throws Exception {
    HttpResponse<String> r = get("live-app." + DOMAIN + ":" + edgePort, "/hello?x=1");
    assertEquals(200, r.statusCode());
    assertEquals("app saw Host live-app." + DOMAIN + ":" + edgePort + " path /hello?x=1", r.body());
  }

  @Test
  void previewHostIsCaseInsensitive() throws Exception {
    assertEquals(200, get("LIVE-APP.Pier.Localhost", "/").statusCode());
  }

  @Test
  void webSocketUpgradesPassThroughWithTheHostKept() throws Exception {
    WebSocket ws =
        Mains.await(
            webSockets.connect(
                new WebSocketConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(edgePort)
                    .setURI("/hmr")
                    .putHeader("Host", "live-app." + DOMAIN)),
            WAIT);
    CompletableFuture<String> echoed = new CompletableFuture<>();
    ws.textMessageHandler(echoed::complete);
    Mains.await(ws.writeTextMessage("ping"), WAIT);
    assertEquals("ping via live-app." + DOMAIN, echoed.get(10, TimeUnit.SECONDS));
    Mains.await(ws.close(), WAIT);
  }

  @Test
  void stoppedReplGetsANotRunningPageAndUnknownOnesANotFoundPage() throws Exception {
    HttpResponse<String> stopped = get("sleepy." + DOMAIN, "/");
    assertEquals(503, stopped.statusCode());
    assertTrue(stopped.body().contains("not running"), stopped.body());
    assertTrue(stopped.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    HttpResponse<String> unknown = get("nobody-here." + DOMAIN, "/");
    assertEquals(404, unknown.statusCode());
    assertTrue(unknown.body().contains("No repl here"));
    assertEquals(404, get("a.b." + DOMAIN, "/").statusCode());
  }

  @Test
  void anAppThatDoesNotAnswerGivesABrowserAPageThatTriesAgainAndAProgramJson() throws Exception {
    int closed = freePort();
    Mains.await(
        dataMember
            .state()
            .routes()
            .put("waking", new Route("waking", "n1", "127.0.0.1", closed, "http://127.0.0.1:1")),
        WAIT);
    HttpResponse<String> browser =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edgePort + "/"))
                .header("Host", "waking." + DOMAIN)
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(502, browser.statusCode(), browser.body());
    assertTrue(
        browser.headers().firstValue("Content-Type").orElse("").startsWith("text/html"),
        browser.headers() + " " + browser.body());
    assertEquals(
        "2", browser.headers().firstValue("Refresh").orElse(""), "the page loads itself again");
    assertTrue(browser.body().contains("Waiting for the app"), browser.body());

    HttpResponse<String> program = get("waking." + DOMAIN, "/");
    assertEquals(502, program.statusCode());
    assertTrue(program.body().contains("\"origin_unreachable\""), program.body());
    assertEquals(
        "application/json",
        program.headers().firstValue("Content-Type").orElse(""),
        "a JSON answer says so");
    assertTrue(program.headers().firstValue("Refresh").isEmpty());
    Mains.await(dataMember.state().routes().remove("waking"), WAIT);
  }

  @Test
  void apiGoesToASchedulerFoundInTheCluster() throws Exception {
    HttpServer scheduler =
        Mains.await(
            backends
                .createHttpServer()
                .requestHandler(
                    req ->
                        req.response()
                            .putHeader("Content-Type", "application/json")
                            .end(
                                new JsonObject()
                                    .put("path", req.path())
                                    .put("method", req.method().name())
                                    .put("host", req.getHeader("Host"))
                                    .put("proto", req.getHeader("X-Forwarded-Proto"))
                                    .encode()))
                .listen(0, "127.0.0.1"),
            WAIT);
    try {
      Mains.await(
          dataMember
              .state()
              .services()
              .put(
                  "scheduler/it",
                  new ServiceEndpoint(
                      "scheduler", "it", "http://127.0.0.1:" + scheduler.actualPort()),
                  Duration.ofMinutes(1)),
          WAIT);
      JsonObject body = awaitApi();
      assertEquals("/api/repls", body.getString("path"));
      assertEquals(DOMAIN, body.getString("host"), "the scheduler sees the Host the browser used");
      assertEquals("http", body.getString("proto"));
      JsonObject spoofed =
          new JsonObject(
              HTTP.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + edgePort + "/api/repls"))
                          .header("Host", DOMAIN)
                          .header("X-Forwarded-Proto", "https")
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      assertEquals(
          "http", spoofed.getString("proto"), "a client's own X-Forwarded-Proto is replaced");
    } finally {
      Mains.await(dataMember.state().services().remove("scheduler/it"), WAIT);
      Mains.await(scheduler.close(), WAIT);
    }
  }

  @Test
  void apexServesTheWebAppAndHealthOnAnyNonPreviewHost() throws Exception {
    HttpResponse<String> index = get(DOMAIN, "/");
    assertEquals(200, index.statusCode());
    assertTrue(index.body().contains("Pier"));
    assertEquals(200, get("127.0.0.1:" + edgePort, "/healthz").statusCode());
    get("live-app." + DOMAIN, "/");
    assertEquals(401, get(DOMAIN, "/metrics").statusCode(), "metrics need the metrics token");
    String metrics = metrics();
    assertTrue(metrics.contains("vertx_http_server"));
    assertTrue(
        metrics.contains("pier_proxy_requests_seconds_count{kind=\"preview\",outcome=\"ok\""),
        metrics);
    // A lite member turns off Vert.x's HTTP client metrics alone (ClusterConfig.httpClientMetrics):
    // the preview above went through a client, yet none of its series shows, while the named pools'
    // gauges (its worker pools; Vert.x gauges a client's connection pools only with its metrics)
    // stay.
    assertTrue(hasSeries(metrics, "vertx_pool_"), "Vert.x's pool gauges: " + metrics);
    assertFalse(hasSeries(metrics, "vertx_http_client_"), "HTTP client metrics: " + metrics);
  }

  /** Whether the scrape has a sample of a metric named with this prefix (not only its HELP or TYPE). */
  private static boolean hasSeries(String metrics, String prefix) {
    return metrics.lines().anyMatch(line -> line.startsWith(prefix));
  }

  @Test
  void repeatedPreviewsTakeTheRouteFromTheEdgesNearCacheNotTheNetwork() throws Exception {
    assertEquals(200, get("live-app." + DOMAIN, "/").statusCode());
    double before = nearCacheHits(ClusterState.ROUTES);
    for (int i = 0; i < 20; i++) assertEquals(200, get("live-app." + DOMAIN, "/").statusCode());
    double after = nearCacheHits(ClusterState.ROUTES);
    assertTrue(after >= before + 20, "near-cache hits of routes: " + before + " -> " + after);
  }

  @Test
  void aMovedOrRemovedRouteIsFollowedByTheNextPreviews() throws Exception {
    HttpServer first =
        Mains.await(
            backends
                .createHttpServer()
                .requestHandler(req -> req.response().end("first"))
                .listen(0, "127.0.0.1"),
            WAIT);
    HttpServer second =
        Mains.await(
            backends
                .createHttpServer()
                .requestHandler(req -> req.response().end("second"))
                .listen(0, "127.0.0.1"),
            WAIT);
    SharedMap<Route> routes = dataMember.state().routes();
    Mains.await(
        routes.put(
            "mover",
            new Route("mover", "n1", "127.0.0.1", first.actualPort(), "http://127.0.0.1:1")),
        WAIT);
    assertEquals("first", get("mover." + DOMAIN, "/").body());
    assertEquals("first", get("mover." + DOMAIN, "/").body());

    Mains.await(
        routes.put(
            "mover",
            new Route("mover", "n2", "127.0.0.1", second.actualPort(), "http://127.0.0.1:1")),
        WAIT);
    eventually(() -> "second".equals(get("mover." + DOMAIN, "/").body()), "the moved route");
    Mains.await(routes.remove("mover"), WAIT);
    eventually(() -> get("mover." + DOMAIN, "/").statusCode() == 404, "the removed route");
    Mains.await(first.close(), WAIT);
    Mains.await(second.close(), WAIT);
  }

  /** Polls until the condition holds (the cluster drops the edge's cached entry in the background). */
  private static void eventually(Check condition, String what) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.holds()) {
      assertTrue(System.nanoTime() < deadline, what + " not followed within " + WAIT);
      Thread.sleep(20);
    }
  }

  /** A condition that may fail to be checked. */
  private interface Check {
    boolean holds() throws Exception;
  }

  private static double nearCacheHits(String map) throws Exception {
    String prefix = "pier_cluster_near_cache_hits_total{map=\"" + map + "\"";
    return metrics()
        .lines()
        .filter(line -> line.startsWith(prefix))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + prefix + " in the edge's metrics"));
  }

  private static String metrics() throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edgePort + "/metrics"))
                .header("Host", DOMAIN)
                .header("Authorization", "Bearer " + TOKENS.metricsToken())
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  // ---- the Origin check on the apex ----

  private static String apexOrigin() {
    return "http://" + DOMAIN + ":" + edgePort;
  }

  /** A WebSocket to an IDE session path on the apex: the failure (the edge's answer instead of 101), or null. */
  private static Throwable sessionUpgrade(String origin) throws Exception {
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(edgePort)
            .setURI("/api/repls/nowhere-app/session")
            .putHeader("Host", DOMAIN + ":" + edgePort);
    // Without one of ours, Vert.x would send an Origin of its own: the address it connects to.
    if (origin != null) options.putHeader("Origin", origin);
    else options.setAllowOriginHeader(false);
    return webSockets
        .connect(options)
        .toCompletionStage()
        .toCompletableFuture()
        .handle((ws, err) -> err)
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void aPreviewsPageCannotOpenAWebSocketOnTheApex() throws Exception {
    Throwable refused = sessionUpgrade("http://live-app." + DOMAIN + ":" + edgePort);
    assertTrue(refused != null && refused.getMessage().contains("403"), String.valueOf(refused));
    Throwable foreign = sessionUpgrade("https://evil.example");
    assertTrue(foreign != null && foreign.getMessage().contains("403"), String.valueOf(foreign));
  }

  @Test
  void theApexsOwnPagesAndClientsWithoutAnOriginGetPastTheCheck() throws Exception {
    // Past the Origin check, a session of a repl without a route is refused as not running.
    Throwable own = sessionUpgrade(apexOrigin());
    assertTrue(own != null && own.getMessage().contains("503"), String.valueOf(own));
    Throwable none = sessionUpgrade(null);
    assertTrue(none != null && none.getMessage().contains("503"), String.valueOf(none));
  }

  @Test
  void aPreviewsPageCannotPostToTheApi() throws Exception {
    HttpResponse<String> refused =
        send(
            "POST",
            DOMAIN + ":" + edgePort,
            "/api/repls/any-app/stop",
            "Origin",
            "http://live-app." + DOMAIN + ":" + edgePort,
            "Content-Type",
            "text/plain");
    assertEquals(403, refused.statusCode(), refused.body());
    assertEquals("forbidden_origin", new JsonObject(refused.body()).getString("error"));
    assertTrue(new JsonObject(refused.body()).getString("message").contains("live-app"));
    assertEquals(
        403,
        send("DELETE", DOMAIN + ":" + edgePort, "/api/repls/any-app", "Origin", "null")
            .statusCode());
    assertEquals(
        403,
        send(
                "PATCH",
                DOMAIN + ":" + edgePort,
                "/api/repls/any-app",
                "Origin",
                "http://" + DOMAIN + ":" + (edgePort + 1))
            .statusCode(),
        "another port is another origin");
  }

  @Test
  void theApexsOwnPagesReadsAndClientsWithoutAnOriginReachTheApi() throws Exception {
    // No scheduler is known outside the one test that announces it: reaching the API means 503
    // no_scheduler here.
    for (HttpResponse<String> passed :
        List.of(
            send(
                "POST", DOMAIN + ":" + edgePort, "/api/repls/any-app/stop", "Origin", apexOrigin()),
            send("POST", DOMAIN + ":" + edgePort, "/api/repls/any-app/stop"),
            send(
                "GET",
                DOMAIN + ":" + edgePort,
                "/api/repls",
                "Origin",
                "http://live-app." + DOMAIN + ":" + edgePort))) {
      assertTrue(passed.statusCode() != 403, passed.body());
    }
    assertTrue(
        send("POST", DOMAIN + ":" + edgePort, "/index.html", "Origin", "https://evil.example")
                .statusCode()
            != 403,
        "only the API and WebSockets are guarded");
  }

  // ---- private previews ----

  private static String host(String slug) {
    return slug + "." + DOMAIN + ":" + edgePort;
  }

  @Test
  void aBrowserWithoutAPreviewCookieIsSentToTheApexToSignIn() throws Exception {
    HttpResponse<String> r =
        send("GET", host("hidden-app"), "/page?x=1", "Accept", "text/html,*/*");
    assertEquals(302, r.statusCode(), r.body());
    assertEquals(
        "http://"
            + DOMAIN
            + ":"
            + edgePort
            + "/api/auth/preview?slug=hidden-app&return=%2Fpage%3Fx%3D1",
        r.headers().firstValue("Location").orElseThrow());
  }

  @Test
  void otherClientsWithoutCredentialsGet401AndStrangers403() throws Exception {
    HttpResponse<String> anonymous = send("GET", host("hidden-app"), "/");
    assertEquals(401, anonymous.statusCode(), anonymous.body());
    assertEquals("unauthenticated", new JsonObject(anonymous.body()).getString("error"));
    assertEquals(
        401,
        send("POST", host("hidden-app"), "/form", "Accept", "text/html").statusCode(),
        "a POST cannot be redirected without losing its body");
    HttpResponse<String> stranger =
        send(
            "GET",
            host("hidden-app"),
            "/",
            "Authorization",
            "Bearer " + TOKENS.issue("mallory", false, Duration.ofMinutes(5)));
    assertEquals(403, stranger.statusCode(), stranger.body());
    assertEquals("forbidden", new JsonObject(stranger.body()).getString("error"));
    Throwable upgrade =
        Mains.await(
            webSockets
                .connect(
                    new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(edgePort)
                        .setURI("/hmr")
                        .putHeader("Host", host("hidden-app")))
                .map(ws -> (Throwable) null)
                .recover(err -> Future.succeededFuture(err)),
            WAIT);
    assertTrue(upgrade != null && upgrade.getMessage().contains("401"), String.valueOf(upgrade));
  }

  @Test
  void theOwnersBearerTokenOpensItAndIsNotPassedToTheApp() throws Exception {
    HttpResponse<String> r =
        send(
            "GET",
            host("hidden-app"),
            "/x",
            "Authorization",
            "Bearer " + TOKENS.issue("ada", false, Duration.ofMinutes(5)));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("path=/x authorization=null cookie=null", r.body());
    assertEquals(
        200,
        send(
                "GET",
                host("hidden-app"),
                "/",
                "Authorization",
                "Bearer " + TOKENS.issue("root", true, Duration.ofMinutes(5)))
            .statusCode(),
        "an administrator may");
  }

  @Test
  void theHandOverTurnsAPreviewTokenIntoAHostOnlyCookieThatOpensThePreview() throws Exception {
    String link = TOKENS.issuePreview("ada", false, "hidden-app", Duration.ofMinutes(1));
    HttpResponse<String> exchanged =
        send("GET", host("hidden-app"), "/__pier/auth?token=" + link + "&return=%2Fdeep%3Fq%3D1");
    assertEquals(302, exchanged.statusCode(), exchanged.body());
    assertEquals("/deep?q=1", exchanged.headers().firstValue("Location").orElseThrow());
    assertEquals("no-referrer", exchanged.headers().firstValue("Referrer-Policy").orElse(""));
    String setCookie = exchanged.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(
        setCookie.startsWith("pier_preview=")
            && setCookie.toLowerCase(Locale.ROOT).contains("httponly")
            && setCookie.contains("SameSite=Lax")
            && setCookie.contains("Path=/")
            && !setCookie.toLowerCase(Locale.ROOT).contains("domain="),
        setCookie);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    assertFalse(
        TOKENS.verify(cookie.substring("pier_preview=".length())).isPresent(), "not an API token");

    HttpResponse<String> page =
        send(
            "GET",
            host("hidden-app"),
            "/deep?q=1",
            "Accept",
            "text/html",
            "Cookie",
            "theme=dark; " + cookie);
    assertEquals(200, page.statusCode(), page.body());
    assertEquals(
        "path=/deep?q=1 authorization=null cookie=theme=dark",
        page.body(),
        "the app never sees the token");

    CompletableFuture<String> first = new CompletableFuture<>();
    // The handler is set before the socket connects: the app greets at once, and
    // WebSocketClient.connect would resume the socket before a handler set in its callback.
    ClientWebSocket ws = webSockets.webSocket();
    ws.textMessageHandler(first::complete);
    Mains.await(
        ws.connect(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(edgePort)
                .setURI("/hmr")
                .putHeader("Host", host("hidden-app"))
                .putHeader("Cookie", cookie)),
        WAIT);
    assertEquals(
        "cookie=null",
        first.get(10, TimeUnit.SECONDS),
        "the owner's WebSocket passes, without the cookie");
    Mains.await(ws.close(), WAIT);
  }

  @Test
  void onePreviewsCookieDoesNotOpenAnother() throws Exception {
    String forHidden =
        "pier_preview=" + TOKENS.issuePreview("ada", false, "hidden-app", Duration.ofMinutes(5));
    assertEquals(401, send("GET", host("other-hidden"), "/", "Cookie", forHidden).statusCode());
    assertEquals(
        302,
        send("GET", host("other-hidden"), "/", "Cookie", forHidden, "Accept", "text/html")
            .statusCode());
    String apiToken = "pier_preview=" + TOKENS.issue("ada", false, Duration.ofMinutes(5));
    assertEquals(
        401,
        send("GET", host("hidden-app"), "/", "Cookie", apiToken).statusCode(),
        "an API token is not a preview cookie");
    String strangers =
        "pier_preview="
            + TOKENS.issuePreview("mallory", false, "hidden-app", Duration.ofMinutes(5));
    assertEquals(403, send("GET", host("hidden-app"), "/", "Cookie", strangers).statusCode());
    assertEquals(
        200,
        send("GET", host("hidden-app"), "/", "Cookie", strangers + "; " + forHidden).statusCode(),
        "every cookie of the name counts, so one planted for the whole domain cannot shadow the owner's");
  }

  @Test
  void aBadHandOverLinkGetsAPageAndNoCookie() throws Exception {
    for (String token :
        List.of(
            "garbage",
            TOKENS.issue("ada", false, Duration.ofMinutes(1)),
            TOKENS.issuePreview("ada", false, "other-hidden", Duration.ofMinutes(1)),
            TOKENS.issuePreview("ada", false, "hidden-app", Duration.ofSeconds(-1)))) {
      HttpResponse<String> r =
          send("GET", host("hidden-app"), "/__pier/auth?token=" + token + "&return=%2Fa");
      assertEquals(401, r.statusCode(), token);
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
      assertTrue(r.headers().firstValue("Set-Cookie").isEmpty(), token);
      assertTrue(r.body().contains("href=\"/a\""), r.body());
    }
  }

  @Test
  void theHandOverNeverSendsTheBrowserToAnotherHost() throws Exception {
    String link = TOKENS.issuePreview("ada", false, "hidden-app", Duration.ofMinutes(1));
    for (String back :
        List.of("%2F%2Fevil.example%2F", "https%3A%2F%2Fevil.example", "%2F%5Cevil.example")) {
      HttpResponse<String> r =
          send("GET", host("hidden-app"), "/__pier/auth?token=" + link + "&return=" + back);
      assertEquals("/", r.headers().firstValue("Location").orElseThrow(), back);
    }
  }

  @Test
  void aStoppedPrivateReplIsNotWokenOrRevealedToAStranger() throws Exception {
    assertEquals(401, send("GET", host("hidden-sleepy"), "/").statusCode());
    HttpResponse<String> owner =
        send(
            "GET",
            host("hidden-sleepy"),
            "/",
            "Authorization",
            "Bearer " + TOKENS.issue("ada", false, Duration.ofMinutes(5)));
    assertEquals(
        503, owner.statusCode(), "waking is off here: the owner gets the not-running page");
    assertEquals(404, send("GET", host("nobody-here"), "/").statusCode(), "unknown slugs stay 404");
  }

  // ---- canonical paths on the apex ----

  @Test
  void nonCanonicalPathsOnTheApexAreRefusedAndNeverReachTheScheduler() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer scheduler =
        Mains.await(
            backends
                .createHttpServer()
                .requestHandler(
                    req -> {
                      seen.add(req.method() + " " + req.uri());
                      req.response().putHeader("Content-Type", "application/json").end("{}");
                    })
                .listen(0, "127.0.0.1"),
            WAIT);
    try {
      Mains.await(
          dataMember
              .state()
              .services()
              .put(
                  "scheduler/paths",
                  new ServiceEndpoint(
                      "scheduler", "paths", "http://127.0.0.1:" + scheduler.actualPort()),
                  Duration.ofMinutes(1)),
          WAIT);
      awaitApi();
      seen.clear();
      String evil = "https://evil.example";
      for (String[] attempt :
          new String[][] {
            {"POST", "//api/repls/x/stop"},
            {"POST", "/%61pi/repls/x/stop"},
            {"POST", "/api//repls/x/stop"},
            {"GET", "/api/../metrics"},
            {"GET", "/api/%2e%2e/metrics"},
            {"GET", "/api/repls/%2E%2E/%2E%2E/metrics"},
            {"GET", "/api\\..\\metrics"}
          }) {
        HttpResponse<String> r =
            sendRaw(attempt[0], attempt[1], "Host: " + DOMAIN, "Origin: " + evil);
        assertTrue(
            r.statusCode() == 400 || r.statusCode() == 403,
            attempt[1] + " -> " + r.statusCode() + " " + r.body());
        if (r.statusCode() == 400)
          assertEquals("bad_path", new JsonObject(r.body()).getString("error"), attempt[1]);
      }
      assertEquals(
          404,
          sendRaw("DELETE", "/%2561pi/repls/x", "Host: " + DOMAIN, "Origin: " + evil).statusCode(),
          "an escaped percent sign is not decoded twice: not the API");
      assertEquals(
          400,
          sendRaw("POST", "//api/repls/x/stop", "Host: " + DOMAIN, "Origin: " + evil).statusCode());
      assertTrue(
          new JsonObject(sendRaw("GET", "/%61pi/repls", "Host: " + DOMAIN).body())
              .getString("message")
              .contains("/api/repls"),
          "the answer names the accepted spelling");
      get(DOMAIN, "/metrics");
      get(DOMAIN, "/healthz");
      assertEquals(List.of(), seen, "the scheduler saw none of them");
      assertEquals(200, get(DOMAIN, "/api/repls").statusCode());
      assertEquals(List.of("GET /api/repls"), seen);
    } finally {
      Mains.await(dataMember.state().services().remove("scheduler/paths"), WAIT);
      Mains.await(scheduler.close(), WAIT);
    }
  }

  // ---- many WebSockets, limits, and every way a relay can end ----

  /** A node-agent's session endpoint: 401 without a bearer token, else "hello" and an echo of each message. */
  private static HttpServer fakeNodeAgent(int port) throws Exception {
    return Mains.await(
        backends
            .createHttpServer()
            .requestHandler(
                req -> {
                  if (req.getHeader("Authorization") == null) {
                    req.response()
                        .setStatusCode(401)
                        .putHeader("Content-Type", "application/json")
                        .end("{\"error\":\"unauthenticated\",\"message\":\"sign in first\"}");
                    return;
                  }
                  req.toWebSocket()
                      .onSuccess(
                          ws -> {
                            ws.writeTextMessage("hello");
                            ws.textMessageHandler(ws::writeTextMessage);
                          });
                })
            .listen(port, "127.0.0.1"),
        WAIT);
  }

  private static void routeSessions(String slug, int agentPort) throws Exception {
    Mains.await(
        dataMember
            .state()
            .routes()
            .put(slug, new Route(slug, "n1", "127.0.0.1", 1, "http://127.0.0.1:" + agentPort)),
        WAIT);
  }

  private static final WebSocketClient SOCKETS =
      Vertx.vertx().createWebSocketClient(new WebSocketClientOptions().setMaxConnections(1000));

  /** An IDE session through the edge as {@code user}, once it has said hello. */
  private static WebSocket session(String slug, String user) throws Exception {
    CompletableFuture<String> hello = new CompletableFuture<>();
    // Set before connecting: a handler set in connect's callback could miss the hello.
    ClientWebSocket ws = SOCKETS.webSocket();
    ws.textMessageHandler(hello::complete);
    Mains.await(
        ws.connect(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(edgePort)
                .setURI("/api/repls/" + slug + "/session")
                .putHeader("Host", DOMAIN)
                .setAllowOriginHeader(false)
                .putHeader(
                    "Authorization", "Bearer " + TOKENS.issue(user, false, Duration.ofMinutes(5)))),
        WAIT);
    assertEquals("hello", hello.get(10, TimeUnit.SECONDS));
    return ws;
  }

  private static String echo(WebSocket ws, String text) throws Exception {
    CompletableFuture<String> back = new CompletableFuture<>();
    ws.textMessageHandler(back::complete);
    Mains.await(ws.writeTextMessage(text), WAIT);
    return back.get(10, TimeUnit.SECONDS);
  }

  /** Waits until the edge holds nothing: no relayed or pending WebSocket, nothing counted, no pooled request. */
  private static EdgeProxy.Load awaitIdle() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    EdgeProxy.Load load;
    do {
      load = edge.proxy().load();
      if (load.idle()) return load;
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("the edge did not return to idle: " + load);
  }

  @Test
  void moreSessionsToOneNodeThanAnyPoolHoldsAllConnectAndEcho() throws Exception {
    HttpServer agent = fakeNodeAgent(0);
    routeSessions("busy-app", agent.actualPort());
    List<WebSocket> sessions = new ArrayList<>();
    try {
      List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        opening.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return session("busy-app", "ada");
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }));
      }
      for (CompletableFuture<WebSocket> f : opening) sessions.add(f.get(30, TimeUnit.SECONDS));
      for (int i = 0; i < sessions.size(); i++)
        assertEquals("key " + i, echo(sessions.get(i), "key " + i));
      assertEquals(40, edge.proxy().load().sessionsOpen());
      assertEquals(0, edge.proxy().load().sessionsPending());
    } finally {
      for (WebSocket ws : sessions) Mains.await(ws.close(), WAIT);
      Mains.await(agent.close(), WAIT);
    }
    awaitIdle();
  }

  @Test
  void pastTheUsersLimitASessionIsRefusedAtOnceWithTheLimitNamed() throws Exception {
    HttpServer agent = fakeNodeAgent(0);
    routeSessions("crowded-app", agent.actualPort());
    List<WebSocket> sessions = new ArrayList<>();
    try {
      for (int i = 0; i < 45; i++) sessions.add(session("crowded-app", "bob"));
      long asked = System.nanoTime();
      HttpResponse<String> refused =
          sendRaw(
              "GET",
              "/api/repls/crowded-app/session",
              "Host: " + DOMAIN,
              "Authorization: Bearer " + TOKENS.issue("bob", false, Duration.ofMinutes(5)),
              "Connection: Upgrade",
              "Upgrade: websocket",
              "Sec-WebSocket-Version: 13",
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
      assertTrue(System.nanoTime() - asked < TimeUnit.SECONDS.toNanos(2), "answered at once");
      assertEquals(429, refused.statusCode(), refused.body());
      JsonObject body = new JsonObject(refused.body());
      assertEquals("too_many_websockets", body.getString("error"));
      assertEquals("sessions_per_user", body.getString("limit"));
      assertEquals(45, body.getInteger("max"));
      assertTrue(refused.headers().firstValue("Retry-After").isPresent());
      assertEquals(
          "hello",
          echo(session("crowded-app", "cy"), "hello").substring(0, 5),
          "another user still gets in");
      sessions.add(null);
    } finally {
      for (WebSocket ws : sessions) if (ws != null) Mains.await(ws.close(), WAIT);
      Mains.await(agent.close(), WAIT);
    }
  }

  @Test
  void upgradesAbandonedOrRefusedInEveryWayAreReleasedAndANewSessionStillConnects()
      throws Exception {
    HttpServer agent = fakeNodeAgent(0);
    routeSessions("abandoned-app", agent.actualPort());
    String upgrade =
        "GET /api/repls/abandoned-app/session HTTP/1.1\r\nHost: "
            + DOMAIN
            + "\r\nAuthorization: Bearer "
            + TOKENS.issue("dee", false, Duration.ofMinutes(5))
            + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    List<Socket> held = new ArrayList<>();
    try (ServerSocket mute = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      // Killed mid-upgrade: the whole request sent, then gone before any answer.
      for (int i = 0; i < 15; i++) {
        try (Socket s = rawSocket()) {
          s.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
        }
      }
      // Half a request, then gone; and half a request left hanging.
      for (int i = 0; i < 10; i++) {
        Socket s = rawSocket();
        s.getOutputStream().write(upgrade.substring(0, 40).getBytes(StandardCharsets.US_ASCII));
        if (i % 2 == 0) s.close();
        else held.add(s);
      }
      // Upgraded, but the client never reads a byte.
      for (int i = 0; i < 10; i++) {
        Socket s = rawSocket();
        s.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
        held.add(s);
      }
      // A node-agent that accepts the connection and never answers: the upgrade times out with 504.
      routeSessions("mute-app", mute.getLocalPort());
      HttpResponse<String> timedOut =
          sendRaw(
              "GET",
              "/api/repls/mute-app/session",
              "Host: " + DOMAIN,
              "Authorization: Bearer " + TOKENS.issue("dee", false, Duration.ofMinutes(5)),
              "Connection: Upgrade",
              "Upgrade: websocket",
              "Sec-WebSocket-Version: 13",
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
      assertEquals(504, timedOut.statusCode(), timedOut.body());
      assertEquals("upgrade_timeout", new JsonObject(timedOut.body()).getString("error"));
      // A node-agent that refuses: its answer reaches the client whole.
      HttpResponse<String> unauthenticated =
          sendRaw(
              "GET",
              "/api/repls/abandoned-app/session",
              "Host: " + DOMAIN,
              "Authorization: Bearer "
                  + TOKENS.issue("dee", false, Duration.ofMinutes(5)).substring(1),
              "Connection: Upgrade",
              "Upgrade: websocket",
              "Sec-WebSocket-Version: 13",
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
      assertEquals(401, unauthenticated.statusCode(), "the edge checks the token too");
      // A node-agent that is gone: 502 at once.
      routeSessions("gone-app", freePort());
      HttpResponse<String> gone =
          sendRaw(
              "GET",
              "/api/repls/gone-app/session",
              "Host: " + DOMAIN,
              "Authorization: Bearer " + TOKENS.issue("dee", false, Duration.ofMinutes(5)),
              "Connection: Upgrade",
              "Upgrade: websocket",
              "Sec-WebSocket-Version: 13",
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
      assertEquals(502, gone.statusCode(), gone.body());

      WebSocket fresh = session("abandoned-app", "dee");
      assertEquals("still here", echo(fresh, "still here"));
      Mains.await(fresh.close(), WAIT);
    } finally {
      for (Socket s : held) s.close();
      Mains.await(agent.close(), WAIT);
    }
    awaitIdle();
  }

  @Test
  void aNodeAgentThatGoesAwayTakesItsRelayedSessionsWithIt() throws Exception {
    HttpServer agent = fakeNodeAgent(0);
    routeSessions("restarting-app", agent.actualPort());
    List<WebSocket> sessions = new ArrayList<>();
    for (int i = 0; i < 10; i++) sessions.add(session("restarting-app", "eve"));
    List<CompletableFuture<Void>> closed = new ArrayList<>();
    for (WebSocket ws : sessions) {
      CompletableFuture<Void> c = new CompletableFuture<>();
      ws.closeHandler(v -> c.complete(null));
      closed.add(c);
    }
    Mains.await(agent.close(), WAIT);
    for (CompletableFuture<Void> c : closed) c.get(10, TimeUnit.SECONDS);
    awaitIdle();
    HttpServer back = fakeNodeAgent(agent.actualPort());
    try {
      WebSocket again = session("restarting-app", "eve");
      assertEquals("back", echo(again, "back"));
      Mains.await(again.close(), WAIT);
    } finally {
      Mains.await(back.close(), WAIT);
    }
    awaitIdle();
  }

  @Test
  void aPreviewTakesMoreWebSocketsThanItsPoolAndAFullQueueIsAnswered503() throws Exception {
    List<WebSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 40; i++) {
        sockets.add(
            Mains.await(
                SOCKETS.connect(
                    new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(edgePort)
                        .setURI("/hmr")
                        .putHeader("Host", "live-app." + DOMAIN)),
                WAIT));
      }
      for (int i = 0; i < sockets.size(); i++) {
        assertEquals("m" + i + " via live-app." + DOMAIN, echo(sockets.get(i), "m" + i));
      }
      assertEquals(40, edge.proxy().load().previewSocketsOpen());
    } finally {
      for (WebSocket ws : sockets) Mains.await(ws.close(), WAIT);
    }
    // The pool to one app holds 4 connections and 4 waiting requests here: of 20 slow requests at
    // once, the rest
    // are answered 503 at once, with a JSON body and Retry-After.
    List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      slow.add(
          HTTP.sendAsync(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edgePort + "/slow"))
                  .header("Host", "live-app." + DOMAIN)
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    int ok = 0;
    int busy = 0;
    for (CompletableFuture<HttpResponse<String>> f : slow) {
      HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
      if (r.statusCode() == 200) {
        ok++;
      } else {
        assertEquals(503, r.statusCode(), r.body());
        assertEquals("origin_busy", new JsonObject(r.body()).getString("error"));
        assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
        busy++;
      }
    }
    assertTrue(ok >= 4 && busy >= 1 && ok + busy == 20, ok + " ok, " + busy + " busy");
    awaitIdle();
  }

  /** Streams of the relay app's {@code /stream} that ended because their client went away. */
  private static final AtomicInteger STREAMS_CUT = new AtomicInteger();

  private static void relayApp(HttpServerRequest req) {
    HttpServerResponse res = req.response();
    switch (req.path()) {
      case "/echo" ->
          req.body()
              .onSuccess(
                  body -> {
                    List<String> names = new ArrayList<>();
                    req.headers().names().forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
                    res.setChunked(true)
                        .putHeader("X-Got-Headers", String.join(",", names))
                        .putHeader("X-Got-Length", String.valueOf(body.length()))
                        .putHeader("Connection", "x-app-hop")
                        .putHeader("X-App-Hop", "1")
                        .putHeader("Keep-Alive", "timeout=5");
                    int half = body.length() / 2;
                    res.write(body.getBuffer(0, half));
                    res.end(body.getBuffer(half, body.length()));
                  });
      case "/fixed" ->
          res.putHeader("Content-Length", "5").end(req.method() == HttpMethod.HEAD ? "" : "fixed");
      case "/dies-after-its-head" ->
          // An app killed between its head and its body (a Run that restarts it, a stop).
          res.putHeader("Content-Length", "100")
              .writeHead()
              .onComplete(written -> req.connection().close());
      case "/flood" -> {
        // As fast as the edge takes it, one chunk a turn (so that its close is seen at once): a
        // client that leaves
        // finds chunks on their way.
        res.setChunked(true);
        Buffer chunk = Buffer.buffer(new byte[16 * 1024]);
        Runnable[] more = new Runnable[1];
        more[0] =
            () -> {
              if (res.closed()) return;
              res.write(chunk);
              if (res.writeQueueFull()) {
                res.drainHandler(v -> more[0].run());
              } else {
                backends.runOnContext(v -> more[0].run());
              }
            };
        res.closeHandler(v -> STREAMS_CUT.incrementAndGet());
        more[0].run();
      }
      case "/stream" -> {
        res.setChunked(true);
        long timer = backends.setPeriodic(50, t -> res.write("tick\n"));
        res.closeHandler(
            v -> {
              backends.cancelTimer(timer);
              STREAMS_CUT.incrementAndGet();
            });
      }
      default -> res.setStatusCode(404).end();
    }
  }

  @Test
  void requestAndAnswerBodiesOfAnySizeAndEitherFramingPassThrough() throws Exception {
    byte[] body = new byte[1024 * 1024 + 7];
    ThreadLocalRandom.current().nextBytes(body);
    URI echo = URI.create("http://127.0.0.1:" + edgePort + "/echo");
    // A known length, then chunked (a stream of unknown length), each answered chunked by the app.
    for (HttpRequest.BodyPublisher publisher :
        List.of(
            HttpRequest.BodyPublishers.ofByteArray(body),
            HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))) {
      HttpResponse<byte[]> r =
          HTTP.send(
              HttpRequest.newBuilder(echo)
                  .header("Host", "relay-app." + DOMAIN)
                  .POST(publisher)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, r.statusCode());
      assertEquals(String.valueOf(body.length), r.headers().firstValue("X-Got-Length").orElse(""));
      assertArrayEquals(body, r.body());
    }
  }

  @Test
  void headersOfOneConnectionAreNotPassedOnEitherWay() throws Exception {
    HttpResponse<String> r =
        sendRaw(
            "GET",
            "/echo",
            "Host: relay-app." + DOMAIN,
            "Connection: x-secret-hop",
            "X-Secret-Hop: 1",
            "Keep-Alive: timeout=99",
            "TE: trailers",
            "Proxy-Authorization: Basic c2VjcmV0",
            "X-Kept: 1");
    assertEquals(200, r.statusCode());
    List<String> got = List.of(r.headers().firstValue("X-Got-Headers").orElse("").split(","));
    assertTrue(got.contains("x-kept"), got.toString());
    for (String hop : List.of("x-secret-hop", "keep-alive", "te", "proxy-authorization")) {
      assertFalse(got.contains(hop), hop + " reached the app: " + got);
    }
    assertEquals(Optional.empty(), r.headers().firstValue("X-App-Hop"));
    assertEquals(Optional.empty(), r.headers().firstValue("Keep-Alive"));
  }

  @Test
  void aHeadRequestGetsTheLengthAndNoBody() throws Exception {
    try (Socket s = rawSocket()) {
      String answer = askTheRelayAppOnce(s, "HEAD", "/fixed");
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
      assertTrue(answer.toLowerCase(Locale.ROOT).contains("content-length: 5\r\n"), answer);
      assertTrue(answer.endsWith("\r\n\r\n"), "a body came after the head: " + answer);
    }
  }

  @Test
  void anAppThatDiesAfterItsHeadGivesAnAnswerThatSaysSoNotAnEmptyOne() throws Exception {
    for (int round = 0; round < 3; round++) {
      try (Socket s = rawSocket()) {
        String answer = askTheRelayAppOnce(s, "GET", "/dies-after-its-head");
        assertTrue(
            answer.startsWith("HTTP/1.1 502 Bad Gateway\r\n"), "round " + round + ": " + answer);
        assertTrue(answer.contains("\"origin_broke_off\""), answer);
        assertFalse(
            answer.toLowerCase(Locale.ROOT).contains("content-length: 100"),
            "the app's head is not passed on: " + answer);
      }
    }
    awaitIdle();
  }

  @Test
  void aClientThatLeavesWhileTheAnswerFloodsInEndsTheAppsAnswerAndLeavesNothingUnhandled()
      throws Exception {
    List<Throwable> unhandled = new CopyOnWriteArrayList<>();
    edge.proxy().vertx().exceptionHandler(unhandled::add);
    try {
      for (int round = 0; round < 5; round++) {
        int cutBefore = STREAMS_CUT.get();
        try (Socket s = rawSocket()) {
          askTheRelayApp(s, "/flood");
          assertTrue(s.getInputStream().readNBytes(64 * 1024).length > 0, "the flood began");
        }
        int r = round;
        eventually(
            () -> STREAMS_CUT.get() > cutBefore,
            "round " + r + ": the app's answer ended with its client");
      }
      awaitIdle();
      assertEquals(List.of(), unhandled, "exceptions no handler took");
    } finally {
      edge.proxy().vertx().exceptionHandler(null);
    }
  }

  @Test
  void aClientThatLeavesMidAnswerEndsTheAppsStreamAndLeavesTheEdgeIdle() throws Exception {
    int cutBefore = STREAMS_CUT.get();
    try (Socket s = rawSocket()) {
      askTheRelayApp(s, "/stream");
      byte[] some = new byte[256];
      int read = 0;
      while (read < some.length) {
        int n = s.getInputStream().read(some, read, some.length - read);
        assertTrue(n > 0, "the stream ended early");
        read += n;
      }
      assertTrue(new String(some, StandardCharsets.UTF_8).contains("tick"));
    }
    eventually(() -> STREAMS_CUT.get() > cutBefore, "the app's stream ended with its client");
    awaitIdle();
  }

  /** A GET of {@code path} of the relay's own app, written by hand on {@code s}. */
  private static void askTheRelayApp(Socket s, String path) throws Exception {
    s.getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: relay-app." + DOMAIN + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
  }

  /** A request of the relay's own app on {@code s} that closes the connection, and the whole answer. */
  private static String askTheRelayAppOnce(Socket s, String method, String path) throws Exception {
    s.getOutputStream()
        .write(
            (method
                    + " "
                    + path
                    + " HTTP/1.1\r\nHost: relay-app."
                    + DOMAIN
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
    return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static Socket rawSocket() throws Exception {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), edgePort);
    s.setSoTimeout(10_000);
    return s;
  }

  /**
   * One request written by hand (the path exactly as given, which java.net.http would normalise or refuse), and its
   * answer: status, headers and a body of Content-Length bytes.
   */
  private static HttpResponse<String> sendRaw(String method, String path, String... headers)
      throws Exception {
    try (Socket s = rawSocket()) {
      StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
      for (String h : headers) request.append(h).append("\r\n");
      request.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
      s.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
      DataInputStream in = new DataInputStream(s.getInputStream());
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.readUnsignedByte());
      String[] lines = head.toString().split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0)
          map.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>())
              .add(lines[i].substring(colon + 1).trim());
      }
      int length = Integer.parseInt(map.getOrDefault("Content-Length", List.of("0")).get(0));
      byte[] body = new byte[length];
      in.readFully(body);
      return new RawResponse(
          status, HttpHeaders.of(map, (a, b) -> true), new String(body, StandardCharsets.UTF_8));
    }
  }

  private record RawResponse(int statusCode, HttpHeaders headers, String body)
      implements HttpResponse<String> {
    @Override
    public HttpRequest request() {
      return null;
    }

    @Override
    public Optional<HttpResponse<String>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    @Override
    public URI uri() {
      return null;
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }

  private static HttpResponse<String> send(
      String method, String host, String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edgePort + path))
            .header("Host", host)
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The edge refreshes its scheduler list every two seconds; poll until it has found the one just announced. */
  private static JsonObject awaitApi() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    HttpResponse<String> r;
    do {
      r = get(DOMAIN, "/api/repls");
      if (r.statusCode() == 200) return new JsonObject(r.body());
      assertEquals(503, r.statusCode(), r.body());
      assertEquals("no_scheduler", new JsonObject(r.body()).getString("error"));
      Mains.await(Future.future(p -> backends.setTimer(100, t -> p.complete())), WAIT);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("the edge never found the scheduler: " + r.body());
  }

  private static HttpResponse<String> get(String host, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edgePort + path))
            .header("Host", host)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
