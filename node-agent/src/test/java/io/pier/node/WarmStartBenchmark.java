package io.pier.node;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.config.Mains;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Limits;
import io.pier.common.template.TemplateManifest;
import io.pier.node.pool.PoolSettings;
import io.pier.node.workspace.Workspaces;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A repl's start from the node's pool of spare containers (warm) beside a start that creates its container (cold) and
 * beside their floors, all in one run, interleaved so that whatever else the machine does weighs on each alike: a
 * {@code docker exec} of {@code true} into a running container (what any start of a process in an existing container
 * costs at least), through the CLI and through docker-java as the agent calls it, and a bare {@code docker run --rm} of
 * the same image with the same limits and hardening (what creating a container costs at least). Two figures per start:
 * the start call until the sandbox runs with the repl's files in it (the {@code pier.node.repl.launch} timer), and
 * until the app's first HTTP answer (the readiness probe's, every 10 ms once past its first tries). The repls are the
 * {@code node} template's, as a user gets them: its files, run command, image and limits (the floor's {@code docker
 * run} has the same limits). Needs dockerd with the node runner image; plain-folder workspaces. Run with {@code
 * bench/run.sh warm-start [rounds]}, which says where the checkout is ({@code pier.repo.root}).
 */
public final class WarmStartBenchmark {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private WarmStartBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Path template = Path.of(System.getProperty("pier.repo.root", ".")).resolve("templates/node");
    TemplateManifest manifest =
        TemplateManifest.parse(Files.readString(template.resolve(TemplateManifest.FILE_NAME)));
    String nodeId = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    Path data = Files.createDirectories(Path.of("target", nodeId).toAbsolutePath());
    SimpleMeterRegistry warmMetrics = new SimpleMeterRegistry();
    SimpleMeterRegistry coldMetrics = new SimpleMeterRegistry();
    ReplHostFixture node =
        new ReplHostFixture(
            nodeId,
            data,
            Workspaces::new,
            warmMetrics,
            Map.of(),
            new PoolSettings(1, 2, Duration.ofMinutes(10), 100_000));
    Path floorWorkspace = Files.createDirectories(data.resolve("floor-workspace"));
    try {
      ReplHost cold = node.hostOver(node.workspaces, data, coldMetrics, PoolSettings.OFF);
      for (String slug : List.of("warm", "cold", "floor")) {
        try (var files = Files.list(template)) {
          for (Path file : files.toList()) {
            if (!file.getFileName().toString().equals(TemplateManifest.FILE_NAME))
              node.store.put(
                  "repls/" + slug + "/files/" + file.getFileName(), Files.readAllBytes(file));
          }
        }
      }
      // A running container for the exec floor, and the first (missed) start that gives the pool
      // its demand.
      Mains.await(cold.start(request(manifest, "floor")), WAIT);
      String running = node.handles.read("floor").orElseThrow().handle().id();
      Mains.await(node.host.start(request(manifest, "warm")), WAIT);
      Mains.await(node.host.stop("warm"), WAIT);

      Timer warmLaunch = launchTimer(warmMetrics, "warm");
      Timer coldLaunch = launchTimer(coldMetrics, "cold");
      List<Double> warmRun = new ArrayList<>();
      List<Double> warmAnswer = new ArrayList<>();
      List<Double> coldRun = new ArrayList<>();
      List<Double> coldAnswer = new ArrayList<>();
      List<Double> execCli = new ArrayList<>();
      List<Double> execApi = new ArrayList<>();
      List<Double> runCli = new ArrayList<>();
      int misses = 0;
      for (int i = 0; i < rounds; i++) {
        awaitSpare(node.host);
        long warmCount = warmLaunch.count();
        double warmBefore = warmLaunch.totalTime(TimeUnit.MILLISECONDS);
        warmAnswer.add(startTime(node.host, request(manifest, "warm")));
        if (warmLaunch.count() == warmCount + 1) {
          warmRun.add(warmLaunch.totalTime(TimeUnit.MILLISECONDS) - warmBefore);
        } else {
          misses++;
        }
        Mains.await(node.host.stop("warm"), WAIT);

        double coldBefore = coldLaunch.totalTime(TimeUnit.MILLISECONDS);
        coldAnswer.add(startTime(cold, request(manifest, "cold")));
        coldRun.add(coldLaunch.totalTime(TimeUnit.MILLISECONDS) - coldBefore);
        Mains.await(cold.stop("cold"), WAIT);

        execCli.add(timed(List.of("docker", "exec", "-u", "1000:1000", running, "true")));
        long t0 = System.nanoTime();
        node.driver.execAndWait(running, List.of("true"), WAIT);
        execApi.add((System.nanoTime() - t0) / 1e6);
        runCli.add(timed(dockerRun(nodeId, floorWorkspace, manifest)));
      }
      System.out.printf(
          "warm start (spare claimed, files restored; %d rounds, %d missed the pool):%n"
              + "  start call -> sandbox running with the repl's files  p50 %.1f ms  p95 %.1f ms%n"
              + "  start call -> first HTTP answer of the node app      p50 %.0f ms  p95 %.0f ms%n"
              + "cold start (container created):%n"
              + "  start call -> sandbox running with the repl's files  p50 %.1f ms  p95 %.1f ms%n"
              + "  start call -> first HTTP answer of the node app      p50 %.0f ms  p95 %.0f ms%n"
              + "floor:%n"
              + "  docker exec <running> true (CLI)                     p50 %.1f ms  p95 %.1f ms%n"
              + "  exec true through docker-java (as the agent)         p50 %.1f ms  p95 %.1f ms%n"
              + "  docker run --rm <same image and flags> true (CLI)    p50 %.0f ms  p95 %.0f ms%n",
          rounds,
          misses,
          percentile(warmRun, 50),
          percentile(warmRun, 95),
          percentile(warmAnswer, 50),
          percentile(warmAnswer, 95),
          percentile(coldRun, 50),
          percentile(coldRun, 95),
          percentile(coldAnswer, 50),
          percentile(coldAnswer, 95),
          percentile(execCli, 50),
          percentile(execCli, 95),
          percentile(execApi, 50),
          percentile(execApi, 95),
          percentile(runCli, 50),
          percentile(runCli, 95));
      System.out.println("mean of each start step (ms; restore and sandbox overlap):");
      System.out.println("  warm " + stepMeans(warmMetrics));
      System.out.println("  cold " + stepMeans(coldMetrics));
      Mains.await(cold.stop("floor"), WAIT);
      afterRestarts(node, data, manifest, Math.max(1, Math.min(rounds, 5)));
    } finally {
      node.close();
    }
  }

  /**
   * The first start after the agent restarts, over the same data and dockerd as a restarted agent finds them: with the
   * demand the agent before it kept (the new agent makes a spare once it has adopted its repls, and the start comes
   * once that spare is ready), and with that demand deleted (as a new node's first start), alternately.
   */
  private static void afterRestarts(
      ReplHostFixture node, Path data, TemplateManifest manifest, int rounds) {
    PoolSettings pool = new PoolSettings(1, 2, Duration.ofMinutes(10), 100_000);
    List<Double> kept = new ArrayList<>();
    List<Double> spareReady = new ArrayList<>();
    List<Double> lost = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      for (boolean keep : List.of(true, false)) {
        try {
          if (!keep) Files.deleteIfExists(data.resolve("pool-demand.json"));
          ReplHost restarted =
              node.hostOver(node.workspaces, data, new SimpleMeterRegistry(), pool);
          try {
            long t0 = System.nanoTime();
            Mains.await(restarted.reconcile(), WAIT);
            if (keep) {
              awaitSpare(restarted);
              spareReady.add((System.nanoTime() - t0) / 1e6);
            }
            (keep ? kept : lost).add(startTime(restarted, request(manifest, "warm")));
            Mains.await(restarted.stop("warm"), WAIT);
          } finally {
            restarted.closePool();
          }
        } catch (Exception e) {
          throw new IllegalStateException("restart round " + i + ": " + e.getMessage(), e);
        }
      }
    }
    System.out.printf(
        "first start after an agent restart (%d restarts each):%n"
            + "  demand kept: restart -> spare ready                  p50 %.0f ms  p95 %.0f ms%n"
            + "  demand kept: start call -> first HTTP answer         p50 %.0f ms  p95 %.0f ms%n"
            + "  no demand kept: start call -> first HTTP answer      p50 %.0f ms  p95 %.0f ms%n",
        rounds,
        percentile(spareReady, 50),
        percentile(spareReady, 95),
        percentile(kept, 50),
        percentile(kept, 95),
        percentile(lost, 50),
        percentile(lost, 95));
  }

  private static StartRequest request(TemplateManifest manifest, String slug) {
    return new StartRequest(
        slug, manifest.image(), manifest.run(), manifest.port(), manifest.limits(), null);
  }

  private static String stepMeans(SimpleMeterRegistry metrics) {
    StringBuilder line = new StringBuilder();
    for (StartSteps.Step step : StartSteps.Step.values()) {
      Timer timer = metrics.find("pier.node.repl.start.step").tag("step", step.tag()).timer();
      if (timer != null && timer.count() > 0) {
        line.append(String.format(" %s %.1f", step.tag(), timer.mean(TimeUnit.MILLISECONDS)));
      }
    }
    return line.toString().trim();
  }

  private static Timer launchTimer(SimpleMeterRegistry metrics, String sandbox) {
    return metrics.get("pier.node.repl.launch").tag("sandbox", sandbox).timer();
  }

  private static void awaitSpare(ReplHost host) throws InterruptedException {
    Instant deadline = Instant.now().plus(WAIT);
    while (host.pool().size() < 1) {
      if (Instant.now().isAfter(deadline))
        throw new IllegalStateException("the pool never refilled");
      Thread.sleep(20);
    }
  }

  private static double startTime(ReplHost on, StartRequest request) {
    long t0 = System.nanoTime();
    Mains.await(on.start(request), WAIT);
    return (System.nanoTime() - t0) / 1e6;
  }

  /** The container a repl gets, less its workspace's contents and published port's use: the agent's flags. */
  private static List<String> dockerRun(String nodeId, Path workspace, TemplateManifest manifest) {
    Limits limits = manifest.limits();
    return List.of(
        "docker",
        "run",
        "--rm",
        "--label",
        "pier.node=" + nodeId,
        "--user",
        "1000:1000",
        "--memory",
        limits.memoryMb() + "m",
        "--memory-swap",
        limits.memoryMb() + "m",
        "--cpus",
        String.valueOf(limits.cpus()),
        "--pids-limit",
        String.valueOf(limits.pids()),
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        "--read-only",
        "--tmpfs",
        "/tmp:rw,exec,nosuid,nodev,size=256m",
        "--tmpfs",
        "/home/runner:rw,exec,nosuid,nodev,size=256m,uid=1000,gid=1000",
        "--sysctl",
        "net.ipv6.conf.all.disable_ipv6=1",
        "-v",
        workspace + ":/workspace",
        "-w",
        "/workspace",
        "-p",
        "127.0.0.1::" + manifest.port(),
        manifest.image(),
        "true");
  }

  private static double timed(List<String> command) throws Exception {
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  private static double percentile(List<Double> values, int p) {
    if (values.isEmpty()) return Double.NaN;
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
