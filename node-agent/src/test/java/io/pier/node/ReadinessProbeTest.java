package io.pier.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ConnectTimeoutException;
import io.pier.common.http.ApiException;
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
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readiness probe on loopback: a "route" server stands for the published port (it takes every connection and, until
 * the app is up, drops it, as Docker's userland proxy does) and an "app" server for the sandbox's own address, which
 * refuses connections until it listens.
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
  void anAppThatAnswersInItsSandboxIsReadyWithoutATryAtItsRoute() throws Exception {
    int route = routeServer();
    int app = appServer();
    String sandbox = driver.start(spec()).handle().id();

    await(probe().awaitAnswer(probed(sandbox, Optional.of("127.0.0.1"), route, app)));

    assertTrue(appAnswers.get() >= 1, "the app was asked in its sandbox");
    assertEquals(0, routeTries.get(), "its route was not tried");
  }

  @Test
  void withoutASandboxAddressTheRouteIsTriedUntilItAnswers() throws Exception {
    int route = routeServer();
    String sandbox = driver.start(spec()).handle().id();
    vertx.setTimer(300, t -> appUp.set(true));

    await(probe().awaitAnswer(probed(sandbox, Optional.empty(), route, 1)));

    assertEquals(1, routeAnswers.get());
    assertTrue(routeTries.get() > 1, "the route was tried while the app booted");
  }

  @Test
  void aRuntimeSlowToSayWhetherTheSandboxRunsDoesNotHoldTheTries() throws Exception {
    int route = routeServer();
    int app = appServer();
    String sandbox = driver.start(spec()).handle().id();
    CountDownLatch answered = new CountDownLatch(1);
    AtomicBoolean asked = new AtomicBoolean();
    AtomicBoolean asking = new AtomicBoolean();
    AtomicBoolean answeredWhileAsking = new AtomicBoolean();
    driver.onInspect =
        () -> {
          asked.set(true);
          asking.set(true);
          try {
            // Bounded, so that a probe that waits for this answer fails the test rather than hangs
            // it.
            answered.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            asking.set(false);
          }
        };

    await(
        probe()
            .awaitAnswer(probed(sandbox, Optional.of("127.0.0.1"), route, app))
            .onComplete(
                done -> {
                  // Read before the runtime is let go: whether its question was still open.
                  answeredWhileAsking.set(asking.get());
                  answered.countDown();
                }));

    assertTrue(asked.get(), "the runtime was asked while the app booted");
    assertTrue(
        answeredWhileAsking.get(), "the app's answer came while the runtime was still asked");
  }

  @Test
  void aSandboxThatStopsWhileItsAppBootsFailsTheWait() throws Exception {
    int route = routeServer();
    String sandbox = driver.start(spec()).handle().id();
    vertx.setTimer(50, t -> driver.stop(sandbox, Duration.ZERO));

    ExecutionException failed =
        assertThrows(
            ExecutionException.class,
            () -> await(probe().awaitAnswer(probed(sandbox, Optional.of("127.0.0.1"), route, 1))));

    ApiException error = assertInstanceOf(ApiException.class, failed.getCause());
    assertEquals("container_exited", error.code());
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

  private static Probed probed(
      String sandbox, Optional<String> address, int routePort, int appPort) {
    return new Probed(
        "r1", sandbox, address, new Endpoint("127.0.0.1", routePort), appPort, () -> false);
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
