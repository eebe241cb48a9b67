package io.pier.node;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.InMemoryStringMap;
import io.pier.common.config.Mains;
import io.pier.common.store.ObjectStore;
import io.pier.node.pool.PoolSettings;
import io.pier.node.runtime.Runtimes;
import io.pier.node.sandbox.FakeSandboxDriver;
import io.pier.node.sandbox.SandboxHandleStore;
import io.pier.node.workspace.Workspaces;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One node for fast tests of {@link ReplHost}: a fake sandbox driver, the object store a test gives, in-memory cluster
 * maps, and workspaces, handles and journal under a folder. Each {@link #agent} is a node-agent process started on
 * it (the first, or one started again after the previous went away), with threads of its own.
 */
final class FakeNode implements AutoCloseable {
  static final String NODE = "n1";
  private static final Duration WAIT = Duration.ofSeconds(30);

  final Vertx vertx = Vertx.vertx();
  final ClusterState cluster = new ClusterState(name -> new InMemoryStringMap(Clock.systemUTC()));
  final ObjectStore store;
  final FakeSandboxDriver driver;
  final Workspaces workspaces;
  final SandboxHandleStore handles;
  private final Path data;
  private final List<ExecutorService> threads = new ArrayList<>();

  FakeNode(Path data, ObjectStore store, FakeSandboxDriver driver) {
    this.data = data;
    this.store = store;
    this.driver = driver;
    this.workspaces = new Workspaces(data.resolve("workspaces"));
    this.handles = new SandboxHandleStore(data.resolve("sandboxes"));
  }

  /** An agent without a pool of spares. */
  ReplHost agent() {
    return agent(PoolSettings.OFF);
  }

  ReplHost agent(PoolSettings pool) {
    ExecutorService transfers = Executors.newFixedThreadPool(2);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    threads.addAll(List.of(transfers, timer));
    return new ReplHost(
        vertx,
        new NodeIdentity(NODE, "127.0.0.1", "http://127.0.0.1:1", null),
        driver,
        handles,
        TestPersistence.of(store, data, transfers, timer),
        workspaces,
        new Runtimes(Map.of(), driver.runtimes()),
        cluster.routes(),
        cluster.repls(),
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        Map.of(),
        pool,
        new SimpleMeterRegistry());
  }

  /** Ends the agents started so far as a killed process ends: nothing of theirs stores a file any more. */
  void killAgents() {
    threads.forEach(ExecutorService::shutdownNow);
  }

  @Override
  public void close() {
    driver.close();
    Mains.await(vertx.close(), WAIT);
    threads.forEach(ExecutorService::shutdownNow);
    // A transfer still writing into the test's directory as JUnit deletes it fails the test
    // ("Failed to delete temp directory"): the agents' threads are over before close returns.
    for (ExecutorService pool : threads) {
      try {
        if (!pool.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS))
          throw new IllegalStateException("an agent's thread did not stop within " + WAIT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
