package io.pier.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.Mains;
import io.pier.common.http.ApiException;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Limits;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Route;
import io.pier.common.store.InMemoryObjectStore;
import io.pier.node.sandbox.FakeSandboxDriver;
import io.pier.node.sandbox.KeptSandbox;
import io.pier.node.workspace.RestoreMark;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repl's life on a node, on a fake driver: start, stop, adoption after the agent restarted, handover of a repl that
 * moved away. An agent restart is a new {@link ReplHost} over the same driver, data folder and cluster, as a restarted
 * agent finds the sandboxes, files and registry its predecessor left.
 */
class ReplHostTest {
  private static final String IMAGE = "pier-runner-node:latest";
  private static final Limits LIMITS = new Limits(0.5, 256, 128);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String NODE = FakeNode.NODE;

  @TempDir Path data;
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  private final FakeSandboxDriver driver = new FakeSandboxDriver(IMAGE);

  private FakeNode node;

  @BeforeEach
  void setUp() {
    node = new FakeNode(data, store, driver);
  }

  @AfterEach
  void tearDown() {
    node.close();
  }

  @Test
  void aStartedReplIsRoutedToTheEndpointItsDriverGaveAndItsHandleIsKept() throws Exception {
    store.put("repls/alpha/files/server.js", "the app".getBytes(StandardCharsets.UTF_8));
    ReplHost agent = node.agent();

    Route route = Mains.await(agent.start(request("alpha")), WAIT);

    KeptSandbox kept = node.handles.read("alpha").orElseThrow();
    assertEquals(FakeSandboxDriver.NAME, kept.handle().driver());
    assertEquals(driver.recover(kept.handle()).endpoint().orElseThrow().port(), route.port());
    assertEquals("127.0.0.1", route.host());
    assertEquals(route, Mains.await(node.cluster.routes().get("alpha"), WAIT), "route published");
    assertEquals(
        "the app",
        Files.readString(node.workspaces.of("alpha").resolve("server.js")),
        "restored from storage");
    assertTrue(
        driver.prepared.contains(node.workspaces.of("alpha")), "the driver readied the workspace");
    assertEquals(Map.of("run", "node server.js", "port", "3000"), kept.annotations());
  }

  @Test
  void aStoppedReplKeepsItsFiles() throws Exception {
    ReplHost agent = node.agent();
    Mains.await(agent.start(request("alpha")), WAIT);
    Files.writeString(node.workspaces.of("alpha").resolve("notes.txt"), "written in the repl");

    Mains.await(agent.stop("alpha"), WAIT);

    assertEquals(
        "written in the repl",
        new String(store.get("repls/alpha/files/notes.txt").orElseThrow(), StandardCharsets.UTF_8));
    assertTrue(driver.ids().isEmpty(), "sandbox destroyed");
    assertTrue(node.handles.read("alpha").isEmpty(), "handle forgotten");
    assertFalse(Files.exists(node.workspaces.of("alpha")), "workspace removed");
    assertNull(Mains.await(node.cluster.routes().get("alpha"), WAIT), "route removed");
  }

  @Test
  void aRestartedAgentAdoptsItsRunningReplFromItsHandle() throws Exception {
    Route before = Mains.await(node.agent().start(request("alpha")), WAIT);
    runsHere("alpha");
    String sandbox = node.handles.read("alpha").orElseThrow().handle().id();
    killAgents();

    ReplHost restarted = node.agent();
    Mains.await(restarted.reconcile(), WAIT);

    assertEquals(1, restarted.load().repls(), "adopted");
    assertEquals(Set.of(sandbox), driver.ids(), "the same sandbox, not a new one");
    assertEquals(before, Mains.await(node.cluster.routes().get("alpha"), WAIT));
    assertEquals(
        "running",
        restarted.live("alpha").orElseThrow().runState(),
        "its run command started again");
  }

  @Test
  void aSandboxStartedWithoutAHandleIsAdoptedFromItsAnnotationsOnce() throws Exception {
    Mains.await(node.agent().start(request("alpha")), WAIT);
    runsHere("alpha");
    // What an agent that kept no handles (the previous version) leaves: the sandbox and its labels
    // only.
    node.handles.delete("alpha");
    killAgents();

    Mains.await(node.agent().reconcile(), WAIT);

    assertTrue(
        node.handles.read("alpha").isPresent(),
        "adopting it kept its handle, so the labels are not needed again");
    assertEquals(1, driver.ids().size());
  }

  @Test
  void aCorruptHandleFileCountsAsNoHandle() throws Exception {
    Mains.await(node.agent().start(request("alpha")), WAIT);
    runsHere("alpha");
    Files.writeString(
        data.resolve("sandboxes/alpha.json"), "{\"version\": 1, \"slug\": \"alpha\", \"id\": [");
    killAgents();

    ReplHost restarted = node.agent();
    Mains.await(restarted.reconcile(), WAIT);

    assertTrue(
        restarted.live("alpha").isPresent(), "adopted by what the driver kept with the sandbox");
    assertEquals(driver.ids(), Set.of(node.handles.read("alpha").orElseThrow().handle().id()));
  }

