package io.pier.node;

import io.pier.common.node.NodeCapacity;
import io.pier.node.images.RunnerImages;
import io.pier.node.limits.SessionLimits;
import io.pier.node.workspace.WriteBehind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The node-agent settings the integration tests that start a whole agent on loopback share. */
final class NodeAgentConfigs {
  private NodeAgentConfigs() {}

  /** An agent on a free loopback port, fast heartbeats, with {@code secret} for tokens and {@code limits}. */
  static NodeAgentConfig onLoopback(String nodeId, Path data, String secret, SessionLimits limits) {
    return onLoopback(nodeId, data, secret, limits, RunnerImages.Settings.NONE);
  }

  /** The same agent running repls from the image set in {@code images}. */
  static NodeAgentConfig onLoopback(
      String nodeId, Path data, String secret, SessionLimits limits, RunnerImages.Settings images) {
    return new NodeAgentConfig(
        nodeId,
        data,
        "127.0.0.1",
        0,
        "127.0.0.1",
        new NodeCapacity(10, 4096, 2),
        Duration.ofMillis(200),
        Duration.ofSeconds(20),
        Duration.ofSeconds(60),
        WriteBehind.Settings.DEFAULT,
        Duration.ofSeconds(20),
        false,
        List.of(),
        secret,
        null,
        null,
        null,
        0,
        Map.of(),
        limits,
        images,
        List.of(),
        Map.of());
  }
}
