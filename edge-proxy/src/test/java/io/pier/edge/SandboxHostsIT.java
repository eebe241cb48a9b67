package io.pier.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.auth.TokenSigner;
import io.pier.common.cluster.ClusterConfig;
import io.pier.common.cluster.hazelcast.HazelcastCluster;
import io.pier.common.config.Mains;
import io.pier.common.repl.Route;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * E2B's hosts at the edge-proxy, a lite member of a real cluster on loopback: {@code api.<domain>} to a scheduler's
 * {@code /e2b}, {@code <port>-<slug>.<domain>} and {@code sandbox.<domain>} to the repl's node-agent (a loopback
 * stand-in that tells what reached it), streamed, WebSockets included; a sandbox that does not run answered as E2B's
 * proxy answers.
 */
class SandboxHostsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String DOMAIN = "pier.localhost";
  private static final String SLUG = "blue-fox-1a2b3c";
  private static final String SECRET = "edge-it-secret-long-enough";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static HazelcastCluster dataMember;
  private static EdgeProxyMain.Running edge;
  private static Vertx backends;
  private static WebSocketClient webSockets;
  private static int edgePort;

  /** The node-agent's answer still to be finished by {@code /finish}: proof that the first part came through alone. */
  private static final AtomicReference<HttpServerResponse> streaming = new AtomicReference<>();

  @BeforeAll
  static void start() throws Exception {
    ClusterConfig cluster = TestClusters.onLoopback("edge-sandbox-it-");
    dataMember =
        Mains.await(
            HazelcastCluster.join(cluster, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
            WAIT);
    backends = Vertx.vertx();
    webSockets = backends.createWebSocketClient();
    HttpServer agent =
        Mains.await(
            backends
                .createHttpServer()
                .webSocketHandler(
                    ws -> ws.textMessageHandler(m -> ws.writeTextMessage(m + " at " + ws.uri())))
                .requestHandler(
                    req -> {
                      if (req.path().endsWith("/stream")) {
                        req.response().setChunked(true).write("first\n");
                        streaming.set(req.response());
                      } else if (req.path().endsWith("/finish")) {
                        streaming.get().end("second\n");
                        req.response().end("finished");
                      } else {
                        req.body()
                            .onSuccess(
                                body ->
                                    req.response()
                                        .putHeader("Content-Type", "application/json")
                                        .end(
                                            new JsonObject()
                                                .put("uri", req.uri())
                                                .put("host", req.getHeader("Host"))
                                                .put("proto", req.getHeader("X-Forwarded-Proto"))
                                                .put("body", body.toString())
                                                .encode()));
                      }
                    })
                .listen(0, "127.0.0.1"),
            WAIT);
    String agentUrl = "http://127.0.0.1:" + agent.actualPort();
    Mains.await(
        dataMember.state().routes().put(SLUG, new Route(SLUG, "n1", "127.0.0.1", 1, agentUrl)),
        WAIT);
    edgePort = freePort();
    edge =
        Mains.await(
            EdgeProxyMain.start(
                new EdgeConfig(
                    "127.0.0.1",
                    edgePort,
                    DOMAIN,
                    // The scheduler is the node-agent stand-in too: it tells what reached it.
                    List.of(agentUrl),
                    Duration.ZERO,
                    SECRET,
                    new ClusterConfig(
                        cluster.name(), cluster.members(), cluster.host(), cluster.port(), true))),
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
  void theInSandboxApisHostGoesToTheNodeAgentsEnvdPathWithHostAndBodyKept() throws Exception {
    String host = "49983-" + SLUG + "." + DOMAIN;
    HttpResponse<String> r = send("POST", host, "/process.Process/List?x=1", "{}");
    assertEquals(200, r.statusCode(), r.body());
    JsonObject seen = new JsonObject(r.body());
    assertEquals("/envd/" + SLUG + "/process.Process/List?x=1", seen.getString("uri"));
    assertEquals(host, seen.getString("host"));
    assertEquals("http", seen.getString("proto"));
    assertEquals("{}", seen.getString("body"));
  }

  @Test
  void anyOtherPortGoesToTheNodeAgentsPortsPath() throws Exception {
    HttpResponse<String> r = send("GET", "8000-" + SLUG + "." + DOMAIN, "/a/b?c=d", null);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("/ports/" + SLUG + "/8000/a/b?c=d", new JsonObject(r.body()).getString("uri"));
  }

  @Test
  void theSandboxHostTakesTheSandboxAndPortFromE2bsHeaders() throws Exception {
    HttpResponse<String> r =
        send(
            "GET",
            "sandbox." + DOMAIN,
            "/health",
            null,
            "E2b-Sandbox-Id",
            SLUG,
            "E2b-Sandbox-Port",
            "49983");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("/envd/" + SLUG + "/health", new JsonObject(r.body()).getString("uri"));
    HttpResponse<String> without = send("GET", "sandbox." + DOMAIN, "/health", null);
    assertEquals(400, without.statusCode());
    assertEquals("bad_sandbox", new JsonObject(without.body()).getString("error"));
    HttpResponse<String> badPort =
        send(
            "GET",
            "sandbox." + DOMAIN,
            "/",
            null,
            "E2b-Sandbox-Id",
            SLUG,
            "E2b-Sandbox-Port",
            "99999");
    assertEquals(400, badPort.statusCode());
  }

  @Test
  void aSandboxThatDoesNotRunIsA502InE2bsShape() throws Exception {
    for (String host :
        List.of("49983-never-was-000000." + DOMAIN, "3000-never-was-000000." + DOMAIN)) {
      HttpResponse<String> r = send("GET", host, "/health", null);
      assertEquals(502, r.statusCode(), r.body());
      JsonObject body = new JsonObject(r.body());
      assertEquals("never-was-000000", body.getString("sandboxId"));
      assertEquals("The sandbox was not found", body.getString("message"));
      assertEquals(502, body.getInteger("code"));
    }
  }

  @Test
  void junkHostsAreNoSandboxes() throws Exception {
    assertEquals(404, send("GET", "99999-x." + DOMAIN, "/", null).statusCode());
    assertEquals(404, send("GET", "0-" + SLUG + "." + DOMAIN, "/", null).statusCode());
  }

  @Test
  void aPathThatWouldClimbOutOfTheSandboxIsRefused() throws Exception {
    for (String path :
        List.of(
            "/../../ports/other-repl-000000/8000/",
            "/%2e%2e/%2E%2E/other-repl-000000/8000/",
            "/a/%2e%2e/%2e%2e/%2e%2e/metrics")) {
      assertEquals(400, rawStatus("8000-" + SLUG + "." + DOMAIN, path), path);
      assertEquals(400, rawStatus("49983-" + SLUG + "." + DOMAIN, path), path);
      assertEquals(400, rawStatus("api." + DOMAIN, path), path);
    }
  }

  @Test
  void theControlPlanesHostGoesToASchedulersE2bPath() throws Exception {
    HttpResponse<String> r = send("POST", "api." + DOMAIN, "/sandboxes?limit=2", "{}");
    assertEquals(200, r.statusCode(), r.body());
    JsonObject seen = new JsonObject(r.body());
    assertEquals("/e2b/sandboxes?limit=2", seen.getString("uri"));
    assertEquals("api." + DOMAIN, seen.getString("host"));
    assertEquals("{}", seen.getString("body"));
  }

  @Test
  void aStreamedAnswerComesThroughAsItIsWritten() throws Exception {
    HttpResponse<InputStream> r =
        HTTP.send(
            request("49983-" + SLUG + "." + DOMAIN, "/process.Process/stream")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      // The node-agent writes the second line only when asked to, after the first has arrived here.
      assertEquals("first", lines.readLine());
      assertEquals("finished", send("GET", "49983-" + SLUG + "." + DOMAIN, "/finish", null).body());
      assertEquals("second", lines.readLine());
    }
  }

  @Test
  void aWebSocketToASandboxPortIsRelayedToItsPortsPath() throws Exception {
    WebSocket ws =
        Mains.await(
            webSockets.connect(
                new WebSocketConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(edgePort)
                    .setURI("/socket?x=1")
                    .putHeader("Host", "3000-" + SLUG + "." + DOMAIN)),
            WAIT);
    CompletableFuture<String> echoed = new CompletableFuture<>();
    ws.textMessageHandler(echoed::complete);
    Mains.await(ws.writeTextMessage("ping"), WAIT);
    assertEquals("ping at /ports/" + SLUG + "/3000/socket?x=1", echoed.get(10, TimeUnit.SECONDS));
    Mains.await(ws.close(), WAIT);
  }

  @Test
  void sandboxRequestsAreMeasuredAndTheirPoolSizeIsVisible() throws Exception {
    send("GET", "8000-" + SLUG + "." + DOMAIN, "/", null);
    HttpResponse<String> metrics =
        HTTP.send(
            request(DOMAIN, "/metrics")
                .header(
                    "Authorization",
                    "Bearer " + new TokenSigner(SECRET, Clock.systemUTC()).metricsToken())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("kind=\"sandbox\""), "requests timed as sandbox");
    assertTrue(metrics.body().contains("limit=\"sandbox_pool\""), "the sandbox pool's size");
  }

  // ---

  private static HttpRequest.Builder request(String host, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edgePort + path))
        .header("Host", host)
        .timeout(Duration.ofSeconds(20));
  }

  private static HttpResponse<String> send(
      String method, String host, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        request(host, path)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The status of a request sent byte for byte as written (no client normalises its path). */
  private static int rawStatus(String host, String path) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), edgePort)) {
      s.setSoTimeout(20_000);
      s.getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.UTF_8));
      String status =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      return Integer.parseInt(status.split(" ")[1]);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
