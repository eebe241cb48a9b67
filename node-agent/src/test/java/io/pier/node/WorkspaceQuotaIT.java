package io.pier.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.config.Mains;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Limits;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.node.runtime.docker.ContainerSpec;
import io.pier.node.runtime.docker.DockerLabels;
import io.pier.node.session.SessionException;
import io.pier.node.workspace.Workspaces;
import io.pier.node.workspace.loop.LoopVolumes;
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
 * Workspaces on loop-mounted filesystems of their own, against the real dockerd, mount and the embedded S3 server:
 * the size holds inside the container, the IDE's saves fail cleanly when it is full, and nothing stays mounted.
 * Needs root and loop devices; skipped without them.
 */
class WorkspaceQuotaIT {
  private static final String IMAGE = "pier-runner-node:latest";
  private static final long MIB = 1024L * 1024L;
  private static final Limits SMALL = new Limits(0.5, 256, 128, 128, null);

  private final String nodeId = "it-" + UUID.randomUUID().toString().substring(0, 8);
  private Path data;
  private ReplHostFixture node;
  private LoopVolumes volumes;
  private SimpleMeterRegistry metrics;

  @BeforeEach
  void setUp() throws Exception {
    data = Files.createDirectories(Path.of("target", nodeId).toAbsolutePath());
    volumes = new LoopVolumes(data.resolve("volumes"), 1000, 1000);
    var problem = volumes.problem();
    assumeTrue(
        problem.isEmpty(),
        () -> "this machine cannot mount workspace filesystems: " + problem.orElse(""));
    metrics = new SimpleMeterRegistry();
    node =
        new ReplHostFixture(nodeId, data, folder -> new Workspaces(folder, volumes, 1024), metrics);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (node == null) return;
    node.removeContainers();
    // Unmounted only once no container holds them.
    for (String slug : volumes.present()) volumes.remove(slug, node.workspaces.of(slug));
    node.close();
  }

  @Test
  void aReplCannotWriteBeyondItsWorkspaceAndNothingStaysMountedAfterItStops() throws Exception {
    node.store.put("repls/filler/files/server.js", serverJs().getBytes(StandardCharsets.UTF_8));
    var route =
        Mains.await(
            node.host.start(new StartRequest("filler", IMAGE, "node server.js", 3000, SMALL, null)),
            Duration.ofSeconds(60));
    assertNotNull(route);
    Path ws = node.workspaces.of("filler");
    assertTrue(mounted(ws), "the workspace is a filesystem of its own");
    assertEquals(1000, Files.getAttribute(ws, "unix:uid"), "the repl's user owns it");
    assertFalse(Files.exists(ws.resolve("lost+found")));
    String container =
        node.runtime
            .list(Map.of(DockerLabels.NODE, nodeId, DockerLabels.SLUG, "filler"))
            .get(0)
            .id();

    int filled =
        node.runtime.execAndWait(
            container,
            List.of(
                "sh",
                "-c",
                "dd if=/dev/zero of=/workspace/fill bs=1M count=512 2>/tmp/dd.err; grep -q 'No space left on device' /tmp/dd.err"),
            Duration.ofSeconds(60));
    assertEquals(0, filled, "dd stops with ENOSPC");
    long written = Files.size(ws.resolve("fill"));
    assertTrue(written > 100 * MIB && written <= 128 * MIB, "stopped at about 128 MiB: " + written);

    var files = node.host.live("filler").orElseThrow().files();
    SessionException full =
        assertThrows(
            SessionException.class, () -> files.write("note.txt", "x".repeat(1 << 20), null));
    assertEquals("disk_full", full.code());

    node.host.load();
    double used = metrics.get("pier.repl.disk.used.bytes").tag("slug", "filler").gauge().value();
    double size = metrics.get("pier.repl.disk.size.bytes").tag("slug", "filler").gauge().value();
    assertTrue(used >= written && used <= size, used + " of " + size);

    Files.delete(ws.resolve("fill"));
    files.write("note.txt", "saved after making room", null);
    Mains.await(node.host.stop("filler"), Duration.ofSeconds(60));

    assertFalse(Files.exists(ws), "the workspace folder is gone");
    assertFalse(mountinfo().contains(ws.toString()), "nothing is mounted there");
    assertTrue(volumes.present().isEmpty(), "the image is deleted");
    assertEquals(
        "saved after making room",
        new String(
            node.store.get("repls/filler/files/note.txt").orElseThrow(), StandardCharsets.UTF_8));
    assertTrue(node.store.get("repls/filler/files/fill").isEmpty());
  }