  @Test
  void aReplThatMovedToAnotherNodeMeanwhileIsHandedOver() throws Exception {
    Mains.await(node.agent().start(request("alpha")), WAIT);
    Mains.await(node.cluster.repls().put("alpha", record("alpha", ReplState.RUNNING, "n2")), WAIT);
    store.put("repls/alpha/files/server.js", "newer, from n2".getBytes(StandardCharsets.UTF_8));
    killAgents();

    ReplHost restarted = node.agent();
    Mains.await(restarted.reconcile(), WAIT);

    assertTrue(restarted.live("alpha").isEmpty());
    assertTrue(driver.ids().isEmpty(), "its sandbox here is gone");
    assertTrue(node.handles.read("alpha").isEmpty());
    assertFalse(Files.exists(node.workspaces.of("alpha")));
    assertNull(
        Mains.await(node.cluster.routes().get("alpha"), WAIT), "this node no longer routes it");
    assertEquals(
        "newer, from n2",
        new String(store.get("repls/alpha/files/server.js").orElseThrow(), StandardCharsets.UTF_8));
  }

  @Test
  void aSandboxThatDiedWhileTheAgentWasAwayIsNotAdoptedButItsWorkIsSaved() throws Exception {
    Mains.await(node.agent().start(request("alpha")), WAIT);
    runsHere("alpha");
    killAgents();
    Files.writeString(node.workspaces.of("alpha").resolve("late.txt"), "saved on the way out");
    driver.crash(node.handles.read("alpha").orElseThrow().handle().id());

    ReplHost restarted = node.agent();
    Mains.await(restarted.reconcile(), WAIT);

    assertTrue(restarted.live("alpha").isEmpty());
    assertTrue(driver.ids().isEmpty());
    assertEquals(
        "saved on the way out",
        new String(store.get("repls/alpha/files/late.txt").orElseThrow(), StandardCharsets.UTF_8));
  }

  @Test
  void aWorkspaceWhoseRestoreWasCutShortIsRemovedWithoutBeingSavedOverStorage() throws Exception {
    store.put("repls/alpha/files/a.txt", "stored a".getBytes(StandardCharsets.UTF_8));
    store.put("repls/alpha/files/b.txt", "stored b".getBytes(StandardCharsets.UTF_8));
    Mains.await(node.cluster.repls().put("alpha", record("alpha", ReplState.STARTING, NODE)), WAIT);
    // What a node that went down in the middle of a restore finds: the mark, a torn file, one
    // missing.
    RestoreMark.of(data.resolve("journal"), "alpha").set();
    Path workspace = node.workspaces.create("alpha", LIMITS);
    Files.writeString(workspace.resolve("a.txt"), "sto");

    ReplHost restarted = node.agent();
    Mains.await(restarted.reconcile(), WAIT);

    assertEquals(
        "stored a",
        new String(store.get("repls/alpha/files/a.txt").orElseThrow(), StandardCharsets.UTF_8));
    assertEquals(
        "stored b",
        new String(store.get("repls/alpha/files/b.txt").orElseThrow(), StandardCharsets.UTF_8));
    assertFalse(Files.exists(node.workspaces.of("alpha")));
    assertFalse(RestoreMark.of(data.resolve("journal"), "alpha").isSet());
  }

  @Test
  void aFinishedRestoreLeavesNoMark() throws Exception {
    store.put("repls/alpha/files/a.txt", "stored a".getBytes(StandardCharsets.UTF_8));
    Mains.await(node.agent().start(request("alpha")), WAIT);

    assertFalse(RestoreMark.of(data.resolve("journal"), "alpha").isSet());
    assertEquals("stored a", Files.readString(node.workspaces.of("alpha").resolve("a.txt")));
  }

  @Test
  void aStartFromAnImageTheNodeLacksIsA422AndLeavesNothing() throws Exception {
    ReplHost agent = node.agent();
    ExecutionException failure =
        failureOf(
            agent.start(
                new StartRequest(
                    "alpha", "pier-runner-absent:latest", "node server.js", 3000, LIMITS, null)));

    ApiException api = assertInstanceOf(ApiException.class, failure.getCause());
    assertEquals(422, api.status());
    assertEquals("image_missing", api.code());
    assertTrue(driver.ids().isEmpty());
    assertTrue(node.handles.read("alpha").isEmpty());
    assertFalse(Files.exists(node.workspaces.of("alpha")));
  }

  private void killAgents() {
    node.killAgents();
  }

  private void runsHere(String slug) {
    Mains.await(node.cluster.repls().put(slug, record(slug, ReplState.RUNNING, NODE)), WAIT);
  }

  private static StartRequest request(String slug) {
    return new StartRequest(slug, IMAGE, "node server.js", 3000, LIMITS, null);
  }

  private static ReplRecord record(String slug, ReplState state, String node) {
    return new ReplRecord(slug, "node", null, state, node, Instant.now(), Instant.now(), LIMITS);
  }

  private static ExecutionException failureOf(Future<?> operation) throws Exception {
    try {
      operation.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e;
    }
    throw new AssertionError("expected the operation to fail");
  }
}
