package io.pier.node;

import static io.pier.node.ReplHostFixture.eventually;
import static io.pier.node.ReplHostFixture.httpGet;
import static io.pier.node.ReplHostFixture.serverJs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.config.Mains;
import io.pier.common.http.ApiException;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Limits;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Route;
import io.pier.node.runtime.docker.ContainerSpec;
import io.pier.node.runtime.docker.DockerLabels;
import io.pier.node.session.LiveRepl;
import io.pier.node.workspace.Workspaces;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The node side of a repl's life against the real dockerd and the embedded S3 server over HTTP. */
class ReplHostIT {
  private static final String IMAGE = "pier-runner-node:latest";
  private static final Limits LIMITS = new Limits(0.5, 256, 128);
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final String nodeId = "it-" + UUID.randomUUID().toString().substring(0, 8);
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private ReplHostFixture node;

  @BeforeEach
  void setUp() throws Exception {
    node =
        new ReplHostFixture(
            nodeId,
            Files.createDirectories(Path.of("target", nodeId).toAbsolutePath()),
            Workspaces::new,
            metrics,
            Map.of("PIER_IT_GREETING", "from the node", "PORT", "1"));
  }

  @AfterEach
  void tearDown() throws Exception {
    node.close();
  }

  @Test
  void startsFromStorageAndStopFlushesEveryChangeBack() throws Exception {
    node.store.put(
        "repls/alpha/files/server.js", serverJs("alpha").getBytes(StandardCharsets.UTF_8));
    node.store.put("repls/alpha/files/old.txt", "to be deleted".getBytes(StandardCharsets.UTF_8));

    Route route =
        Mains.await(
            node.host.start(new StartRequest("alpha", IMAGE, "node server.js", 3000, LIMITS, null)),
            Duration.ofSeconds(60));
    assertEquals(nodeId, route.nodeId());
    assertEquals(
        route,
        Mains.await(node.cluster.routes().get("alpha"), Duration.ofSeconds(5)),
        "route published");
    assertEquals("alpha", httpGet(route.port()));
    assertEquals(256, node.host.load().reservedMemoryMb());

    Path ws = node.workspaces.of("alpha");
    Files.writeString(ws.resolve("new.txt"), "new");
    Files.delete(ws.resolve("old.txt"));
    Files.createDirectories(ws.resolve("node_modules/dep"));
    Files.writeString(ws.resolve("node_modules/dep/index.js"), "ignored");

    Mains.await(node.host.stop("alpha"), Duration.ofSeconds(60));
    assertTrue(node.runtime.list(Map.of(DockerLabels.NODE, nodeId)).isEmpty(), "container removed");
    assertFalse(Files.exists(ws), "workspace removed");
    assertNull(
        Mains.await(node.cluster.routes().get("alpha"), Duration.ofSeconds(5)), "route removed");
    assertEquals(
        "new",
        new String(
            node.store.get("repls/alpha/files/new.txt").orElseThrow(), StandardCharsets.UTF_8));
    assertTrue(node.store.get("repls/alpha/files/old.txt").isEmpty(), "deletion reached storage");
    assertTrue(
        node.store.list("repls/alpha/files/node_modules/").isEmpty(), "ignored folders stay local");
  }

  @Test
  void theNodesReplEnvironmentReachesTheRunCommandButPortStaysPiers() throws Exception {
    node.store.put(
        "repls/envy/files/server.js",
        ("require('http').createServer((q, s) => s.end("
                + "process.env.PIER_IT_GREETING)).listen(process.env.PORT, '0.0.0.0');\n")
            .getBytes(StandardCharsets.UTF_8));
    Route route =
        Mains.await(
            node.host.start(new StartRequest("envy", IMAGE, "node server.js", 3000, LIMITS, null)),
            Duration.ofSeconds(60));
    assertEquals(
        "from the node",
        httpGet(route.port()),
        "the app listens on PORT 3000 and sees the node's variable");
  }

  @Test
  void appThatCrashesLeavesTheReplRunningWithTheCrashInTheRunOutput() throws Exception {
    node.store.put(
        "repls/broken/files/server.js",
        "console.error('boom: missing config'); process.exit(3);".getBytes(StandardCharsets.UTF_8));
    Mains.await(
        node.host.start(new StartRequest("broken", IMAGE, "node server.js", 3000, LIMITS, null)),
        Duration.ofSeconds(60));
    var live = node.host.live("broken").orElseThrow();
    assertTrue(live.runExited(), "the run process ended");
    assertTrue(live.runOutputText().contains("boom: missing config"), live.runOutputText());
    assertEquals(
        1,
        node.runtime.list(Map.of(DockerLabels.NODE, nodeId)).size(),
        "the repl is still up to be fixed");
    Mains.await(node.host.stop("broken"), Duration.ofSeconds(60));
    assertTrue(
        node.runtime.list(Map.of(DockerLabels.NODE, nodeId)).isEmpty(), "no container left behind");
  }

