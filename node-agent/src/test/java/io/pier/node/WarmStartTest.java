package io.pier.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.cluster.ClusterState;
import io.pier.common.config.Mains;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Limits;
import io.pier.common.store.InMemoryObjectStore;
import io.pier.node.pool.PoolSettings;
import io.pier.node.sandbox.FakeSandboxDriver;
import io.pier.node.sandbox.SandboxHandleStore;
import io.pier.node.sandbox.SandboxSpec;
import io.pier.node.workspace.Workspaces;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts from the node's pool of spares, on a fake driver: what the host does with a spare, and with its memory. */
class WarmStartTest {
  private static final String IMAGE = "pier-runner-node:latest";
  private static final Limits LIMITS = new Limits(0.5, 256, 128);
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path data;
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final FakeSandboxDriver driver = new FakeSandboxDriver(IMAGE);
  private FakeNode node;
  private ClusterState cluster;
  private Workspaces workspaces;
  private SandboxHandleStore handles;
  private ReplHost agent;

  private ReplHost agent(long capacityMb) {
    node = new FakeNode(data, store, driver);
    cluster = node.cluster;
    workspaces = node.workspaces;
    handles = node.handles;
    agent = node.agent(new PoolSettings(2, 4, Duration.ofMinutes(10), capacityMb));
    return agent;
  }

  @AfterEach
  void tearDown() throws Exception {
    if (agent != null) agent.closePool();
    if (node != null) node.close();
  }

  @Test
  void aStartOfAKindStartedBeforeTakesASpareWithOnlyItsOwnFiles() throws Exception {
    ReplHost host = agent(100_000);
    Mains.await(host.start(request("alpha", 3000)), WAIT);
    eventually(() -> host.pool().size() == 1);
    String spare = onlySpare();
    Path spareFolder = driver.spec(spare).workspace();
    Object folder = Files.getAttribute(spareFolder, "unix:ino");
    store.put("repls/beta/files/app.js", "beta's".getBytes(StandardCharsets.UTF_8));

    Mains.await(host.start(request("beta", 3000)), WAIT);

    String beta = handles.read("beta").orElseThrow().handle().id();
    assertEquals(spare, beta, "beta runs in the spare");
    assertTrue(driver.spec(beta).annotations().containsKey(SandboxSpec.SPARE));
    assertEquals(
        Map.of("run", "node server.js", "port", "3000"),
        handles.read("beta").orElseThrow().annotations(),
        "its handle carries beta's run command, not the spare's");
    assertEquals(List.of("app.js"), listing(workspaces.of("beta")));
    assertEquals(
        folder,
        Files.getAttribute(workspaces.of("beta"), "unix:ino"),
        "the folder the spare has as /workspace became beta's");
    assertFalse(Files.exists(spareFolder));

    Mains.await(host.stop("beta"), WAIT);
    assertFalse(driver.ids().contains(beta), "a used spare is thrown away, not pooled again");
  }

  @Test
  void aColdStartThatNeedsTheSparesMemoryThrowsThemAwayFirst() throws Exception {
    ReplHost host = agent(600);
    Mains.await(host.start(request("alpha", 3000)), WAIT);
    eventually(() -> host.pool().size() == 1);
    String spare = onlySpare();
    assertEquals(256, host.pool().pooledMemoryMb());
    assertEquals(256, host.load().pooledMemoryMb(), "the heartbeat reports the spares' memory");

    // Another kind (its app's port differs): no spare of it, and 256 + 256 + a spare of 256 > 600.
    Mains.await(host.start(request("gamma", 8000)), WAIT);

    assertFalse(driver.ids().contains(spare), "the spare made room");
    assertEquals(512, host.load().reservedMemoryMb());
  }

  private String onlySpare() {
    return driver.list().stream()
        .filter(s -> s.annotations().containsKey(SandboxSpec.SPARE))
        .map(s -> s.handle().id())
        .reduce((a, b) -> a + "," + b)
        .orElseThrow();
  }

  private static StartRequest request(String slug, int port) {
    return new StartRequest(slug, IMAGE, "node server.js", port, LIMITS, null);
  }

  private static List<String> listing(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(WAIT);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) throw new AssertionError("never happened");
      Thread.sleep(20);
    }
  }
}
