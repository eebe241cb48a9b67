package io.pier.edge;

import io.pier.common.cluster.ClusterConfig;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** The edge ITs' own Hazelcast clusters on loopback. */
final class TestClusters {
  private TestClusters() {}

  /**
   * A data member of a new cluster named {@code prefix} and a random suffix, on loopback. Its port is below Linux's
   * ephemeral ports (32768 up), where the test's HTTP servers listen: members look for each other on ten ports from
   * it, and a listener there that is no member stalls the join.
   */
  static ClusterConfig onLoopback(String prefix) {
    return new ClusterConfig(
        prefix + UUID.randomUUID(),
        List.of("127.0.0.1"),
        "127.0.0.1",
        ThreadLocalRandom.current().nextInt(20000, 32000),
        false);
  }
}
