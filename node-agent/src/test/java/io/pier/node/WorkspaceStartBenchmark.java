package io.pier.node;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.config.Mains;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Limits;
import io.pier.node.workspace.Workspaces;
import io.pier.node.workspace.loop.LoopVolumes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What a workspace filesystem (a loop-mounted ext4 image per repl) costs: making and mounting one, and a repl's whole
 * start with one against a start with a plain folder, interleaved so that whatever else the machine does weighs on
 * both alike. Needs root, loop devices and dockerd with the node runner image; run with {@code bench/run.sh
 * workspace-start}.
 */
public final class WorkspaceStartBenchmark {
  private static final String IMAGE = "pier-runner-node:latest";

  private WorkspaceStartBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    String nodeId = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    Path data = Files.createDirectories(Path.of("target", nodeId).toAbsolutePath());
    LoopVolumes volumes = new LoopVolumes(data.resolve("volumes"), 1000, 1000);
    if (volumes.problem().isPresent()) {
      System.err.println(
          "this machine cannot mount workspace filesystems: " + volumes.problem().get());
      System.exit(2);
    }
    ReplHostFixture node =
        new ReplHostFixture(
            nodeId,
            data,
            folder -> new Workspaces(folder, volumes, 1024),
            new SimpleMeterRegistry());
    try {
      List<Double> make = new ArrayList<>();
      List<Double> drop = new ArrayList<>();
      for (int i = 0; i < 2 * rounds; i++) {
        long t0 = System.nanoTime();
        node.workspaces.create("timing", new Limits(1, 512, 256));
        long t1 = System.nanoTime();
        node.workspaces.remove("timing");
        make.add((t1 - t0) / 1e6);
        drop.add((System.nanoTime() - t1) / 1e6);
      }
      node.store.put(
          "repls/timed/files/server.js",
          "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT, '0.0.0.0');"
              .getBytes(StandardCharsets.UTF_8));
      ReplHost plainHost =
          node.hostOver(
              new Workspaces(data.resolve("workspaces")), data, new SimpleMeterRegistry());
      List<Double> withSize = new ArrayList<>();
      List<Double> folders = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        withSize.add(startTime(node.host));
        folders.add(startTime(plainHost));
      }
      System.out.printf(
          "1024 MiB workspace: mkfs.ext4 + mount p50 %.1f ms (max %.1f), umount + delete p50 %.1f ms over %d;"
              + " repl start (node, to first HTTP answer, polled every 100 ms) p50 %.0f ms with a workspace"
              + " filesystem, %.0f ms with a plain folder (the floor), over %d each%n",
          percentile(make, 50),
          percentile(make, 100),
          percentile(drop, 50),
          make.size(),
          percentile(withSize, 50),
          percentile(folders, 50),
          rounds);
    } finally {
      node.removeContainers();
      for (String slug : volumes.present()) volumes.remove(slug, node.workspaces.of(slug));
      node.close();
    }
  }

  private static double startTime(ReplHost on) {
    long t0 = System.nanoTime();
    Mains.await(
        on.start(
            new StartRequest(
                "timed", IMAGE, "node server.js", 3000, new Limits(0.5, 256, 128), null)),
        Duration.ofSeconds(60));
    double ms = (System.nanoTime() - t0) / 1e6;
    Mains.await(on.stop("timed"), Duration.ofSeconds(60));
    return ms;
  }

  private static double percentile(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
