package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pier.e2e.NetworkNamespaces.Host;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The {@code pier_firewall} Ansible role, applied for real by {@code ansible-playbook} (connection local) inside
 * network namespaces that stand for a small fleet on one private network: a node-agent VM, a scheduler VM, an
 * edge-proxy VM and an outsider that can route to them all. The node host publishes a "repl" port the way Docker
 * does (DNAT from the node's address to a container behind it, forwarded through DOCKER-USER), and listens on the
 * cluster port, the node-agent port, an event-bus port, SSH and a port the firewall leaves alone. Probes from each
 * host show what the rules let through. Skipped, by assumption, where ansible-playbook, python3 or {@code ip netns}
 * and {@code nsenter} (root) are missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostFirewallIT {
  private static final Duration LISTENER_READY = Duration.ofSeconds(30);
  private static final Pattern RECAP =
      Pattern.compile("(?m)^(\\S+)\\s+:\\s+ok=\\d+\\s+changed=(\\d+)\\s+unreachable=0\\s+failed=0");

  private static final int CLUSTER = 5701;
  private static final int NODE_API = 8082;
  private static final int SCHEDULER_API = 8081;
  private static final int EVENT_BUS = 45000;
  private static final int PUBLISHED = 40000;
  private static final int SSH = 22;
  private static final int UNGUARDED = 9999;
  private static final int REPL_APP = 8000;

  /** Listens on every port given, answers each connection with "pier" and closes it; prints "ready" once bound. */
  private static final String LISTENER =
      """
      import socket, sys, threading
      def serve(server):
          while True:
              connection, _ = server.accept()
              connection.sendall(b"pier\\n")
              connection.close()
      for port in sys.argv[1:]:
          server = socket.socket()
          server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
          server.bind(("0.0.0.0", int(port)))
          server.listen(16)
          threading.Thread(target=serve, args=(server,), daemon=True).start()
      print("ready", flush=True)
      threading.Event().wait()
      """;

  /** Connects to every address:port given at once; prints "<target> open" when the listener answered, else closed. */
  private static final String PROBE =
      """
      import socket, sys, threading
      states = {}
      def probe(target):
          host, port = target.rsplit(":", 1)
          try:
              with socket.create_connection((host, int(port)), timeout=2) as s:
                  s.settimeout(2)
                  states[target] = "open" if s.recv(5) == b"pier\\n" else "closed"
          except OSError:
              states[target] = "closed"
      threads = [threading.Thread(target=probe, args=(t,)) for t in sys.argv[1:]]
      [t.start() for t in threads]
      [t.join() for t in threads]
      for target in sys.argv[1:]:
          print(target, states[target])
      """;

  private final String id = String.format("%05x", new SecureRandom().nextInt(0x100000));
  private NetworkNamespaces network;
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private Path work;
  private Path inventory;
  private String node;
  private String scheduler;
  private Map<String, String> outsiderBefore;

  @BeforeAll
  void buildTheFleetAndApplyTheRole() throws Exception {
    assumeTrue(
        onPath("ansible-playbook"),
        "ansible-playbook is not installed (apt-get install ansible): skipping");
    assumeTrue(onPath("python3"), "python3 is not installed: skipping");
    assumeTrue(NetworkNamespaces.available(), "needs root, ip netns and nsenter: skipping");
    work = Files.createTempDirectory("host-firewall-it");
    network = new NetworkNamespaces("fw" + id).open();
    node = add(network.host("node", 2)).address();
    scheduler = add(network.host("scheduler", 3)).address();
    String edge = add(network.host("edge", 4)).address();
    add(network.host("outsider", 5));
    String repl = add(network.hostBehind("repl", hosts.get("node"))).address();
    publishLikeDocker(repl);
    listen("node", CLUSTER, NODE_API, EVENT_BUS, SSH, UNGUARDED);
    listen("repl", REPL_APP);
    listen("scheduler", SCHEDULER_API);
    inventory = writeInventory(Map.of("node", node, "scheduler", scheduler, "edge", edge));

    outsiderBefore = probe("outsider", everyGuardedPort());

    applyRole("scheduler");
    applyRole("node");
  }

  @AfterAll
  void tearDown() throws IOException {
    if (network != null) network.close();
    if (work != null) {
      try (var files = Files.walk(work)) {
        files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  @Order(1)
  void withoutTheRulesTheOutsiderReachesEveryPort() {
    for (Map.Entry<String, String> probed : outsiderBefore.entrySet()) {
      assertEquals(
          "open", probed.getValue(), "before the role, the outsider to " + probed.getKey());
    }
  }

  @Test
  @Order(2)
  void fleetHostsReachTheClusterPortTheApisAndTheEventBus() throws Exception {
    assertReach(
        "scheduler",
        Map.of(
            target(node, CLUSTER),
            "open",
            target(node, NODE_API),
            "open",
            target(node, EVENT_BUS),
            "open"));
    assertReach("edge", Map.of(target(node, CLUSTER), "open", target(node, NODE_API), "open"));
    assertReach("node", Map.of(target(scheduler, SCHEDULER_API), "open"));
  }

  @Test
  @Order(3)
  void theOutsiderReachesNoneOfThemButSshAndOtherPortsStayOpen() throws Exception {
    assertReach(
        "outsider",
        Map.of(
            target(node, CLUSTER),
            "closed",
            target(node, NODE_API),
            "closed",
            target(node, EVENT_BUS),
            "closed",
            target(node, PUBLISHED),
            "closed",
            target(scheduler, SCHEDULER_API),
            "closed",
            target(node, SSH),
            "open",
            target(node, UNGUARDED),
            "open"));
  }

  @Test
  @Order(4)
  void onlyTheEdgeReachesAReplsPublishedPort() throws Exception {
    assertReach("edge", Map.of(target(node, PUBLISHED), "open"));
    assertReach("scheduler", Map.of(target(node, PUBLISHED), "closed"));
  }

  @Test
  @Order(5)
  void runningTheRoleAgainChangesNothing() throws Exception {
    assertEquals(0, applyRole("node"), "changed tasks on the second run");
  }

  @Test
  @Order(6)
  void rulesLostMeanwhileAreLoadedAgain() throws Exception {
    run("node", "iptables", "-w", "-F", "PIER-HOST-INPUT");
    assertReach("outsider", Map.of(target(node, CLUSTER), "open"));
    assertTrue(applyRole("node") > 0, "the role reloads flushed rules");
    assertReach("outsider", Map.of(target(node, CLUSTER), "closed"));
    String input = run("node", "iptables", "-w", "-S", "INPUT");
    assertEquals(
        1, input.lines().filter(l -> l.equals("-A INPUT -j PIER-HOST-INPUT")).count(), input);
    run("node", "ip6tables", "-w", "-C", "INPUT", "-j", "PIER-HOST-INPUT");
  }

  /**
   * What dockerd does for a container publishing {@value #REPL_APP} on the node's address: DNAT in PREROUTING to the
   * container, and a FORWARD chain that passes through DOCKER-USER first.
   */
  private void publishLikeDocker(String repl) throws Exception {
    run(
        "node",
        "iptables",
        "-w",
        "-t",
        "nat",
        "-A",
        "PREROUTING",
        "-d",
        node,
        "-p",
        "tcp",
        "--dport",
        String.valueOf(PUBLISHED),
        "-j",
        "DNAT",
        "--to-destination",
        repl + ":" + REPL_APP);
    run("node", "iptables", "-w", "-N", "DOCKER-USER");
    run("node", "iptables", "-w", "-A", "DOCKER-USER", "-j", "RETURN");
    run("node", "iptables", "-w", "-I", "FORWARD", "1", "-j", "DOCKER-USER");
  }

  private List<String> everyGuardedPort() {
    return List.of(
        target(node, CLUSTER),
        target(node, NODE_API),
        target(node, EVENT_BUS),
        target(node, PUBLISHED),
        target(node, SSH),
        target(node, UNGUARDED),
        target(scheduler, SCHEDULER_API));
  }

  /** The inventory of the simulated fleet; each host keeps its firewall files in a folder of its own. */
  private Path writeInventory(Map<String, String> addresses) throws IOException {
    Map<String, String> groups =
        Map.of("node", "node_agents", "scheduler", "schedulers", "edge", "edge_proxies");
    JsonObject children = new JsonObject();
    for (Map.Entry<String, String> host : addresses.entrySet()) {
      Path own = work.resolve(host.getKey());
      JsonObject vars =
          new JsonObject()
              .put("pier_private_address", host.getValue())
              .put("pier_firewall_dir", own.resolve("firewall").toString())
              .put("pier_firewall_loader", own.resolve("pier-firewall-load").toString())
              .put("pier_firewall_systemd_dir", own.toString());
      children.put(
          groups.get(host.getKey()),
          new JsonObject().put("hosts", new JsonObject().put(host.getKey(), vars)));
    }
    JsonObject all =
        new JsonObject()
            .put(
                "all",
                new JsonObject()
                    .put("children", children)
                    .put(
                        "vars",
                        new JsonObject()
                            .put("ansible_connection", "local")
                            .put("ansible_python_interpreter", "/usr/bin/python3")
                            // iptables is part of this machine already; the role would otherwise
                            // ask apt.
                            .put("pier_firewall_packages", new JsonArray())));
    Path file = work.resolve("inventory.json");
    Files.writeString(file, all.encodePrettily());
    return file;
  }

  /** Runs firewall.yml for one host inside its namespace, so the iptables it runs act on that host's tables. */
  private int applyRole(String host) throws Exception {
    Path ansible = PierOnLoopback.repo().resolve("ansible");
    // env: in the ansible folder, with Ansible's settings added to this process's environment.
    HostCommands.Result result =
        HostCommands.run(
            hosts
                .get(host)
                .inside(
                    "env",
                    "-C",
                    ansible.toString(),
                    "ANSIBLE_CONFIG=" + ansible.resolve("ansible.cfg"),
                    "ANSIBLE_NOCOLOR=1",
                    "ANSIBLE_LOCAL_TEMP=" + work.resolve("ansible-tmp"),
                    "ansible-playbook",
                    "-i",
                    inventory.toString(),
                    "-c",
                    "local",
                    "--limit",
                    host,
                    "firewall.yml"));
    assertEquals(
        0,
        result.exitCode(),
        "ansible-playbook firewall.yml for " + host + ":\n" + result.output());
    Matcher recap = RECAP.matcher(result.output());
    assertTrue(
        recap.find() && recap.group(1).equals(host),
        "a recap for " + host + ":\n" + result.output());
    return Integer.parseInt(recap.group(2));
  }

  private void assertReach(String from, Map<String, String> expected) throws Exception {
    Map<String, String> seen = probe(from, new ArrayList<>(expected.keySet()));
    for (Map.Entry<String, String> e : expected.entrySet()) {
      assertEquals(
          e.getValue(),
          seen.get(e.getKey()),
          from + " to " + e.getKey() + " (every probe: " + seen + ")");
    }
  }

  private Map<String, String> probe(String from, List<String> targets) throws Exception {
    List<String> command = new ArrayList<>(List.of("python3", "-c", PROBE));
    command.addAll(targets);
    HostCommands.Result result = HostCommands.run(hosts.get(from).inside(command));
    assertEquals(0, result.exitCode(), "probes from " + from + ": " + result.output());
    Map<String, String> seen = new LinkedHashMap<>();
    result
        .output()
        .lines()
        .map(l -> l.split(" "))
        .filter(p -> p.length == 2)
        .forEach(p -> seen.put(p[0], p[1]));
    return seen;
  }

  private Host add(Host host) {
    hosts.put(host.name(), host);
    return host;
  }

  /** Starts {@link #LISTENER} on {@code host}'s ports; it runs until the namespaces are closed. */
  private void listen(String host, int... ports) throws IOException {
    List<String> command = new ArrayList<>(List.of("python3", "-c", LISTENER));
    for (int port : ports) command.add(String.valueOf(port));
    network.startAndAwaitReady(
        hosts.get(host), command, work.resolve("listener-" + host + ".log"), LISTENER_READY);
  }

  /** Runs a command inside the host; fails unless it exits with 0. Returns its output. */
  private String run(String host, String... command) {
    return HostCommands.must(hosts.get(host).inside(command));
  }

  private static String target(String address, int port) {
    return address + ":" + port;
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) return true;
    }
    return false;
  }
}