  @Test
  void aFirstRunInterruptedLikeCtrlCEndsAloneAndTheSandboxRunsTheNext() throws Exception {
    Route route = startServing("first");
    LiveRepl live = node.host.live("first").orElseThrow();
    String id = live.sandboxId();
    assertEquals(
        1.0,
        metrics.counter("pier.node.runs.first", "started_by", "waiting_shell").count(),
        "the sandbox's first process started the run");

    // What the terminal's Ctrl-C does: SIGINT to the run's process group, from inside.
    assertEquals(
        0,
        node.runtime.execAndWait(
            id, List.of("/bin/sh", "-c", "kill -INT -$(cat /tmp/.pier/run.pid)"), WAIT));
    eventually(live::runExited, "the interrupted run ended");
    assertTrue(
        node.runtime.inspect(id).orElseThrow().running(),
        "the sandbox runs on: the shell that started the run did not end with it");

    Mains.await(live.startRun(), WAIT);
    eventually(() -> answers(route.port(), "first"), "the next run serves");
    assertEquals(id, live.sandboxId());
  }

  @Test
  void aFirstRunStoppedEndsWithItsGroupAndTheEngineKeptNoneOfItsOutput() throws Exception {
    node.store.put(
        "repls/chatty/files/server.js",
        ("console.log('printed-by-the-run');"
                + " require('child_process').spawn('sleep', ['1000'], {stdio: 'inherit'});"
                + serverJs("chatty"))
            .getBytes(StandardCharsets.UTF_8));
    Route route =
        Mains.await(
            node.host.start(
                new StartRequest("chatty", IMAGE, "node server.js", 3000, LIMITS, null)),
            WAIT);
    LiveRepl live = node.host.live("chatty").orElseThrow();
    String id = live.sandboxId();
    assertEquals("chatty", httpGet(route.port()));

    Mains.await(live.stopRun(), WAIT);

    assertEquals("stopped", live.runState());
    assertFalse(answers(route.port(), "chatty"), "the app is gone");
    assertEquals(
        1,
        node.runtime.execAndWait(id, List.of("pgrep", "-f", "sleep 1000"), WAIT),
        "and what it started: the run led a process group of its own");
    assertTrue(node.runtime.inspect(id).orElseThrow().running(), "the sandbox runs on");
    assertTrue(live.runOutputText().contains("printed-by-the-run"), live.runOutputText());
    String kept;
    try {
      kept = node.runtime.logTail(id, 100);
    } catch (RuntimeException noneToRead) {
      kept = "";
    }
    assertFalse(kept.contains("printed-by-the-run"), "the engine logs nothing of it: " + kept);
  }

  private Route startServing(String slug) throws Exception {
    node.store.put(
        "repls/" + slug + "/files/server.js", serverJs(slug).getBytes(StandardCharsets.UTF_8));
    Route route =
        Mains.await(
            node.host.start(new StartRequest(slug, IMAGE, "node server.js", 3000, LIMITS, null)),
            WAIT);
    assertEquals(slug, httpGet(route.port()));
    return route;
  }

  private static boolean answers(int port, String answer) {
    try {
      return answer.equals(httpGet(port));
    } catch (Exception notYet) {
      return false;
    }
  }

  @Test
  void missingRunnerImageIsAClearError() {
    node.store.put("repls/noimg/files/a.txt", "a".getBytes(StandardCharsets.UTF_8));
    ExecutionException failure =
        failureOf(
            () ->
                node.host.start(
                    new StartRequest(
                        "noimg", "pier-runner-nonexistent:latest", "true", 3000, LIMITS, null)));
    ApiException api = assertInstanceOf(ApiException.class, failure.getCause());
    assertEquals("image_missing", api.code());
  }

