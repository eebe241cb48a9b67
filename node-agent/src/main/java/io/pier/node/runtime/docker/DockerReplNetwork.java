package io.pier.node.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.pier.node.runtime.EgressPolicy;
import io.pier.node.runtime.ReplFirewall;
import io.pier.node.runtime.ReplNetwork;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Docker bridge network of the node's own, with inter-container traffic off, behind the host's {@link ReplFirewall}:
 * nothing from the bridge reaches the host itself, and no connection is opened to what the {@link EgressPolicy}
 * denies (private address space, cluster members, storage, cloud metadata). Replies to connections those
 * destinations open (an edge-proxy on another VM fetching a preview) pass. Outbound traffic to the rest of the world is
 * forwarded as usual.
 */
public final class DockerReplNetwork implements ReplNetwork {
  private static final Logger LOG = LoggerFactory.getLogger(DockerReplNetwork.class);

  private final DockerClient docker;
  private final ReplFirewall firewall;
  private final String name;
  private final String bridge;

  DockerReplNetwork(DockerClient docker, ReplFirewall firewall, String nodeId) {
    this.docker = docker;
    this.firewall = firewall;
    this.name = "pier-" + nodeId;
    // Linux interface names have at most 15 characters: a hash keeps one per node id.
    this.bridge = "pier" + HexFormat.of().formatHex(sha256(nodeId), 0, 5);
  }

  /** The bridge interface's name on the host. */
  public String bridge() {
    return bridge;
  }

  @Override
  public String ensure(EgressPolicy policy) {
    try {
      docker.inspectNetworkCmd().withNetworkId(name).exec();
    } catch (NotFoundException missing) {
      // No IPv6 on the network (no --ipv6): containers get no IPv6 address, and create() turns IPv6
      // off in them.
      docker
          .createNetworkCmd()
          .withName(name)
          .withDriver("bridge")
          .withLabels(Map.of("pier.managed", "true", "pier.network", name))
          .withOptions(
              Map.of(
                  "com.docker.network.bridge.enable_icc",
                  "false",
                  "com.docker.network.bridge.name",
                  bridge))
          .exec();
      LOG.info(
          "created repl network {} (bridge {}), containers isolated from each other", name, bridge);
    }
    firewall.apply(bridge, policy);
    LOG.info(
        "repls on {} may not open connections to {} {} (allowed: {})",
        bridge,
        policy.denied(false),
        policy.denied(true),
        policy.allowed());
    return name;
  }

  /** The address of the host on the repl network (its gateway), as containers see it. */
  public String gateway() {
    return docker
        .inspectNetworkCmd()
        .withNetworkId(name)
        .exec()
        .getIpam()
        .getConfig()
        .get(0)
        .getGateway();
  }

  /** Removes the network and the rules naming its bridge: for tests and for taking a node out for good. */
  public void remove() {
    firewall.remove(bridge);
    try {
      docker.removeNetworkCmd(name).exec();
    } catch (NotFoundException gone) {
      // already removed
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
