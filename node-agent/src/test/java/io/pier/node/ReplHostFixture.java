package io.pier.node;

import io.micrometer.core.instrument.MeterRegistry;
import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.InMemoryStringMap;
import io.pier.common.config.Mains;
import io.pier.common.store.s3.EmbeddedS3Server;
import io.pier.common.store.s3.S3Config;
import io.pier.common.store.s3.S3ObjectStore;
import io.pier.node.pool.PoolSettings;
import io.pier.node.runtime.Runtimes;
import io.pier.node.runtime.docker.ContainerInfo;
import io.pier.node.runtime.docker.DockerConfig;
import io.pier.node.runtime.docker.DockerContainerRuntime;
import io.pier.node.runtime.docker.DockerLabels;
import io.pier.node.runtime.docker.DockerSandboxDriver;
import io.pier.node.sandbox.SandboxHandleStore;
import io.pier.node.workspace.Workspaces;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A {@link ReplHost} for node-agent integration tests, wired as the node-agent wires it: the real dockerd, the
 * embedded S3 server over HTTP under {@code data}, an in-memory cluster. Closing removes the containers labelled
 * with its node id and releases the rest.
 */
final class ReplHostFixture implements AutoCloseable {
  final String nodeId;
  final EmbeddedS3Server s3;
  final S3ObjectStore store;

  /** The driver's dockerd, for what a test does behind the agent's back (containers an earlier agent left). */
  final DockerContainerRuntime runtime;

  final DockerSandboxDriver driver;
  final SandboxHandleStore handles;
  final ExecutorService transfers = Executors.newFixedThreadPool(4);
  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  final Vertx vertx = Vertx.vertx();
  final ClusterState cluster = new ClusterState(name -> new InMemoryStringMap(Clock.systemUTC()));
  final Workspaces workspaces;
  final Persistence persistence;
  final ReplHost host;
  final PoolSettings pool;

  /** @param workspacesUnder makes the node's workspaces in the folder it is given */
  ReplHostFixture(
      String nodeId, Path data, Function<Path, Workspaces> workspacesUnder, MeterRegistry metrics)
      throws Exception {
    this(nodeId, data, workspacesUnder, metrics, Map.of());
  }

  /** @param replEnv what the node gives every repl's environment (PIER_REPL_ENV) */
  ReplHostFixture(
      String nodeId,
      Path data,
      Function<Path, Workspaces> workspacesUnder,
      MeterRegistry metrics,
      Map<String, String> replEnv)
      throws Exception {
    this(nodeId, data, workspacesUnder, metrics, replEnv, PoolSettings.OFF);
  }

  /** @param pool the spare sandboxes the node keeps ready */
  ReplHostFixture(
      String nodeId,
      Path data,
      Function<Path, Workspaces> workspacesUnder,
      MeterRegistry metrics,
      Map<String, String> replEnv,
      PoolSettings pool)
      throws Exception {
    this.nodeId = nodeId;
    this.pool = pool;
    s3 = EmbeddedS3Server.start(data.resolve("s3"), "127.0.0.1", 0, "it", "it-secret");
    store =
        new S3ObjectStore(
            new S3Config(
                URI.create("http://127.0.0.1:" + s3.port()),
                "us-east-1",
                "pier",
                "it",
                "it-secret"));
    store.ensureBucket();
    runtime = new DockerContainerRuntime(new DockerConfig(null));
    // The CPU burst as a node-agent gives it, PIER_NODE_CPU_BURST read the same way (bench/run.sh
    // warm-start compares with and without).
    driver =
        new DockerSandboxDriver(
            runtime,
            new DockerSandboxDriver.Settings(nodeId, "127.0.0.1", null),
            SandboxDrivers.cpuBurst(
                Double.parseDouble(
                    System.getenv()
                        .getOrDefault(
                            "PIER_NODE_CPU_BURST",
                            String.valueOf(DockerConfig.DEFAULT_CPU_BURST)))));
    handles = new SandboxHandleStore(data.resolve("sandboxes"));
    workspaces = workspacesUnder.apply(data.resolve("workspaces"));
    persistence = TestPersistence.of(store, data, transfers, timer);
    host = newHost(workspaces, persistence, replEnv, pool, metrics);
  }

  /**
   * Another host on this node's driver, store and cluster maps, over {@code otherWorkspaces}, with a persistence of
   * its own on the same journal folder.
   */
  ReplHost hostOver(Workspaces otherWorkspaces, Path data, MeterRegistry metrics) {
    return hostOver(otherWorkspaces, data, metrics, pool);
  }

  /** The same with pool settings of its own. */
  ReplHost hostOver(
      Workspaces otherWorkspaces, Path data, MeterRegistry metrics, PoolSettings otherPool) {
    return newHost(
        otherWorkspaces,
        TestPersistence.of(store, data, transfers, timer),
        Map.of(),
        otherPool,
        metrics);
  }

  private ReplHost newHost(
      Workspaces on,
      Persistence saving,
      Map<String, String> replEnv,
      PoolSettings pool,
      MeterRegistry metrics) {
    return new ReplHost(
        vertx,
        identity(),
        driver,
        handles,
        saving,
        on,
        new Runtimes(Map.of(), driver.runtimes()),
        cluster.routes(),
        cluster.repls(),
        Duration.ofSeconds(20),
        Duration.ofSeconds(60),
        replEnv,
        pool,
        metrics);
  }

  NodeIdentity identity() {
    return new NodeIdentity(nodeId, "127.0.0.1", "http://127.0.0.1:1", null);
  }

  /** Removes every container of this node, as a test's clean-up must before it unmounts what they used. */
  void removeContainers() {
    for (ContainerInfo c : runtime.list(DockerLabels.ofNode(nodeId))) runtime.remove(c.id());
  }

  @Override
  public void close() throws Exception {
    host.closePool();
    removeContainers();
    Mains.await(vertx.close(), Duration.ofSeconds(10));
    timer.shutdownNow();
    transfers.shutdown();
    driver.close();
    store.close();
    s3.close();
  }

  /** An app that answers {@code answer} on {@code $PORT}. */
  static String serverJs(String answer) {
    return "require('http').createServer((q, s) => s.end('"
        + answer
        + "')).listen(process.env.PORT, '0.0.0.0');";
  }

  /** The body of a GET of the app published on {@code port}. */
  static String httpGet(int port) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Waits a minute and a half at most for {@code condition}. */
  static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) throw new AssertionError("never happened: " + what);
      Thread.sleep(100);
    }
  }
}