  @Test
  void reconcileMountsAWorkspaceLeftUnmountedBeforeSavingIt() throws Exception {
    // As after a reboot: the image holds the repl's files, but nothing mounts it, so its folder
    // looks empty.
    node.store.put("repls/rebooted/repl.json", "{}".getBytes(StandardCharsets.UTF_8));
    node.store.put(
        "repls/rebooted/files/kept.txt", "stored before".getBytes(StandardCharsets.UTF_8));
    Path ws = node.workspaces.create("rebooted", SMALL);
    Files.writeString(ws.resolve("kept.txt"), "stored before");
    Files.writeString(ws.resolve("unsaved.txt"), "only on this node");
    assertEquals(0, new ProcessBuilder("umount", ws.toString()).start().waitFor());
    assertFalse(Files.exists(ws.resolve("kept.txt")));

    Mains.await(node.host.reconcile(), Duration.ofSeconds(60));

    assertEquals(
        "only on this node",
        new String(
            node.store.get("repls/rebooted/files/unsaved.txt").orElseThrow(),
            StandardCharsets.UTF_8));
    assertTrue(
        node.store.get("repls/rebooted/files/kept.txt").isPresent(),
        "an unmounted workspace deletes nothing");
    assertFalse(Files.exists(ws));
    assertTrue(volumes.present().isEmpty());
  }

  @Test
  void reconcileAdoptsARunningReplWhoseWorkspaceIsStillMounted() throws Exception {
    Path ws = node.workspaces.create("owned", SMALL);
    Files.writeString(ws.resolve("work.txt"), "in progress");
    Workspaces.handOver(ws, 1000, 1000);
    String id =
        node.runtime.create(
            new ContainerSpec(
                "pier-owned-" + nodeId,
                "owned",
                IMAGE,
                List.of("sleep", "300"),
                Map.of(),
                Map.of(
                    DockerLabels.SLUG,
                    "owned",
                    DockerLabels.NODE,
                    nodeId,
                    DockerLabels.MANAGED,
                    "true",
                    "pier.run",
                    "sleep 300",
                    "pier.port",
                    "3000"),
                ws,
                3000,
                "127.0.0.1",
                SMALL,
                null));
    node.runtime.start(id);
    Mains.await(
        node.cluster
            .repls()
            .put(
                "owned",
                new ReplRecord(
                    "owned",
                    "node",
                    null,
                    ReplState.RUNNING,
                    nodeId,
                    Instant.now(),
                    Instant.now(),
                    SMALL)),
        Duration.ofSeconds(5));

    Mains.await(node.host.reconcile(), Duration.ofSeconds(60));

    assertEquals(1, node.host.load().repls(), "adopted");
    assertTrue(mounted(ws));
    assertEquals(
        "in progress", node.host.live("owned").orElseThrow().files().read("work.txt").content());
    Mains.await(node.host.stop("owned"), Duration.ofSeconds(60));
    assertFalse(mountinfo().contains(ws.toString()));
    assertEquals(
        "in progress",
        new String(
            node.store.get("repls/owned/files/work.txt").orElseThrow(), StandardCharsets.UTF_8));
  }

  private static boolean mounted(Path dir) throws Exception {
    return !Files.getAttribute(dir, "unix:dev")
        .equals(Files.getAttribute(dir.getParent(), "unix:dev"));
  }

  private static String mountinfo() throws Exception {
    return Files.readString(Path.of("/proc/self/mountinfo"));
  }

  private static String serverJs() {
    return "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT, '0.0.0.0');";
  }
}
