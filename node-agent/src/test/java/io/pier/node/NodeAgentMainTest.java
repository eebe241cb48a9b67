package io.pier.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pier.common.config.Env;
import io.pier.node.runtime.Cidr;
import io.pier.node.runtime.EgressAllow;
import io.pier.node.runtime.EgressPolicy;
import io.pier.node.runtime.HostResolvers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeAgentMainTest {
  @TempDir Path dir;

  private static NodeAgentConfig config(Map<String, String> extra) {
    Map<String, String> vars =
        new HashMap<>(
            Map.of(
                "PIER_NODE_ID",
                "n1",
                "PIER_AUTH_SECRET",
                "a-secret-of-at-least-thirty-two-chars!",
                "PIER_S3_ENDPOINT",
                "http://203.0.113.9:9000",
                "PIER_S3_ACCESS_KEY",
                "k",
                "PIER_S3_SECRET_KEY",
                "s",
                "PIER_CLUSTER_MEMBERS",
                "203.0.113.1,10.0.0.2:5701,127.0.0.1",
                "PIER_CLUSTER_HOST",
                "2001:db8::3"));
    vars.putAll(extra);
    return NodeAgentConfig.fromEnv(new Env(vars));
  }

  private HostResolvers resolvers(String resolvConf) throws Exception {
    Path file = Files.writeString(dir.resolve("resolv.conf"), resolvConf);
    return new HostResolvers(file, dir.resolve("absent"));
  }

  @Test
  void clusterMembersAndStorageOutsidePrivateSpaceAreBlockedLoopbackNeedsNoRule() throws Exception {
    EgressPolicy policy = NodeAgentMain.egressPolicy(config(Map.of()), resolvers(""));
    assertEquals(
        List.of("203.0.113.1/32", "10.0.0.2/32", "2001:db8:0:0:0:0:0:3/128", "203.0.113.9/32"),
        policy.blocked().stream().map(Cidr::toString).toList());
    List<Cidr> denied = policy.denied(false);
    assertEquals(
        List.copyOf(EgressPolicy.DENIED_IPV4.keySet()),
        denied.subList(0, EgressPolicy.DENIED_IPV4.size()));
    assertEquals(
        List.of("203.0.113.1/32", "203.0.113.9/32"),
        denied.subList(EgressPolicy.DENIED_IPV4.size(), denied.size()).stream()
            .map(Cidr::toString)
            .toList(),
        "10.0.0.2 is inside 10.0.0.0/8 already");
    assertEquals(
        "2001:db8:0:0:0:0:0:3/128",
        policy.denied(true).get(policy.denied(true).size() - 1).toString());
  }

  @Test
  void operatorsCanBlockMoreAndAllowSomeAndReplsResolveNamesThroughTheHostsResolvers()
      throws Exception {
    EgressPolicy policy =
        NodeAgentMain.egressPolicy(
            config(
                Map.of(
                    "PIER_NODE_BLOCKED_CIDRS",
                    "198.51.100.0/24",
                    "PIER_EGRESS_ALLOW",
                    "10.1.2.3/32:443")),
            resolvers("nameserver 10.0.0.2\nnameserver 127.0.0.53\n"));
    assertEquals("198.51.100.0/24", policy.blocked().get(0).toString());
    assertEquals(
        List.of(EgressAllow.parse("10.1.2.3/32:443"), EgressAllow.parse("10.0.0.2/32:53")),
        policy.allowed());
  }
}
