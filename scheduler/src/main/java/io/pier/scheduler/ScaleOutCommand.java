package io.pier.scheduler;

import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.ClusterState.ServiceEndpoint;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's scale-out command, run when the fleet wants more nodes: at most once per cooldown across every
 * scheduler, with the wanted and active node counts in its environment, its last lines logged when it fails.
 */
final class ScaleOutCommand {
  private static final int LOG_LINES = 20;
  private static final Logger LOG = LoggerFactory.getLogger(ScaleOutCommand.class);

  private final Vertx vertx;
  private final ClusterState cluster;
  private final FleetKeeper.Settings settings;

  ScaleOutCommand(Vertx vertx, ClusterState cluster, FleetKeeper.Settings settings) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.settings = settings;
  }

  void run(FleetSignal now) {
    if (settings.scaleOutCommand() == null) return;
    // One command per cooldown across every scheduler: whoever puts the marker first runs it.
    cluster
        .services()
        .putIfAbsent(
            "scale-out/lock",
            new ServiceEndpoint("scale-out", "lock", "-"),
            settings.scaleOutCooldown())
        .onSuccess(
            mine -> {
              if (!mine) return;
              LOG.info(
                  "fleet wants {} nodes, has {} taking work: running the scale-out command",
                  now.desiredNodes(),
                  now.activeNodes());
              vertx
                  .executeBlocking(() -> execute(now), false)
                  .onComplete(
                      done ->
                          LOG.info(
                              "scale-out command ended: {}",
                              done.succeeded()
                                  ? "exit " + done.result()
                                  : done.cause().getMessage()));
            });
  }

  private int execute(FleetSignal now) throws IOException, InterruptedException {
    ProcessBuilder command =
        new ProcessBuilder("/bin/sh", "-c", settings.scaleOutCommand()).redirectErrorStream(true);
    command.environment().put("PIER_DESIRED_NODES", String.valueOf(now.desiredNodes()));
    command.environment().put("PIER_ACTIVE_NODES", String.valueOf(now.activeNodes()));
    Process process = command.start();
    // The last lines say why a provisioning run failed; the rest would flood the scheduler's log.
    ArrayDeque<String> tail = new ArrayDeque<>();
    try (var output =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = output.readLine(); line != null; line = output.readLine()) {
        if (tail.size() == LOG_LINES) tail.removeFirst();
        tail.addLast(line);
      }
    }
    int exit = process.waitFor();
    if (exit != 0) {
      LOG.warn(
          "scale-out command failed with exit {}; its last lines:\n{}",
          exit,
          String.join("\n", tail));
    }
    return exit;
  }
}