  @Test
  void reconcileRemovesOrphansAfterSavingTheirWorkAndAdoptsReplsItOwns() throws Exception {
    // An orphan: a container of this node for a repl the registry says is stopped, with unsaved
    // work.
    Path orphanWs = Files.createDirectories(node.workspaces.of("orphan"));
    Files.writeString(orphanWs.resolve("unsaved.txt"), "do not lose me");
    Workspaces.handOver(orphanWs, 1000, 1000);
    String orphan = createIdleContainer("orphan", orphanWs);
    Mains.await(
        node.cluster.repls().put("orphan", record("orphan", ReplState.STOPPED, null)),
        Duration.ofSeconds(5));
    // A repl the registry says runs here: it must survive the agent's restart.
    Path ownedWs = Files.createDirectories(node.workspaces.of("owned"));
    Workspaces.handOver(ownedWs, 1000, 1000);
    String owned = createIdleContainer("owned", ownedWs);
    Mains.await(
        node.cluster.repls().put("owned", record("owned", ReplState.RUNNING, nodeId)),
        Duration.ofSeconds(5));

    // Not in the registry yet (no scheduler has recovered it) but stored: its work is saved too.
    node.store.put("repls/unlisted/repl.json", "{}".getBytes(StandardCharsets.UTF_8));
    Path unlistedWs = Files.createDirectories(node.workspaces.of("unlisted"));
    Files.writeString(unlistedWs.resolve("work.txt"), "mine");
    // Moved to another node while this one was away: its newer files stay, this node's edits are
    // kept aside.
    node.store.put(
        "repls/moved/files/app.js", "newer, from the other node".getBytes(StandardCharsets.UTF_8));
    Mains.await(
        node.cluster.repls().put("moved", record("moved", ReplState.RUNNING, "other-node")),
        Duration.ofSeconds(5));
    Path movedWs = Files.createDirectories(node.workspaces.of("moved"));
    Files.writeString(movedWs.resolve("app.js"), "an edit only this node had");
    // Deleted repls leave nothing: their leftovers are not written back.
    Path deletedWs = Files.createDirectories(node.workspaces.of("deleted"));
    Files.writeString(deletedWs.resolve("gone.txt"), "gone");

    Mains.await(node.host.reconcile(), Duration.ofSeconds(60));

    assertEquals(
        "mine",
        new String(
            node.store.get("repls/unlisted/files/work.txt").orElseThrow(), StandardCharsets.UTF_8));
    assertFalse(Files.exists(unlistedWs));
    assertTrue(node.store.list("repls/deleted/").isEmpty(), "a deleted repl is not resurrected");
    assertEquals(
        "newer, from the other node",
        new String(
            node.store.get("repls/moved/files/app.js").orElseThrow(), StandardCharsets.UTF_8));
    var kept = node.store.list("repls/moved/recovered/");
    assertEquals(1, kept.size(), kept.toString());
    assertEquals(
        "an edit only this node had",
        new String(node.store.get(kept.get(0).key()).orElseThrow(), StandardCharsets.UTF_8));
    assertFalse(Files.exists(movedWs));
    assertFalse(Files.exists(deletedWs));

    assertTrue(node.runtime.inspect(orphan).isEmpty(), "orphan container removed");
    assertFalse(Files.exists(orphanWs), "orphan workspace removed");
    assertEquals(
        "do not lose me",
        new String(
            node.store.get("repls/orphan/files/unsaved.txt").orElseThrow(),
            StandardCharsets.UTF_8));
    assertTrue(node.runtime.inspect(owned).orElseThrow().running(), "owned container kept");
    Route route = Mains.await(node.cluster.routes().get("owned"), Duration.ofSeconds(5));
    assertNotNull(route, "owned repl's route restored");
    assertEquals(1, node.host.load().repls());
  }

  private String createIdleContainer(String slug, Path workspace) {
    String id =
        node.runtime.create(
            new ContainerSpec(
                "pier-" + slug + "-" + nodeId,
                slug,
                IMAGE,
                List.of("sleep", "300"),
                Map.of(),
                Map.of(
                    DockerLabels.SLUG,
                    slug,
                    DockerLabels.NODE,
                    nodeId,
                    DockerLabels.MANAGED,
                    "true",
                    "pier.run",
                    "sleep 300",
                    "pier.port",
                    "3000"),
                workspace,
                3000,
                "127.0.0.1",
                LIMITS,
                null));
    node.runtime.start(id);
    return id;
  }

  private static ReplRecord record(String slug, ReplState state, String node) {
    return new ReplRecord(slug, "node", null, state, node, Instant.now(), Instant.now(), LIMITS);
  }

  private static ExecutionException failureOf(Supplier<Future<?>> action) {
    try {
      action.get().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected a failure, got " + e, e);
    }
    throw new AssertionError("expected the start to fail");
  }
}
