package io.pier.common.http.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.config.Mains;
import io.pier.common.http.UpgradeRelay;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket relayed by {@link UpgradeRelay} between a real Vert.x client, relay and origin on loopback: once
 * upgraded, the two connections are spliced ({@link ChannelSplice}) and Vert.x's objects of the upgrade are let go.
 */
class ChannelSpliceIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private Vertx vertx;
  private HttpServer origin;
  private HttpServer relayServer;
  private WebSocketClient client;
  private UpgradeRelay relay;
  private final AtomicInteger released = new AtomicInteger();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<WeakReference<HttpConnection>> relayedConnections = new ArrayList<>();
  private final CompletableFuture<ServerWebSocket> originSide = new CompletableFuture<>();

  @BeforeEach
  void start() {
    vertx =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setMetricsOptions(
                        new MicrometerMetricsOptions()
                            .setEnabled(true)
                            .setRegistryName("splice-" + UUID.randomUUID())))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .build();
    origin =
        Mains.await(
            vertx
                .createHttpServer()
                .webSocketHandler(
                    ws -> {
                      originSide.complete(ws);
                      ws.textMessageHandler(text -> ws.writeTextMessage("echo " + text));
                    })
                .listen(0, "127.0.0.1"),
            WAIT);
    HttpClientAgent agent = vertx.createHttpClient();
    relay = new UpgradeRelay(vertx, agent, Duration.ofSeconds(5), Duration.ofSeconds(5));
    relayServer =
        Mains.await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req -> {
                      synchronized (relayedConnections) {
                        relayedConnections.add(new WeakReference<>(req.connection()));
                      }
                      req.pause();
                      relay.relay(
                          req,
                          SocketAddress.inetSocketAddress(origin.actualPort(), "127.0.0.1"),
                          UpgradeRelay.forwardedHeaders(req),
                          released::incrementAndGet);
                    })
                .listen(0, "127.0.0.1"),
            WAIT);
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20));
  }

  @AfterEach
  void stop() {
    Mains.await(vertx.close(), WAIT);
  }

  private WebSocket connect() {
    return Mains.await(
        client.connect(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(relayServer.actualPort())
                .setURI("/ws")),
        WAIT);
  }

  @Test
  void aRelayedWebSocketCarriesBothWaysAndLetsGoOfTheUpgradesConnectionObjects() throws Exception {
    WebSocket ws = connect();
    CompletableFuture<String> echoed = new CompletableFuture<>();
    ws.textMessageHandler(echoed::complete);
    Mains.await(ws.writeTextMessage("ping"), WAIT);
    assertEquals("echo ping", echoed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals(1, relay.open());

    // Without the splice Vert.x keeps the upgraded HTTP connection (and its request, response and
    // queues) alive for
    // as long as the WebSocket is open.
    await(
        () -> {
          System.gc();
          synchronized (relayedConnections) {
            return relayedConnections.get(0).get() == null;
          }
        },
        "the relay's HTTP connection object is collected while the WebSocket stays open");
    CompletableFuture<String> again = new CompletableFuture<>();
    ws.textMessageHandler(again::complete);
    Mains.await(ws.writeTextMessage("still there"), WAIT);
    assertEquals("echo still there", again.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    Mains.await(ws.close(), WAIT);
    await(() -> released.get() == 1 && relay.open() == 0, "the relay released once");
  }

  @Test
  void aClientThatStopsReadingStopsTheRelayReadingTheOrigin() throws Exception {
    WebSocket ws = connect();
    ws.pause();
    ServerWebSocket server = originSide.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
    AtomicLong written = new AtomicLong();
    AtomicLong lastDrain = new AtomicLong(System.nanoTime());
    long limit = 512L << 20;
    // The origin writes whenever its queue has room. If the relay stops reading, the origin's queue
    // fills once the
    // kernels' buffers between them are full, and stays full; if the relay read on (keeping what
    // the client does not
    // take), the origin would keep draining up to the limit.
    vertx.runOnContext(
        v ->
            new Object() {
              void write() {
                lastDrain.set(System.nanoTime());
                while (!server.writeQueueFull() && written.get() < limit) {
                  server.writeBinaryMessage(chunk);
                  written.addAndGet(chunk.length());
                }
                server.drainHandler(d -> write());
              }
            }.write());
    await(
        () ->
            written.get() >= limit
                || System.nanoTime() - lastDrain.get() > TimeUnit.SECONDS.toNanos(2),
        "the origin either stalls or reaches the limit");
    assertTrue(
        written.get() < 64L << 20, "the origin was held back, after " + written.get() + " bytes");
    ws.close();
    await(() -> released.get() == 1, "the relay released once the client left");
  }

  @Test
  void vertxsMetricsCountTheSplicedConnectionsOutWhenTheyClose() throws Exception {
    WebSocket ws = connect();
    await(() -> activeServerConnections() == 2, "the relay's and the origin's connection counted");
    Mains.await(ws.close(), WAIT);
    await(() -> released.get() == 1, "the relay released");
    await(() -> activeServerConnections() == 0, "both counted out");
  }

  /** Vert.x's own gauge of open HTTP server connections, the relay's and the origin's together. */
  private double activeServerConnections() {
    Gauge gauge = registry.find("vertx.http.server.active.connections").gauge();
    return gauge == null ? -1 : gauge.value();
  }

  @Test
  void whenTheOriginClosesTheClientIsClosedAndTheRelayReleasedOnce() throws Exception {
    WebSocket ws = connect();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    ws.closeHandler(v -> closed.complete(null));
    ServerWebSocket server = originSide.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    Mains.await(server.close(), WAIT);
    closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    await(() -> released.get() == 1 && relay.open() == 0, "the relay released once");
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline)
        throw new AssertionError("not within " + WAIT + ": " + what);
      Thread.sleep(20);
    }
  }
}
