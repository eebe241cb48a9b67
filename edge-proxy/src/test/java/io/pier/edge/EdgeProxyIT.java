package io.pier.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.cluster.ClusterConfig;
import io.pier.common.cluster.ClusterState.ServiceEndpoint;
import io.pier.common.cluster.hazelcast.HazelcastCluster;
import io.pier.common.config.Mains;
import io.pier.common.repl.Limits;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Route;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The edge-proxy as a lite member of a real Hazelcast cluster on loopback, routing by Host to loopback backends:
 * previews (HTTP and WebSocket, Host kept), the API to a scheduler found through the cluster, and its own pages.
 */
class EdgeProxyIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String DOMAIN = "pier.localhost";

  private static HazelcastCluster dataMember;
  private static EdgeProxyMain.Running edge;
  private static Vertx backends;
  private static int edgePort;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    ClusterConfig cluster = new ClusterConfig("edge-it-" + UUID.randomUUID(), List.of("127.0.0.1"), "127.0.0.1",
        ThreadLocalRandom.current().nextInt(20000, 40000), false);
    dataMember = Mains.await(HazelcastCluster.join(cluster, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)), WAIT);
    edgePort = freePort();
    edge = Mains.await(EdgeProxyMain.start(new EdgeConfig("127.0.0.1", edgePort, DOMAIN, List.of(), Duration.ZERO, "edge-it-secret-long-enough",
        new ClusterConfig(cluster.name(), cluster.members(), cluster.host(), cluster.port(), true))), WAIT);
    backends = Vertx.vertx();

    HttpServer app = Mains.await(backends.createHttpServer()
        .webSocketHandler(ws -> ws.textMessageHandler(m -> ws.writeTextMessage(m + " via " + ws.headers().get("Host"))))
        .requestHandler(req -> req.response().end("app saw Host " + req.getHeader("Host") + " path " + req.uri()))
        .listen(0, "127.0.0.1"), WAIT);
    Mains.await(dataMember.state().routes().put("live-app",
        new Route("live-app", "n1", "127.0.0.1", app.actualPort(), "http://127.0.0.1:1")), WAIT);
    Mains.await(dataMember.state().repls().put("sleepy", new ReplRecord("sleepy", "node", null, ReplState.STOPPED,
        null, Instant.now(), Instant.now(), new Limits(1, 512, 256))), WAIT);
  }

  @AfterAll
  static void stop() throws Exception {
    if (edge != null) edge.close();
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
    WebSocket ws = Mains.await(backends.createWebSocketClient().connect(new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(edgePort).setURI("/hmr").putHeader("Host", "live-app." + DOMAIN)), WAIT);
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
  void apiGoesToASchedulerFoundInTheCluster() throws Exception {
    HttpServer scheduler = Mains.await(backends.createHttpServer()
        .requestHandler(req -> req.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("path", req.path()).put("method", req.method().name()).encode()))
        .listen(0, "127.0.0.1"), WAIT);
    try {
      Mains.await(dataMember.state().services().put("scheduler/it",
          new ServiceEndpoint("scheduler", "it", "http://127.0.0.1:" + scheduler.actualPort()), Duration.ofMinutes(1)), WAIT);
      JsonObject body = awaitApi();
      assertEquals("/api/repls", body.getString("path"));
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
    String metrics = get(DOMAIN, "/metrics").body();
    assertTrue(metrics.contains("vertx_http_server"));
    assertTrue(metrics.contains("pier_proxy_requests_seconds_count{kind=\"preview\",outcome=\"ok\"}"), metrics);
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
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edgePort + path)).header("Host", host)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
