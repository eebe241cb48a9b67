package io.pier.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ConnectTimeoutException;
import io.pier.common.repl.Limits;
import io.pier.node.ReadinessProbe.Probed;
import io.pier.node.sandbox.Endpoint;
import io.pier.node.sandbox.FakeSandboxDriver;
import io.pier.node.sandbox.SandboxSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServer;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readiness probe on loopback: a "route" server stands for the published port (it takes every connection and, until
 * the app is up, drops it, as Docker's userland proxy does) and an "app" server for the sandbox's own address.
 */
class ReadinessProbeTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path workspace;
  private final Vertx vertx = Vertx.vertx();
  private final FakeSandboxDriver driver = new FakeSandboxDriver("img");
  private final AtomicBoolean appUp = new AtomicBoolean();
  private final AtomicInteger routeTries = new AtomicInteger();
  private final AtomicInteger routeAnswers = new AtomicInteger();
  private final AtomicInteger appAnswers = new AtomicInteger();

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void anAppIsTriedInItsSandboxWhileItBootsThenOnceMoreWhereTheEdgeReachesIt() throws Exception {
    int route = routeServer();
    int app = appServer();
    driver.address = "127.0.0.1";
    String sandbox = driver.start(spec()).handle().id();

    await(probe().awaitAnswer(probed(sandbox, route, app)));

    assertTrue(appAnswers.get() >= 1, "the app was asked in its sandbox");
    assertEquals(1, routeAnswers.get(), "then once at its route");
  }

  @Test
  void withoutASandboxAddressTheRouteIsTriedUntilItAnswers() throws Exception {
    int route = routeServer();
    String sandbox = driver.start(spec()).handle().id();
    vertx.setTimer(300, t -> appUp.set(true));

    await(probe().awaitAnswer(probed(sandbox, route, 1)));

    assertEquals(1, routeAnswers.get());
    assertTrue(routeTries.get() > 1, "the route was tried while the app booted");
  }

  @Test
  void onlyARefusalOrAClosedConnectionShowsTheSandboxAddressIsReached() {
    assertTrue(ReadinessProbe.reached(new ConnectException("Connection refused")));
    assertTrue(ReadinessProbe.reached(new HttpClosedException("Connection was closed")));
    assertFalse(ReadinessProbe.reached(new ConnectTimeoutException("connection timed out")));
    assertFalse(ReadinessProbe.reached(new NoRouteToHostException("No route to host")));
  }

  private ReadinessProbe probe() {
    return new ReadinessProbe(HostContext.of(vertx), driver, WAIT);
  }

  private static Probed probed(String sandbox, int routePort, int appPort) {
    return new Probed("r1", sandbox, new Endpoint("127.0.0.1", routePort), appPort, () -> false);
  }

  private SandboxSpec spec() {
    return new SandboxSpec(
        "r1",
        "img",
        List.of("sleep", "infinity"),
        Map.of(),
        workspace,
        0,
        new Limits(1, 256, 64),
        null,
        Map.of());
  }

  /** Takes every connection; answers once the app is up, and drops the connection before. */
  private int routeServer() throws Exception {
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  routeTries.incrementAndGet();
                  if (appUp.get()) {
                    routeAnswers.incrementAndGet();
                    request.response().end("hello");
                  } else {
                    request.connection().close();
                  }
                });
    return await(server.listen(0, "127.0.0.1")).actualPort();
  }

  /** Starts listening 300 ms from now, and the app is up from then: tries before are refused. */
  private int appServer() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    vertx.setTimer(
        300,
        t ->
            vertx
                .createHttpServer()
                .requestHandler(
                    request -> {
                      appAnswers.incrementAndGet();
                      request.response().end("hello");
                    })
                .listen(port, "127.0.0.1")
                .onSuccess(listening -> appUp.set(true)));
    return port;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
