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
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A relayed WebSocket on which nothing moves either way (a network cut: no FIN, no RST, just silence) is closed by
 * the edge's idle timeout and its place given back, so that a cut never holds a session forever.
 */
class EdgeIdleTimeoutIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void aSilentRelayedSessionIsClosedAfterTheIdleTimeoutAndReleased() throws Exception {
    String secret = "edge-idle-it-secret-long-enough";
    ClusterConfig cluster = TestClusters.onLoopback("edge-idle-");
    HazelcastCluster data =
        Mains.await(
            HazelcastCluster.join(cluster, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
            WAIT);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    EdgeProxyMain.Running edge =
        Mains.await(
            EdgeProxyMain.start(
                new EdgeConfig(
                        "127.0.0.1",
                        port,
                        "pier.localhost",
                        List.of(),
                        Duration.ZERO,
                        secret,
                        new ClusterConfig(
                            cluster.name(),
                            cluster.members(),
                            cluster.host(),
                            cluster.port(),
                            true))
                    .withCapacity(
                        EdgeConfig.Capacity.defaults()
                            .withTimeouts(
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(3)))),
            WAIT);
    Vertx vertx = Vertx.vertx();
    // Closed at the end, and so held until then: Vert.x closes a client the garbage collector finds
    // unreferenced, which would close the session early.
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      // A node-agent that accepts the session and then says nothing, ever.
      HttpServer silent =
          Mains.await(
              vertx
                  .createHttpServer()
                  .requestHandler(req -> req.toWebSocket())
                  .listen(0, "127.0.0.1"),
              WAIT);
      Mains.await(
          data.state()
              .routes()
              .put(
                  "quiet-app",
                  new Route(
                      "quiet-app",
                      "n1",
                      "127.0.0.1",
                      1,
                      "http://127.0.0.1:" + silent.actualPort())),
          WAIT);
      // The edge's first look into the cluster's maps can take a while on a busy machine: not part
      // of what is measured.
      HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                  .header("Host", "quiet-app.pier.localhost")
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      WebSocket ws =
          Mains.await(
              client.connect(
                  new WebSocketConnectOptions()
                      .setHost("127.0.0.1")
                      .setPort(port)
                      .setURI("/api/repls/quiet-app/session")
                      .putHeader("Host", "pier.localhost")
                      .setAllowOriginHeader(false)
                      .putHeader(
                          "Authorization",
                          "Bearer "
                              + new TokenSigner(secret, Clock.systemUTC())
                                  .issue("ada", false, Duration.ofMinutes(5)))),
              WAIT);
      CompletableFuture<Void> closed = new CompletableFuture<>();
      ws.closeHandler(v -> closed.complete(null));
      long opened = System.nanoTime();
      // The edge counts the relay open on its own event loop, a moment after the client has its
      // 101.
      for (int i = 0; i < 50 && edge.proxy().load().sessionsOpen() == 0 && !closed.isDone(); i++)
        Thread.sleep(20);
      assertEquals(1, edge.proxy().load().sessionsOpen());
      closed.get(15, TimeUnit.SECONDS);
      long after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
      assertTrue(after >= 2500, "closed by the idle timeout, not at once: " + after + " ms");
      for (int i = 0; i < 50 && !edge.proxy().load().idle(); i++) Thread.sleep(100);
      assertTrue(edge.proxy().load().idle(), String.valueOf(edge.proxy().load()));
    } finally {
      Mains.await(client.close(), WAIT);
      Mains.await(vertx.close(), WAIT);
      edge.close();
      Mains.await(data.close(), WAIT);
    }
  }
}
