package io.pier.e2e;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Ansible inventory of a {@link FleetOnNamespaces}: its hosts in Pier's groups (schedulers, node_agents,
 * edge_proxies), and the fleet's settings as the roles' variables, the way an operator's {@code group_vars} would
 * give them. Its services run under supervisor ({@code pier_service_manager}): the simulated hosts have no systemd.
 */
final class FleetInventory {
  /** The fleet-wide settings the roles need. */
  record Settings(
      String clusterName,
      int clusterPort,
      String authSecret,
      String adminToken,
      String s3Endpoint,
      String s3AccessKey,
      String s3SecretKey,
      int nodePort,
      int edgePort,
      List<String> jvmOptions,
      Duration nodeAgentStop) {}

  private final Settings settings;
  private final Path hostsDir;
  private final Path logDir;

  /**
   * @param hostsDir where each host gets the folder of its own files
   * @param logDir   where the node-agents under supervisor log
   */
  FleetInventory(Settings settings, Path hostsDir, Path logDir) {
    this.settings = settings;
    this.hostsDir = hostsDir;
    this.logDir = logDir;
  }

  /** What every host shares. */
  JsonObject vars() {
    return FleetPlaybooks.sharedMachineVars()
        .put("pier_service_manager", "supervisor")
        .put("pier_java", ProcessHandle.current().info().command().orElse("java"))
        .put("pier_source_dir", PierOnLoopback.repo().toString())
        .put("pier_auth_secret", settings.authSecret())
        .put("pier_admin_token", settings.adminToken())
        .put("pier_cluster_name", settings.clusterName())
        .put("pier_cluster_port", settings.clusterPort())
        .put("pier_s3_endpoint", settings.s3Endpoint())
        .put("pier_s3_access_key", settings.s3AccessKey())
        .put("pier_s3_secret_key", settings.s3SecretKey())
        .put("pier_domain", FleetOnNamespaces.DOMAIN)
        .put("pier_edge_port", settings.edgePort())
        .put("pier_fleet_api_poll_s", 1)
        .put("node_agent_port", settings.nodePort())
        .put("node_agent_heartbeat_ms", 500)
        .put("node_agent_slots", 16)
        .put("node_agent_memory_mb", 8192)
        // CPUs well above use, so that placement goes by slots and memory: the second repl takes
        // the other node.
        .put("node_agent_cpus", 16)
        .put("node_agent_sync_quiet_ms", 300)
        // No spare containers: the fleet tests find a repl's container by its pier.slug label,
        // which a repl started from a spare does not carry (its name does).
        .put("node_agent_pool_size", 0)
        .put("node_agent_stop_timeout_s", settings.nodeAgentStop().toSeconds())
        .put("node_agent_java_opts", String.join(" ", settings.jvmOptions()));
  }

  /** The hosts by group; node hosts with their node's id, data folder, dockerd and supervisord. */
  List<FleetPlaybooks.InventoryHost> hosts(
      NetworkNamespaces.Host scheduler,
      List<FleetOnNamespaces.Node> nodes,
      NetworkNamespaces.Host edge)
      throws IOException {
    List<FleetPlaybooks.InventoryHost> hosts = new ArrayList<>();
    hosts.add(
        new FleetPlaybooks.InventoryHost("schedulers", scheduler.name(), hostVars(scheduler)));
    for (FleetOnNamespaces.Node node : nodes) {
      hosts.add(
          new FleetPlaybooks.InventoryHost(
              "node_agents",
              node.host().name(),
              hostVars(node.host())
                  .put("node_agent_id", node.id())
                  .put("node_agent_data_dir", node.data().toString())
                  .put("node_agent_docker_host", node.dockerd().host())
                  .put("pier_supervisor_config", node.supervisor().configFile().toString())
                  .put("pier_supervisor_dir", node.supervisor().programs().toString())
                  .put(
                      "pier_supervisor_log_dir",
                      logDir.resolve("node-agent-" + node.host().name()).toString())));
    }
    hosts.add(new FleetPlaybooks.InventoryHost("edge_proxies", edge.name(), hostVars(edge)));
    return hosts;
  }

  private JsonObject hostVars(NetworkNamespaces.Host host) throws IOException {
    return FleetPlaybooks.hostVars(host, hostsDir.resolve("host-" + host.name()));
  }
}
