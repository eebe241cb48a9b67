package io.pier.e2e;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pier's own playbooks and roles ({@code ansible/}), run for real against the hosts of a {@link FleetOnNamespaces}.
 * Every host of the inventory runs its modules inside its own network namespace (its Python interpreter is entered
 * through {@code nsenter}), so a task on node host A acts on A's firewall, reaches what A reaches and talks to A's
 * supervisord; delegated tasks run on the host they are delegated to. The hosts share this machine's filesystem, so
 * each keeps its files (install, configuration, state, firewall, supervisor programs) in a folder of its own.
 */
final class FleetPlaybooks {
  private static final Duration LIMIT = Duration.ofMinutes(15);
  private static final Pattern RECAP =
      Pattern.compile(
          "(?m)^(\\S+)\\s+:\\s+ok=\\d+\\s+changed=(\\d+)\\s+unreachable=(\\d+)\\s+failed=(\\d+)");

  /** One host as the inventory names it, with the variables only it has. */
  record InventoryHost(String group, String name, JsonObject vars) {}

  /** How a playbook ended: its exit code, its output, and the changed-task count of each host in its recap. */
  record Run(int exitCode, String output, Map<String, Integer> changed) {}

  private final Path work;
  private final Path logs;
  private final Path inventory;
  private int runs;

  /**
   * @param common the variables every host shares
   * @param hosts  the hosts, each in one of the inventory's groups
   */
  FleetPlaybooks(Path work, Path logs, JsonObject common, List<InventoryHost> hosts)
      throws IOException {
    this.work = work;
    this.logs = logs;
    Files.createDirectories(work);
    Files.createDirectories(logs);
    JsonObject children = new JsonObject();
    for (InventoryHost host : hosts) {
      JsonObject group = children.getJsonObject(host.group());
      if (group == null) {
        group = new JsonObject().put("hosts", new JsonObject());
        children.put(host.group(), group);
      }
      group.getJsonObject("hosts").put(host.name(), host.vars());
    }
    JsonObject vars = common.copy().put("ansible_connection", "local");
    this.inventory = work.resolve("inventory.json");
    Files.writeString(
        inventory,
        new JsonObject()
            .put("all", new JsonObject().put("vars", vars).put("children", children))
            .encodePrettily());
  }

  /**
   * The variables that put a host's modules in its namespace and its files in {@code folder}, with the folders every
   * Debian VM has already (for systemd units and local programs).
   */
  static JsonObject hostVars(NetworkNamespaces.Host host, Path folder) throws IOException {
    Files.createDirectories(folder.resolve("systemd"));
    Files.createDirectories(folder.resolve("sbin"));
    return new JsonObject()
        .put("pier_private_address", host.address())
        .put("ansible_python_interpreter", String.join(" ", host.inside("/usr/bin/python3")))
        .put("pier_install_dir", folder.resolve("opt").toString())
        .put("pier_config_dir", folder.resolve("etc").toString())
        .put("pier_state_dir", folder.resolve("var").toString())
        .put("pier_systemd_dir", folder.resolve("systemd").toString())
        .put("pier_firewall_dir", folder.resolve("firewall").toString())
        .put(
            "pier_firewall_loader", folder.resolve("sbin").resolve("pier-firewall-load").toString())
        .put("pier_firewall_systemd_dir", folder.resolve("systemd").toString());
  }

  /** Variables for hosts that share one machine's accounts and packages: nothing to install, no user to make. */
  static JsonObject sharedMachineVars() {
    return new JsonObject()
        .put("pier_manage_user", false)
        .put("pier_user", "root")
        .put("pier_group", "root")
        .put("pier_common_packages", new JsonArray())
        .put("pier_firewall_packages", new JsonArray())
        .put("node_agent_packages", new JsonArray());
  }

  /**
   * Runs {@code playbook} (a path under the repository's {@code ansible/}, or an absolute one) with extra
   * {@code ansible-playbook} arguments; its output goes to a log of its own as well.
   */
  Run run(String playbook, String... arguments) throws IOException, InterruptedException {
    Path ansible = PierOnLoopback.repo().resolve("ansible");
    List<String> command = new ArrayList<>(List.of("ansible-playbook", "-i", inventory.toString()));
    command.addAll(List.of(arguments));
    command.add(playbook);
    Path log =
        logs.resolve(String.format("ansible-%02d-%s.log", ++runs, Path.of(playbook).getFileName()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(ansible.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder
        .environment()
        .keySet()
        .removeIf(key -> key.startsWith("PIER_") || key.startsWith("DOCKER_"));
    builder
        .environment()
        .putAll(
            Map.of(
                "ANSIBLE_CONFIG",
                ansible.resolve("ansible.cfg").toString(),
                "ANSIBLE_ROLES_PATH",
                ansible.resolve("roles").toString(),
                "ANSIBLE_NOCOLOR",
                "1",
                "ANSIBLE_LOCAL_TEMP",
                work.resolve("ansible-tmp").toString(),
                "ANSIBLE_REMOTE_TEMP",
                work.resolve("ansible-tmp").toString(),
                "ANSIBLE_HOST_KEY_CHECKING",
                "False"));
    Process process = builder.start();
    if (!process.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      return new Run(124, "timed out after " + LIMIT + ":\n" + Files.readString(log), Map.of());
    }
    String output = Files.readString(log);
    Map<String, Integer> changed = new LinkedHashMap<>();
    Matcher recap = RECAP.matcher(output);
    while (recap.find()) changed.put(recap.group(1), Integer.parseInt(recap.group(2)));
    return new Run(process.exitValue(), output, changed);
  }

  /** Runs the playbook and fails, with its output's tail, unless it succeeded. */
  Run mustRun(String playbook, String... arguments) throws IOException, InterruptedException {
    Run run = run(playbook, arguments);
    if (run.exitCode() != 0) {
      String output = run.output();
      throw new IllegalStateException(
          "ansible-playbook "
              + playbook
              + " exited with "
              + run.exitCode()
              + ":\n"
              + output.substring(Math.max(0, output.length() - 6000)));
    }
    return run;
  }
}
