package io.pier.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pier.common.config.Env;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeAgentMainTest {
  private static NodeAgentConfig config(Map<String, String> extra) {
    Map<String, String> vars = new java.util.HashMap<>(Map.of(
        "PIER_NODE_ID", "n1", "PIER_AUTH_SECRET", "a-secret-of-at-least-thirty-two-chars!",
        "PIER_S3_ENDPOINT", "http://10.0.0.9:9000", "PIER_S3_ACCESS_KEY", "k", "PIER_S3_SECRET_KEY", "s",
        "PIER_CLUSTER_MEMBERS", "10.0.0.1,10.0.0.2:5701,127.0.0.1", "PIER_CLUSTER_HOST", "10.0.0.3"));
    vars.putAll(extra);
    return NodeAgentConfig.fromEnv(new Env(vars));
  }

  @Test
  void replsMayNotReachClusterMembersStorageOrCloudMetadataButLoopbackNeedsNoRule() {
    assertEquals(List.of("10.0.0.1/32", "10.0.0.2/32", "10.0.0.3/32", "10.0.0.9/32", "169.254.0.0/16"),
        NodeAgentMain.blockedDestinations(config(Map.of())));
  }

  @Test
  void operatorsCanBlockMoreRanges() {
    assertEquals(List.of("10.0.0.1/32", "10.0.0.2/32", "10.0.0.3/32", "10.0.0.9/32", "169.254.0.0/16",
            "192.168.0.0/16"),
        NodeAgentMain.blockedDestinations(config(Map.of("PIER_NODE_BLOCKED_CIDRS", "192.168.0.0/16"))));
  }
}
