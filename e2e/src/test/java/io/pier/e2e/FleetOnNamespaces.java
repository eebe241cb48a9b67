package io.pier.e2e;

import io.pier.common.auth.TokenSigner;
import io.pier.common.store.s3.S3Config;
import io.pier.common.store.s3.S3ObjectStore;
import io.pier.node.workspace.loop.LoopVolumes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A Pier fleet as separate hosts: network namespaces on one switch ({@link NetworkNamespaces}), each running real
 * processes from the built jars, bound to and advertising its own address. A scheduler host (scheduler and embedded
 * S3), two node hosts (a dockerd of their own each, and a node-agent that Pier's Ansible role installs and starts
 * under the host's supervisord: {@link FleetPlaybooks}), an edge host, and an outsider host that stands for the rest
 * of the world (an address outside the private ranges, with a listener, routed to and from every host). Every process, container,
 * mount, namespace and folder it made is removed by {@link #close}, also from a shutdown hook.
 */
final class FleetOnNamespaces implements AutoCloseable {
  static final String DOMAIN = PierOnLoopback.DOMAIN;
  static final int S3_PORT = 9000;
  static final int SCHEDULER_PORT = 8081;
  static final int NODE_PORT = 8082;
  static final int EDGE_PORT = 8080;
  static final int CLUSTER_PORT = 5701;
  static final int OUTSIDER_PORT = 8443;

  /** The images of the templates the tests start (static and python both run on the python runner). */
  static final List<String> RUNNER_IMAGES = List.of("pier-runner-python:latest");

  private static final Duration START = Duration.ofSeconds(120);
  private static final Duration NODE_AGENT_STOP = Duration.ofSeconds(60);

  /** Small, quick-starting JVMs: seven of them share the machine. */
  private static final List<String> SMALL_JVM =
      List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private static final String S3_KEY = "e2e";
  private static final String S3_SECRET = "e2e-secret-multihost";

  /** One node host: its namespace, its dockerd, and the supervisord its node-agent runs under. */
  record Node(
      String id,
      NetworkNamespaces.Host host,
      NodeDockerd dockerd,
      Path data,
      HostProcess agent,
      HostSupervisor supervisor) {
    /** The node-agent's pid; 0 while it does not run. */
    long agentPid() {
      return supervisor.pid("pier-node-agent");
    }
  }

  final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 6);
  final String userToken;
  final String adminToken;
  final List<Node> nodes = new ArrayList<>();
  NetworkNamespaces.Host scheduler;
  NetworkNamespaces.Host edge;
  NetworkNamespaces.Host outsider;
  S3ObjectStore store;
  FleetPlaybooks playbooks;
  private final NetworkNamespaces network = new NetworkNamespaces(id);
  private final Path dataDir;
  private final Path logDir;
  private final String authSecret = "e2e-multihost-" + UUID.randomUUID();
  private final List<HostProcess> services = new ArrayList<>();
  private final List<NodeDockerd> dockerds = new ArrayList<>();
  private final List<CompletableFuture<NodeDockerd>> dockerdsStarting = new ArrayList<>();
  private final Thread cleanup = new Thread(this::close, "fleet-on-namespaces-cleanup");
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private boolean closed;

  FleetOnNamespaces() {
    Path target = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    dataDir = target.resolve("multihost-" + id);
    logDir = target.resolve("multihost-" + id + "-logs");
    TokenSigner signer = new TokenSigner(authSecret, Clock.systemUTC());
    userToken = signer.issue("e2e", false, Duration.ofHours(2));
    adminToken = signer.issue("e2e-admin", true, Duration.ofHours(2));
  }

  /** Makes the hosts and starts everything on them; returns once the edge serves the API and both nodes are in. */
  FleetOnNamespaces start() throws Exception {
    // Registered first: whatever fails from here on, the JVM's exit still takes it all down.
    Runtime.getRuntime().addShutdownHook(cleanup);
    network.open();
    scheduler = network.host("sched", 10);
    List<NetworkNamespaces.Host> nodeHosts = List.of(network.host("a", 11), network.host("b", 12));
    edge = network.host("edge", 20);
    // Outside the private ranges (TEST-NET-3): what a repl reaching "the internet" reaches,
    // on-link, never routed.
    outsider = network.host("out", "203.0.113.10", 24);
    network.routeOnLink(outsider, network.cidr());
    // Every host answers the outsider, so that only a firewall can keep it out.
    for (NetworkNamespaces.Host host :
        List.of(scheduler, nodeHosts.get(0), nodeHosts.get(1), edge)) {
      network.routeOnLink(host, outsider.address() + "/32");
    }

    for (NetworkNamespaces.Host host : nodeHosts) {
      dockerdsStarting.add(CompletableFuture.supplyAsync(() -> startDockerd(host)));
    }
    HostProcess s3 =
        java(
            scheduler,
            "s3",
            List.of("-cp", jar("scheduler"), "io.pier.common.store.s3.EmbeddedS3Main"),
            Map.of(
                "PIER_S3_HOST",
                scheduler.address(),
                "PIER_S3_PORT",
                String.valueOf(S3_PORT),
                "PIER_S3_EMBEDDED_DIR",
                dataDir.resolve("s3").toString()));
    HostProcess outsiderListener =
        java(
            outsider,
            "outsider",
            List.of(
                "-cp",
                testClasses(),
                OutsiderListener.class.getName(),
                outsider.address(),
                String.valueOf(OUTSIDER_PORT)),
            Map.of());
    s3.awaitReady(START, () -> NetworkNamespaces.connects(scheduler, scheduler.address(), S3_PORT));
    outsiderListener.awaitReady(
        START, () -> NetworkNamespaces.connects(outsider, outsider.address(), OUTSIDER_PORT));
    store =
        new S3ObjectStore(
            new S3Config(URI.create(s3Endpoint()), "us-east-1", "pier", S3_KEY, S3_SECRET));

    Map<String, String> schedulerEnv =
        new HashMap<>(
            Map.of(
                "PIER_SCHEDULER_ADVERTISE_HOST",
                scheduler.address(),
                "PIER_SCHEDULER_PORT",
                String.valueOf(SCHEDULER_PORT),
                "PIER_TEMPLATES_DIR",
                PierOnLoopback.repo().resolve("templates").toString(),
                "PIER_IDLE_STOP_S",
                "0",
                "PIER_FLEET_INTERVAL_MS",
                "500",
                "PIER_ADMINS",
                "e2e-admin",
                "PIER_MAX_RUNNING_PER_USER",
                "10"));
    HostProcess schedulerProcess =
        java(scheduler, "scheduler", List.of("-jar", jar("scheduler")), schedulerEnv);
    schedulerProcess.awaitHttp(
        URI.create("http://" + scheduler.address() + ":" + SCHEDULER_PORT + "/readyz"),
        scheduler.address(),
        START);

    for (int i = 0; i < nodeHosts.size(); i++) {
      NetworkNamespaces.Host host = nodeHosts.get(i);
      NodeDockerd dockerd = dockerdsStarting.get(i).join();
      HostSupervisor supervisor =
          HostSupervisor.start(
              "node-agent-" + host.name() + "-supervisord",
              host,
              dataDir.resolve("supervisor-" + host.name()),
              logDir.resolve("supervisord-" + host.name() + ".log"),
              NODE_AGENT_STOP.plusSeconds(30));
      synchronized (services) {
        services.add(supervisor.process());
      }
      nodes.add(
          new Node(
              "mh-" + id + "-" + host.name(),
              host,
              dockerd,
              dataDir.resolve("node-" + host.name()),
              supervisor.process(),
              supervisor));
    }
    FleetInventory inventory =
        new FleetInventory(
            new FleetInventory.Settings(
                clusterName(),
                CLUSTER_PORT,
                authSecret,
                adminToken,
                s3Endpoint(),
                S3_KEY,
                S3_SECRET,
                NODE_PORT,
                EDGE_PORT,
                SMALL_JVM,
                NODE_AGENT_STOP),
            dataDir,
            logDir);
    playbooks =
        new FleetPlaybooks(
            dataDir.resolve("ansible"),
            logDir,
            inventory.vars(),
            inventory.hosts(scheduler, nodes, edge));
    // The roles install and start each node-agent under its host's supervisord, as on a VM without
    // systemd.
    playbooks.mustRun(
        PierOnLoopback.repo().resolve("e2e/src/test/resources/ansible/node-agents.yml").toString());
    for (Node node : nodes) {
      node.agent()
          .awaitHttp(
              URI.create("http://" + node.host().address() + ":" + NODE_PORT + "/readyz"),
              node.host().address(),
              START);
    }
    HostProcess edgeProcess =
        java(
            edge,
            "edge-proxy",
            List.of("-jar", jar("edge-proxy")),
            Map.of(
                "PIER_EDGE_BIND_HOST",
                edge.address(),
                "PIER_EDGE_PORT",
                String.valueOf(EDGE_PORT)));
    edgeProcess.awaitHttp(URI.create(edgeUrl() + "/readyz"), DOMAIN, START);
    edgeProcess.awaitReady(START, this::bothNodesPlaceable);
    return this;
  }

  private String clusterName() {
    return "pier-mh-" + id;
  }

  private NodeDockerd startDockerd(NetworkNamespaces.Host host) {
    try {
      NodeDockerd dockerd =
          NodeDockerd.start(
              host,
              dataDir.resolve("docker-" + host.name()),
              Path.of("/tmp", "pn" + id + host.name()));
      synchronized (dockerds) {
        dockerds.add(dockerd);
      }
      dockerd.provision(RUNNER_IMAGES);
      return dockerd;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The edge answers the API and the schedulers see both node-agents alive. */
  private boolean bothNodesPlaceable() {
    try {
      HttpResponse<String> listed = api("GET", "/api/nodes", null);
      return listed.statusCode() == 200
          && nodes.stream().allMatch(n -> listed.body().contains("\"" + n.id() + "\""));
    } catch (Exception notYet) {
      return false;
    }
  }

  /** A Pier service in {@code host}'s namespace, with the settings every service shares. */
  private HostProcess java(
      NetworkNamespaces.Host host, String name, List<String> main, Map<String, String> own)
      throws IOException {
    List<String> command =
        new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
    command.addAll(SMALL_JVM);
    command.addAll(
        List.of(
            "-Dhazelcast.phone.home.enabled=false",
            "-Djava.io.tmpdir=" + dataDir.resolve("tmp"),
            "-Djna.tmpdir=" + dataDir.resolve("tmp"),
            "--add-modules",
            "java.se",
            "--add-exports",
            "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.lang=ALL-UNNAMED",
            "--add-opens",
            "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens",
            "java.management/sun.management=ALL-UNNAMED",
            "--add-opens",
            "jdk.management/com.sun.management.internal=ALL-UNNAMED"));
    command.addAll(main);
    Files.createDirectories(dataDir.resolve("tmp"));
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "PIER_AUTH_SECRET",
                authSecret,
                "PIER_CLUSTER_NAME",
                clusterName(),
                "PIER_CLUSTER_MEMBERS",
                scheduler.address(),
                "PIER_CLUSTER_HOST",
                host.address(),
                "PIER_CLUSTER_PORT",
                String.valueOf(CLUSTER_PORT),
                "PIER_S3_ENDPOINT",
                s3Endpoint(),
                "PIER_S3_ACCESS_KEY",
                S3_KEY,
                "PIER_S3_SECRET_KEY",
                S3_SECRET,
                "PIER_DOMAIN",
                DOMAIN,
                "PIER_EDGE_PORT",
                String.valueOf(EDGE_PORT)));
    env.putAll(own);
    HostProcess process =
        HostProcess.start(
            name, host.inside(command), env, logDir.resolve(name + ".log"), Duration.ofSeconds(90));
    synchronized (services) {
      services.add(process);
    }
    return process;
  }

  private String s3Endpoint() {
    return "http://" + scheduler.address() + ":" + S3_PORT;
  }

  String edgeUrl() {
    return "http://" + edge.address() + ":" + EDGE_PORT;
  }

  /** A call to the API through the edge; node and fleet calls as the administrator, the rest as the user. */
  HttpResponse<String> api(String method, String path, String json) throws Exception {
    return api(
        method,
        path,
        json,
        path.startsWith("/api/nodes") || path.startsWith("/api/fleet") ? adminToken : userToken);
  }

  /** The node that runs the repl now (null when none): only the administrator is told. */
  String nodeOf(String slug) throws Exception {
    HttpResponse<String> repl = api("GET", "/api/repls/" + slug, null, adminToken);
    if (repl.statusCode() != 200) throw new IllegalStateException(repl.body());
    return new JsonObject(repl.body()).getString("node");
  }

  private HttpResponse<String> api(String method, String path, String json, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(edgeUrl() + path))
            .timeout(Duration.ofSeconds(120))
            .header("Host", DOMAIN)
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token);
    request.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A page of the repl's app, as a browser at {@code <slug>.<domain>} gets it through the edge. */
  HttpResponse<String> preview(String slug, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(edgeUrl() + path))
            .header("Host", slug + "." + DOMAIN)
            .timeout(Duration.ofSeconds(60))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** An IDE session to the repl through the edge, as the user. */
  SessionClient session(Vertx vertx, String slug) {
    return SessionClient.connect(vertx, edge.address(), EDGE_PORT, slug, userToken);
  }

  Node node(String nodeId) {
    return nodes.stream()
        .filter(n -> n.id().equals(nodeId))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + nodeId));
  }

  /** Where the logs stay after {@link #close} (the data does not). */
  Path logs() {
    return logDir;
  }

  /**
   * Stops everything this fleet started, by its own pids, in the order a fleet goes down: the edge, the node-agents
   * (which flush their repls' changes to S3 while it is still up), the dockerds with their containers, the scheduler
   * and S3, the outsider; then the workspaces' mounts, the namespaces, the switch and the data folder.
   */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    try {
      if (Thread.currentThread() != cleanup) Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
    for (CompletableFuture<NodeDockerd> starting : dockerdsStarting) {
      starting.handle((dockerd, failed) -> null).join();
    }
    stop(0);
    stop(1);
    dockerds.forEach(NodeDockerd::close);
    stop(2);
    for (Node node : nodes) {
      LoopVolumes volumes = new LoopVolumes(node.data().resolve("volumes"), 1000, 1000);
      for (String slug : volumes.present()) {
        try {
          volumes.remove(slug, node.data().resolve("workspaces").resolve(slug));
        } catch (RuntimeException e) {
          System.err.println(
              "[fleet-on-namespaces] cannot remove the workspace of "
                  + slug
                  + ": "
                  + e.getMessage());
        }
      }
    }
    if (store != null) store.close();
    network.close();
    NodeDockerd.unmountUnder(dataDir);
    HostCommands.run("rm", "-rf", dataDir.toString());
  }

  private void stop(int rank) {
    for (HostProcess process : services) {
      if (stopRank(process) == rank) process.close();
    }
  }

  /** Edge first, then node-agents, then (after the dockerds) the scheduler and the rest. */
  private static int stopRank(HostProcess process) {
    if (process.name.startsWith("edge")) return 0;
    if (process.name.startsWith("node-agent")) return 1;
    return 2;
  }

  private static String jar(String module) {
    Path jar = PierOnLoopback.repo().resolve(module).resolve("target").resolve(module + ".jar");
    if (!Files.exists(jar))
      throw new IllegalStateException("build the jars first (mvn -DskipTests package): " + jar);
    return jar.toString();
  }

  private static String testClasses() {
    try {
      return Path.of(
              OutsiderListener.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
