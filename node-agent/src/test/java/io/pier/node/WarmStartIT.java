package io.pier.node;

import static io.pier.node.ReplHostFixture.eventually;
import static io.pier.node.ReplHostFixture.httpGet;
import static io.pier.node.ReplHostFixture.serverJs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.config.Mains;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.EnvVar;
import io.pier.common.repl.Limits;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Route;
import io.pier.node.pool.PoolSettings;
import io.pier.node.runtime.docker.ContainerInfo;
import io.pier.node.runtime.docker.DockerLabels;
import io.pier.node.sandbox.SandboxSpec;
import io.pier.node.workspace.Workspaces;
import io.pier.node.workspace.loop.LoopVolumes;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Starts from the node's pool of spare containers against the real dockerd: a spare goes to one repl only, carries
 * nothing of anyone before it, and a restarted agent keeps the repls spares became while it throws unclaimed ones away,
 * then makes the spares its predecessor's recent starts asked for.
 */
class WarmStartIT {
  private static final String IMAGE = "pier-runner-node:latest";
  private static final Limits LIMITS = new Limits(0.5, 256, 128);
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String SPARE_LABEL = DockerLabels.annotationLabel(SandboxSpec.SPARE);

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
            Map.of(),
            new PoolSettings(2, 4, Duration.ofMinutes(10), 100_000));
  }

  @AfterEach
  void tearDown() throws Exception {
    node.close();
  }

  @Test
  void aSpareGoesToOneReplAndCarriesNothingOfTheReplBeforeIt() throws Exception {
    store("user-a", serverJs("a"));
    Route a = start("user-a");
    assertEquals("a", httpGet(a.port()));
    String aId = sandboxOf("user-a");
    // User A leaves traces everywhere a process can write: the workspace, /tmp, $HOME's shell
    // start-up.
    assertEquals(
        0,
        exec(
            aId,
            "echo a > /workspace/a-secret.txt && echo a > /tmp/a-secret"
                + " && echo 'export A_SECRET=1' >> $HOME/.bashrc"));
    eventually(() -> node.host.pool().size() >= 1, "a spare made after user A's start");

    // Two starts at once with spares of their kind: each gets a sandbox of its own.
    store("user-b", serverJs("b"));
    store("user-c", serverJs("c"));
    Future<Route> b = node.host.start(request("user-b"));
    Future<Route> c = node.host.start(request("user-c"));
    Route bRoute = Mains.await(b, WAIT);
    Route cRoute = Mains.await(c, WAIT);
    Mains.await(node.host.stop("user-a"), WAIT);

    String bId = sandboxOf("user-b");
    String cId = sandboxOf("user-c");
    assertNotEquals(bId, cId, "never one sandbox for two repls");
    assertNotEquals(aId, bId);
    assertNotEquals(aId, cId);
    ContainerInfo bContainer = node.runtime.inspect(bId).orElseThrow();
    ContainerInfo cContainer = node.runtime.inspect(cId).orElseThrow();
    assertTrue(
        bContainer.labels().containsKey(SPARE_LABEL)
            || cContainer.labels().containsKey(SPARE_LABEL),
        "one of them was a spare");
    assertEquals("pier-user-b-" + nodeId, bContainer.name());
    assertEquals("pier-user-c-" + nodeId, cContainer.name());
    assertEquals("b", httpGet(bRoute.port()), "the app is B's, run from B's restored files");
    assertEquals("c", httpGet(cRoute.port()));
    for (String id : List.of(bId, cId)) {
      assertEquals(1, exec(id, "test -e /workspace/a-secret.txt"), "A's workspace file");
      assertEquals(1, exec(id, "test -e /tmp/a-secret"), "A's /tmp");
      assertNotEquals(0, exec(id, "grep -q A_SECRET $HOME/.bashrc"), "A's shell start-up");
      assertEquals(1, exec(id, "env | grep -q A_SECRET"), "A's environment");
    }
    assertEquals(
        List.of("server.js"),
        listing(node.workspaces.of("user-b")),
        "B's workspace holds B's files only");
    assertTrue(node.runtime.inspect(aId).isEmpty(), "A's sandbox is thrown away, not pooled");
  }

  @Test
  void theFirstRunStartsInTheShellThatWaitedInTheSpareWithTheOwnersVariablesAsTheyAre()
      throws Exception {
    store("first", serverJs("first"));
    start("first");
    eventually(() -> node.host.pool().size() >= 1, "a spare");
    String hostile = "it's \"quoted\" $(echo injected) `id` %s \\ back\nline ünï";
    node.persistence
        .environments()
        .put("envy", new EnvVar("GREETING", hostile, true, Instant.now()));
    store(
        "envy",
        "require('http').createServer((q, s) => s.end(process.env.GREETING + '|' +"
            + " process.env.PORT)).listen(process.env.PORT, '0.0.0.0');");
    // Each spare notes, on its own clock, a moment before the start is asked for.
    for (ContainerInfo spare : node.runtime.list(DockerLabels.ofNode(nodeId))) {
      if (spare.name().contains("spare.")) {
        assertEquals(0, exec(spare.id(), "cut -d' ' -f22 /proc/self/stat > /tmp/before-start"));
      }
    }

    Route route = start("envy");

    assertEquals(hostile + "|3000", httpGet(route.port()), "every byte of the owner's value");
    String id = sandboxOf("envy");
    assertTrue(node.runtime.inspect(id).orElseThrow().labels().containsKey(SPARE_LABEL));
    assertEquals(
        0,
        exec(
            id,
            "p=$(cut -d' ' -f4 /proc/$(cat /tmp/.pier/run.pid)/stat); test \"$(cut -d' ' -f22"
                + " /proc/$p/stat)\" -le \"$(cat /tmp/before-start)\" && grep -q pier-run-ready"
                + " /proc/$p/cmdline"),
        "the run's parent was there before the start: the shell that waited started it");
    String output = node.host.live("envy").orElseThrow().runOutputText();
    assertTrue(
        !output.contains("pier-run-ready") && !output.contains("GREETING"),
        "nothing of the waiting or of the line shows in the run's output: " + output);
    assertEquals(
        2.0,
        metrics.counter("pier.node.runs.first", "started_by", "waiting_shell").count(),
        "both first runs, the cold start's and the spare's, were started by a waiting shell");
    assertEquals(0.0, metrics.counter("pier.node.runs.first", "started_by", "exec").count());
    Mains.await(node.host.stop("envy"), WAIT);
  }

  @Test
  void aRestartedAgentKeepsTheReplASpareBecameRemovesUnclaimedSparesAndRefillsAsBefore()
      throws Exception {
    store("first", serverJs("first"));
    start("first");
    eventually(() -> node.host.pool().size() >= 1, "a spare");
    store("warm", serverJs("warm"));
    start("warm");
    String warmId = sandboxOf("warm");
    assertTrue(
        node.runtime.inspect(warmId).orElseThrow().labels().containsKey(SPARE_LABEL),
        "warm started from a spare");
    eventually(() -> node.host.pool().size() >= 1, "the pool refilled");
    for (String slug : List.of("first", "warm")) {
      Mains.await(
          node.cluster
              .repls()
              .put(
                  slug,
                  new ReplRecord(
                      slug,
                      "node",
                      null,
                      ReplState.RUNNING,
                      nodeId,
                      Instant.now(),
                      Instant.now(),
                      LIMITS)),
          WAIT);
    }

    List<String> unclaimed =
        node.runtime.list(DockerLabels.ofNode(nodeId)).stream()
            .filter(c -> c.name().contains("spare."))
            .map(ContainerInfo::id)
            .toList();

    // The agent dies without stopping anything: a new one over the same dockerd and data.
    ReplHost restarted =
        node.hostOver(
            node.workspaces, Path.of("target", nodeId).toAbsolutePath(), new SimpleMeterRegistry());
    try {
      Mains.await(restarted.reconcile(), WAIT);

      assertEquals(warmId, sandboxOf("warm"), "the repl a spare became is adopted, not replaced");
      assertTrue(restarted.live("warm").isPresent());
      List<ContainerInfo> left = node.runtime.list(DockerLabels.ofNode(nodeId));
      assertEquals(
          List.of(),
          left.stream().filter(c -> unclaimed.contains(c.id())).toList(),
          "unclaimed spares are removed");
      assertEquals(
          2,
          left.stream().filter(c -> !c.name().contains("spare.")).count(),
          "the two repls' sandboxes remain");
      eventually(
          () -> restarted.pool().size() >= 1,
          "the new agent makes spares of the kind started before it, ahead of any start");
    } finally {
      restarted.closePool();
    }
  }

  @Test
  void aSparesWorkspaceFilesystemBecomesTheReplsAndGoesWithIt() throws Exception {
    Path data = Files.createDirectories(Path.of("target", nodeId + "-sized").toAbsolutePath());
    LoopVolumes volumes = new LoopVolumes(data.resolve("volumes"), 1000, 1000);
    assumeTrue(volumes.problem().isEmpty(), "this machine cannot mount workspace filesystems");
    Limits sized = new Limits(0.5, 256, 128, 128, null);
    try (ReplHostFixture sizedNode =
        new ReplHostFixture(
            nodeId + "-sized",
            data,
            folder -> new Workspaces(folder, volumes, 1024),
            new SimpleMeterRegistry(),
            Map.of(),
            new PoolSettings(2, 4, Duration.ofMinutes(10), 100_000))) {
      sizedNode.store.put(
          "repls/first/files/server.js", serverJs("first").getBytes(StandardCharsets.UTF_8));
      sizedNode.store.put(
          "repls/sized/files/server.js", serverJs("sized").getBytes(StandardCharsets.UTF_8));
      Mains.await(
          sizedNode.host.start(
              new StartRequest("first", IMAGE, "node server.js", 3000, sized, null)),
          WAIT);
      eventually(() -> sizedNode.host.pool().size() >= 1, "a spare with a filesystem of its own");
      Route route =
          Mains.await(
              sizedNode.host.start(
                  new StartRequest("sized", IMAGE, "node server.js", 3000, sized, null)),
              WAIT);
      String id = sizedNode.handles.read("sized").orElseThrow().handle().id();
      assertTrue(
          sizedNode.runtime.inspect(id).orElseThrow().labels().containsKey(SPARE_LABEL),
          "sized started from a spare");
      assertEquals("sized", httpGet(route.port()));

      Path ws = sizedNode.workspaces.of("sized");
      assertTrue(volumes.present().contains("sized"), "the image is named after the repl now");
      assertTrue(sizedNode.workspaces.usage("sized").isPresent(), "its folder is its filesystem");
      assertEquals(
          0,
          sizedNode.driver.execAndWait(
              id,
              List.of(
                  "sh",
                  "-c",
                  "echo mine > /workspace/mine.txt && dd if=/dev/zero of=/workspace/fill bs=1M"
                      + " count=512 2>/tmp/dd.err; grep -q 'No space left on device' /tmp/dd.err"),
              Duration.ofSeconds(60)),
          "the repl is held to its size");
      assertEquals("mine\n", Files.readString(ws.resolve("mine.txt")), "the host sees its files");

      Mains.await(sizedNode.host.stop("sized"), WAIT);
      assertTrue(Files.notExists(ws));
      assertTrue(!volumes.present().contains("sized"), "its image is deleted");
      assertEquals(
          "mine\n",
          new String(
              sizedNode.store.get("repls/sized/files/mine.txt").orElseThrow(),
              StandardCharsets.UTF_8));
      sizedNode.removeContainers();
      for (String slug : volumes.present()) volumes.remove(slug, sizedNode.workspaces.of(slug));
    }
  }

  private void store(String slug, String serverJs) {
    node.store.put("repls/" + slug + "/files/server.js", serverJs.getBytes(StandardCharsets.UTF_8));
  }

  private Route start(String slug) {
    return Mains.await(node.host.start(request(slug)), WAIT);
  }

  private static StartRequest request(String slug) {
    return new StartRequest(slug, IMAGE, "node server.js", 3000, LIMITS, null);
  }

  private String sandboxOf(String slug) {
    return node.handles.read(slug).orElseThrow().handle().id();
  }

  private int exec(String id, String script) {
    return node.driver.execAndWait(id, List.of("bash", "-c", script), Duration.ofSeconds(30));
  }

  private static List<String> listing(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }
}
