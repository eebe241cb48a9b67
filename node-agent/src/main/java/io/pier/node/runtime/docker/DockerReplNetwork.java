package io.pier.node.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.pier.node.runtime.ReplNetwork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Docker bridge network of the node's own, with inter-container traffic off, plus host firewall rules (iptables):
 * nothing from the bridge reaches the host itself (INPUT: every service on every host address, whatever it binds),
 * and no connection is opened to the blocked destinations off the node (DOCKER-USER: cluster members, storage, cloud
 * metadata). Replies to connections those destinations open (an edge-proxy on another VM fetching a preview) pass.
 * Outbound traffic to the rest of the world is forwarded as usual.
 */
public final class DockerReplNetwork implements ReplNetwork {
  private static final Logger LOG = LoggerFactory.getLogger(DockerReplNetwork.class);

  private final DockerClient docker;
  private final String name;
  private final String bridge;

  DockerReplNetwork(DockerClient docker, String nodeId) {
    this.docker = docker;
    this.name = "pier-" + nodeId;
    // Linux interface names have at most 15 characters: a hash keeps one per node id.
    this.bridge = "pier" + HexFormat.of().formatHex(sha256(nodeId), 0, 5);
  }

  /** The bridge interface's name on the host. */
  public String bridge() {
    return bridge;
  }

  @Override
  public String ensure(List<String> blocked) {
    try {
      docker.inspectNetworkCmd().withNetworkId(name).exec();
    } catch (NotFoundException missing) {
      docker.createNetworkCmd().withName(name).withDriver("bridge")
          .withLabels(Map.of("pier.managed", "true", "pier.network", name))
          .withOptions(Map.of("com.docker.network.bridge.enable_icc", "false",
              "com.docker.network.bridge.name", bridge))
          .exec();
      LOG.info("created repl network {} (bridge {}), containers isolated from each other", name, bridge);
    }
    rule("INPUT", List.of("-i", bridge, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT"), false);
    rule("INPUT", List.of("-i", bridge, "-j", "REJECT", "--reject-with", "icmp-port-unreachable"), true);
    for (String destination : blocked) rule("DOCKER-USER", blockSpec(destination), false);
    return name;
  }

  /** The address of the host on the repl network (its gateway), as containers see it. */
  public String gateway() {
    return docker.inspectNetworkCmd().withNetworkId(name).exec().getIpam().getConfig().get(0).getGateway();
  }

  /** Removes the network and the rules naming its bridge: for tests and for taking a node out for good. */
  public void remove(List<String> blocked) {
    delete("INPUT", List.of("-i", bridge, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT"));
    delete("INPUT", List.of("-i", bridge, "-j", "REJECT", "--reject-with", "icmp-port-unreachable"));
    for (String destination : blocked) delete("DOCKER-USER", blockSpec(destination));
    try {
      docker.removeNetworkCmd(name).exec();
    } catch (NotFoundException gone) {
      // already removed
    }
  }

  /** Only new connections: a reply to a blocked host that connected to a repl's published port must get through. */
  private List<String> blockSpec(String destination) {
    return List.of("-i", bridge, "-d", destination, "-m", "conntrack", "--ctstate", "NEW", "-j", "REJECT");
  }

  private static void delete(String chain, List<String> spec) {
    List<String> command = new ArrayList<>(List.of("iptables", "-w", "-D", chain));
    command.addAll(spec);
    run(command);
  }

  /**
   * Adds an iptables rule unless it is there already. {@code append}: at the end of the chain (the catch-all
   * reject), otherwise first.
   */
  private static void rule(String chain, List<String> spec, boolean append) {
    List<String> check = new ArrayList<>(List.of("iptables", "-w", "-C", chain));
    check.addAll(spec);
    if (run(check) == 0) return;
    List<String> add = new ArrayList<>(List.of("iptables", "-w", append ? "-A" : "-I", chain));
    add.addAll(spec);
    int code = run(add);
    if (code != 0) {
      throw new IllegalStateException("cannot add the firewall rule " + String.join(" ", add)
          + " (exit " + code + "); the node-agent must run as root with iptables installed");
    }
  }

  private static int run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] output = p.getInputStream().readAllBytes();
      int code = p.waitFor();
      if (code != 0 && !command.contains("-C") && !command.contains("-D")) {
        LOG.warn("{}: {}", String.join(" ", command), new String(output, StandardCharsets.UTF_8).strip());
      }
      return code;
    } catch (IOException e) {
      return 127;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  private static byte[] sha256(String text) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
