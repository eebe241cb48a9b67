package io.pier.node.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.auth.SandboxAccessTokens;
import io.pier.common.auth.TokenSigner;
import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.InMemoryStringMap;
import io.pier.common.config.Mains;
import io.pier.common.repl.Limits;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Visibility;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The node-agent's proxy to sandboxes' ports, against an app on loopback standing in for a sandbox's. */
class PortProxyTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SECRET = "a-test-secret-of-enough-length";
  private static final String PUBLIC = "blue-fox-1a2b3c";
  private static final String PRIVATE = "red-owl-4d5e6f";
  private static final String STOPPED = "calm-lynx-000001";
  private static final Instant CREATED = Instant.ofEpochMilli(1_700_000_000_000L);

  private final Vertx vertx = Vertx.vertx();
  private final TokenSigner tokens = new TokenSigner(SECRET, Clock.systemUTC());
  private final SandboxAccessTokens traffic = SandboxAccessTokens.forTraffic(SECRET);
  private HttpClient http;
  private int appPort;
  private int agentPort;

  @BeforeEach
  void start() throws Exception {
    ClusterState cluster = new ClusterState(name -> new InMemoryStringMap(Clock.systemUTC()));
    for (String slug : Set.of(PUBLIC, PRIVATE, STOPPED)) {
      Mains.await(
          cluster
              .repls()
              .put(
                  slug,
                  new ReplRecord(
                      slug,
                      "base",
                      "ann",
                      ReplState.RUNNING,
                      "node-1",
                      CREATED,
                      CREATED,
                      new Limits(1, 512, 1024),
                      slug.equals(PRIVATE) ? Visibility.PRIVATE : Visibility.PUBLIC)),
          WAIT);
    }
    HttpServer app =
        Mains.await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req -> {
                      if (req.canUpgradeToWebSocket()) {
                        req.toWebSocket().onSuccess(ws -> ws.handler(data -> ws.write(data)));
                        return;
                      }
                      req.body()
                          .onSuccess(
                              body ->
                                  req.response()
                                      .putHeader("Content-Type", "application/json")
                                      .end(
                                          new JsonObject()
                                              .put("uri", req.uri())
                                              .put("host", req.authority().toString())
                                              .put("authorization", req.getHeader("Authorization"))
                                              .put(
                                                  "traffic",
                                                  req.getHeader(PortAccess.TRAFFIC_HEADER))
                                              .put("body", body.toString())
                                              .encode()));
                    })
                .listen(0, "127.0.0.1"),
            WAIT);
    appPort = app.actualPort();
    Sandboxes sandboxes =
        new Sandboxes() {
          @Override
          public boolean runsHere(String slug) {
            return !slug.equals(STOPPED);
          }

          @Override
          public Future<Optional<String>> of(String slug) {
            return Future.succeededFuture(
                runsHere(slug) ? Optional.of("127.0.0.1") : Optional.empty());
          }
        };
    Router router = Router.router(vertx);
    new PortProxy(
            vertx,
            cluster.repls(),
            sandboxes,
            new PortAccess(tokens, traffic),
            PortProxy.Settings.defaults(),
            new SimpleMeterRegistry())
        .mount(router);
    agentPort =
        Mains.await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"), WAIT)
            .actualPort();
    http = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    Mains.await(vertx.close(), WAIT);
  }

  private record Answer(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private Answer send(HttpMethod method, String uri, MultiMap headers, String body) {
    return Mains.await(
        http.request(
                new RequestOptions()
                    .setMethod(method)
                    .setHost("127.0.0.1")
                    .setPort(agentPort)
                    .setURI(uri)
                    .setHeaders(headers))
            .compose(req -> body == null ? req.send() : req.send(body))
            .compose(
                (HttpClientResponse r) ->
                    r.body().map(b -> new Answer(r.statusCode(), b.toString()))),
        WAIT);
  }

  private Answer get(String uri, String... namesAndValues) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < namesAndValues.length; i += 2)
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    return send(HttpMethod.GET, uri, headers, null);
  }

  @Test
  void aPublicReplsPortAnswersWithItsAppPathQueryBodyAndHostAsSent() {
    Answer answer =
        send(
            HttpMethod.POST,
            "/ports/" + PUBLIC + "/" + appPort + "/a/b%20c?d=e",
            MultiMap.caseInsensitiveMultiMap(),
            "hello");
    assertEquals(200, answer.status(), answer.body());
    assertEquals("/a/b%20c?d=e", answer.json().getString("uri"));
    assertEquals("hello", answer.json().getString("body"));
    assertEquals("127.0.0.1:" + agentPort, answer.json().getString("host"), "the Host is kept");
    assertEquals("/", get("/ports/" + PUBLIC + "/" + appPort).json().getString("uri"));
  }

  @Test
  void aPrivateReplsPortWantsItsTrafficTokenOrItsOwnersToken() {
    String uri = "/ports/" + PRIVATE + "/" + appPort + "/";
    assertEquals(401, get(uri).status());
    assertEquals(
        403,
        get(uri, "Authorization", "Bearer " + tokens.issue("bob", false, Duration.ofMinutes(5)))
            .status());
    assertEquals(
        403,
        get(uri, PortAccess.TRAFFIC_HEADER, traffic.issue(PUBLIC, CREATED.toEpochMilli())).status(),
        "another repl's token");
    Answer withToken =
        get(uri, PortAccess.TRAFFIC_HEADER, traffic.issue(PRIVATE, CREATED.toEpochMilli()));
    assertEquals(200, withToken.status(), withToken.body());
    assertNull(withToken.json().getString("traffic"), "the token does not reach the app");
    Answer asOwner =
        get(uri, "Authorization", "Bearer " + tokens.issue("ann", false, Duration.ofMinutes(5)));
    assertEquals(200, asOwner.status(), asOwner.body());
    assertNull(
        asOwner.json().getString("authorization"), "the owner's token does not reach the app");
  }

  @Test
  void theInSandboxApisPortBadPortsAndClimbingPathsAreRefused() {
    assertEquals(404, get("/ports/" + PUBLIC + "/49983/health").status());
    assertEquals(400, get("/ports/" + PUBLIC + "/99999/").status());
    assertEquals(400, get("/ports/" + PUBLIC + "/0/").status());
    Answer climbing = get("/ports/" + PUBLIC + "/" + appPort + "/%2e%2e/%2e%2e/" + PRIVATE + "/");
    assertEquals(400, climbing.status(), climbing.body());
  }

  @Test
  void aReplThatDoesNotRunHereIsAnsweredAsE2bAnswersAGoneSandbox() {
    for (String slug : new String[] {STOPPED, "never-was-000000"}) {
      Answer answer = get("/ports/" + slug + "/" + appPort + "/");
      assertEquals(502, answer.status(), answer.body());
      assertEquals(slug, answer.json().getString("sandboxId"));
      assertEquals(502, answer.json().getInteger("code"));
      assertEquals("The sandbox was not found", answer.json().getString("message"));
    }
  }

  @Test
  void aPortWhereNothingListensIsA502NamingIt() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Answer answer = get("/ports/" + PUBLIC + "/" + closed + "/");
    assertEquals(502, answer.status(), answer.body());
    assertEquals(closed, answer.json().getInteger("port"));
    assertTrue(answer.json().getString("message").contains("port is not open"), answer.body());
  }

  @Test
  void aWebSocketToAPortIsRelayedBothWays() throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket ws =
        Mains.await(
            client.connect(
                new WebSocketConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(agentPort)
                    .setURI("/ports/" + PUBLIC + "/" + appPort + "/echo")),
            WAIT);
    CompletableFuture<String> echoed = new CompletableFuture<>();
    ws.handler(data -> echoed.complete(data.toString()));
    ws.writeTextMessage("ping");
    assertEquals("ping", echoed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    Mains.await(ws.close(), WAIT);
  }

  @Test
  void aWebSocketToAPrivateReplsPortWithoutACredentialIsRefused() {
    Future<WebSocket> refused =
        vertx
            .createWebSocketClient()
            .connect(
                new WebSocketConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(agentPort)
                    .setURI("/ports/" + PRIVATE + "/" + appPort + "/echo"));
    Mains.await(refused.otherwise((WebSocket) null), WAIT);
    assertTrue(refused.failed());
    assertTrue(refused.cause().getMessage().contains("401"), refused.cause().getMessage());
  }
}
