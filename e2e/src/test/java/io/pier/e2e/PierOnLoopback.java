package io.pier.e2e;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.pier.common.auth.TokenSigner;
import io.pier.common.cluster.ClusterConfig;
import io.pier.common.node.NodeCapacity;
import io.pier.common.store.s3.EmbeddedS3Server;
import io.pier.common.store.s3.S3Config;
import io.pier.common.store.s3.S3ObjectStore;
import io.pier.common.template.TemplateCatalog;
import io.pier.edge.EdgeConfig;
import io.pier.edge.EdgeProxy;
import io.pier.edge.EdgeProxyMain;
import io.pier.node.NodeAgentConfig;
import io.pier.node.NodeAgentMain;
import io.pier.node.images.RunnerImages;
import io.pier.node.limits.SessionLimits;
import io.pier.node.runtime.docker.DockerConfig;
import io.pier.node.runtime.docker.DockerContainerRuntime;
import io.pier.node.runtime.iptables.IptablesReplFirewall;
import io.pier.node.workspace.WriteBehind;
import io.pier.node.workspace.loop.LoopVolumes;
import io.pier.scheduler.FleetKeeper;
import io.pier.scheduler.SchedulerConfig;
import io.pier.scheduler.SchedulerMain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A whole Pier on loopback: the embedded S3 server over HTTP, schedulers, node-agents on the real dockerd and an
 * edge-proxy, joined in a Hazelcast cluster of their own. Node-agents run in this JVM or, when a test must kill one,
 * as processes of their own from the built jar. Containers carry this run's node ids, so closing removes exactly the
 * containers this run made.
 */
public final class PierOnLoopback implements AutoCloseable {
  static final String DOMAIN = "pier.localhost";
  private static final Duration START = Duration.ofSeconds(90);
  private static final String S3_KEY = "e2e";
  private static final String S3_SECRET = "e2e-secret";
  static final String AUTH_SECRET = "e2e-auth-secret-of-enough-length";

  /**
   * What the repls of a test fleet get (PIER_REPL_ENV): this test machine reaches no PyPI and no Go module proxy, so
   * pip and go give up at once instead of retrying. Users' repls get neither. PIER_TEST_REPL_ENV overrides it.
   */
  static final String REPL_ENV =
      System.getenv().getOrDefault("PIER_TEST_REPL_ENV", "PIP_RETRIES=0,GOPROXY=off");

  /** A signed-in user's token, as the browser's cookie would carry, and an administrator's. */
  final String userToken;

  final String adminToken;

  /** What Pier's services carry to each other's internal APIs (the node-agent's sync status, say). */
  final String serviceToken;

  /** What Prometheus sends to every service's /metrics (as {@code ./pier metrics-token} prints it). */
  final String metricsToken;

  /**
   * How to run it.
   *
   * @param nodeProcess node-agents as separate JVMs from the built jar (so that a test can SIGKILL one)
   * @param quietMs     the write-behind quiet period
   * @param idleStop    schedulers stop repls unused this long; zero: never
   * @param wake        a preview request wakes a stopped repl (otherwise the edge answers 503)
   * @param diskMb      the node-agents' default workspace size (PIER_NODE_DISK_MB)
   * @param runtimes    the node-agents' runtime mapping (PIER_NODE_RUNTIMES)
   * @param templates   the templates folder the schedulers serve
   * @param sessions    the in-process node-agents' session limits (an operator's PIER_*_MAX_SESSIONS...)
   */
  record Options(
      Path dataDir,
      boolean nodeProcess,
      long quietMs,
      int nodes,
      int schedulers,
      Duration idleStop,
      boolean wake,
      long diskMb,
      Map<String, String> runtimes,
      Path templates,
      SessionLimits sessions) {
    Options(
        Path dataDir,
        boolean nodeProcess,
        long quietMs,
        int nodes,
        int schedulers,
        Duration idleStop,
        boolean wake) {
      this(
          dataDir,
          nodeProcess,
          quietMs,
          nodes,
          schedulers,
          idleStop,
          wake,
          NodeAgentConfig.DEFAULT_DISK_MB,
          Map.of(),
          repo().resolve("templates"),
          SessionLimits.DEFAULT);
    }

    static Options fresh() {
      return new Options(null, false, 1000, 1, 1, Duration.ZERO, false);
    }

    Options inFolder(Path dir, boolean asProcess, long quiet) {
      return new Options(
          dir,
          asProcess,
          quiet,
          nodes,
          schedulers,
          idleStop,
          wake,
          diskMb,
          runtimes,
          templates,
          sessions);
    }

    Options withDiskMb(long mb) {
      return new Options(
          dataDir,
          nodeProcess,
          quietMs,
          nodes,
          schedulers,
          idleStop,
          wake,
          mb,
          runtimes,
          templates,
          sessions);
    }

    Options withTemplates(Path folder) {
      return new Options(
          dataDir,
          nodeProcess,
          quietMs,
          nodes,
          schedulers,
          idleStop,
          wake,
          diskMb,
          runtimes,
          folder,
          sessions);
    }

    Options withSessionLimits(SessionLimits limits) {
      return new Options(
          dataDir,
          nodeProcess,
          quietMs,
          nodes,
          schedulers,
          idleStop,
          wake,
          diskMb,
          runtimes,
          templates,
          limits);
    }

    static Options fleet(int nodes, int schedulers, Duration idleStop) {
      return new Options(null, true, 1000, nodes, schedulers, idleStop, true);
    }
  }

  /** {@link #REPL_ENV} as the in-process node-agent's configuration holds it. */
  private static Map<String, String> replEnv() {
    Map<String, String> vars = new TreeMap<>();
    for (String pair : REPL_ENV.split(",")) {
      if (pair.contains("="))
        vars.put(
            pair.substring(0, pair.indexOf('=')).strip(), pair.substring(pair.indexOf('=') + 1));
    }
    return vars;
  }

  /** One node-agent, in this JVM or a process of its own. */
  public static final class Node {
    public final String id;
    final int port;
    final Path data;
    NodeAgentMain.Running inProcess;
    Process process;

    Node(String id, int port, Path data) {
      this.id = id;
      this.port = port;
      this.data = data;
    }
  }

  final Path dataDir;
  final String nodeId;

  /** The address the edge-proxy listens on (its plain port, and its TLS port when it has one). */
  final String edgeHost;

  final int edgePort;
  final int nodePort;

  /** The first scheduler's API port (its /metrics and health endpoints live there too). */
  final int schedulerPort;

  /** Every scheduler's API port, the first one's first. */
  final List<Integer> schedulerPorts = new ArrayList<>();

  final S3ObjectStore store;
  final DockerClient docker;
  final List<Node> nodes = new ArrayList<>();
  private final List<SchedulerMain.Running> schedulers = new ArrayList<>();
  private final int s3Port;
  private final S3Config s3Config;
  private final ClusterConfig cluster;
  private final Options options;
  private EmbeddedS3Server s3;
  private final EdgeProxyMain.Running edge;

  PierOnLoopback() throws Exception {
    this(Options.fresh());
  }

  PierOnLoopback(Options options) throws Exception {
    this(options, EdgeConfig.Capacity.defaults());
  }

  /** With the edge-proxy's limits, pools and timeouts as given (load tests raise the session limits). */
  PierOnLoopback(Options options, EdgeConfig.Capacity edgeCapacity) throws Exception {
    this(options, edgeCapacity, "127.0.0.1", null);
  }

  /**
   * With the edge-proxy on {@code edgeHost} (any address of 127.0.0.0/8) and, when {@code tls} is given, serving HTTPS
   * on its port there, the plain port then only redirecting (E2bSdkIT: the E2B SDK's URLs carry no port, so the edge
   * listens on 443 of an address of the test's own).
   */
  PierOnLoopback(
      Options options, EdgeConfig.Capacity edgeCapacity, String edgeHost, EdgeConfig.Tls tls)
      throws Exception {
    this.options = options;
    this.edgeHost = edgeHost;
    String run = UUID.randomUUID().toString().substring(0, 8);
    dataDir =
        options.dataDir() != null
            ? options.dataDir()
            : Files.createDirectories(Path.of("target", "e2e-" + run).toAbsolutePath());
    nodeId =
        Files.exists(dataDir.resolve("node-id"))
            ? Files.readString(dataDir.resolve("node-id")).strip()
            : "e2e-" + run;
    Files.writeString(dataDir.resolve("node-id"), nodeId);
    s3Port = freePort();
    s3 = EmbeddedS3Server.start(dataDir.resolve("s3"), "127.0.0.1", s3Port, S3_KEY, S3_SECRET);
    s3Config =
        new S3Config(
            URI.create("http://127.0.0.1:" + s3Port), "us-east-1", "pier", S3_KEY, S3_SECRET);
    store = new S3ObjectStore(s3Config);
    cluster =
        new ClusterConfig(
            "pier-e2e-" + run,
            List.of("127.0.0.1"),
            "127.0.0.1",
            // Below Linux's ephemeral ports (32768 up), where freePort() finds the harness's HTTP
            // services: the members look for each other on ten ports from this one, and a listener
            // there that is no member (an HTTP server) stalls a join for minutes.
            ThreadLocalRandom.current().nextInt(20000, 32000),
            false);
    edgePort = freePort();
    var signer = new TokenSigner(AUTH_SECRET, Clock.systemUTC());
    userToken = signer.issue("e2e", false, Duration.ofHours(2));
    adminToken = signer.issue("e2e-admin", true, Duration.ofHours(2));
    serviceToken = signer.issue("service:e2e", true, Duration.ofHours(2));
    metricsToken = signer.metricsToken();

    for (int i = 0; i < options.schedulers(); i++) {
      schedulerPorts.add(freePort());
      schedulers.add(
          ServiceStarts.await(
              "scheduler " + i + " (cluster port " + cluster.port() + ")",
              SchedulerMain.start(
                  new SchedulerConfig(
                      "127.0.0.1",
                      schedulerPorts.get(i),
                      "127.0.0.1",
                      DOMAIN,
                      URI.create("http://" + DOMAIN + ":" + edgePort),
                      options.templates(),
                      Duration.ofSeconds(60),
                      Duration.ofSeconds(60),
                      Duration.ofSeconds(15),
                      new FleetKeeper.Settings(
                          Duration.ofMillis(500),
                          options.idleStop(),
                          0.7,
                          null,
                          Duration.ofMinutes(10),
                          Duration.ofSeconds(15)),
                      new SchedulerConfig.AuthSettings(
                          AUTH_SECRET, Duration.ofHours(2), Set.of("e2e-admin"), true, 1000),
                      cluster,
                      s3Config),
                  TemplateCatalog.load(options.templates())),
              START));
    }
    for (int i = 0; i < options.nodes(); i++) {
      Node node =
          i == 0
              ? new Node(nodeId, freePort(), dataDir.resolve("node"))
              : new Node(nodeId + "-" + i, freePort(), dataDir.resolve("node-" + i));
      nodes.add(node);
      startNode(node);
    }
    nodePort = nodes.get(0).port;
    schedulerPort = schedulerPorts.get(0);
    edge =
        ServiceStarts.await(
            "edge-proxy",
            EdgeProxyMain.start(
                new EdgeConfig(
                        edgeHost,
                        edgePort,
                        DOMAIN,
                        List.of(),
                        options.wake() ? Duration.ofSeconds(60) : Duration.ZERO,
                        AUTH_SECRET,
                        new ClusterConfig(
                            cluster.name(),
                            cluster.members(),
                            cluster.host(),
                            cluster.port(),
                            true),
                        tls)
                    .withCapacity(edgeCapacity)),
            START);

    var dockerConfig = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    docker =
        DockerClientImpl.getInstance(
            dockerConfig,
            new ApacheDockerHttpClient.Builder().dockerHost(dockerConfig.getDockerHost()).build());
  }

  /** The edge-proxy, for what it holds now ({@link io.pier.edge.EdgeProxy#load()}). */
  EdgeProxy edgeProxy() {
    return edge.proxy();
  }

  /** Starts the first node-agent again, after {@link #killNode()}: same id, same data folder. */
  void startNode() throws Exception {
    startNode(nodes.get(0));
  }

  void startNode(Node node) throws Exception {
    if (!options.nodeProcess()) {
      node.inProcess =
          ServiceStarts.await(
              "node-agent " + node.id,
              NodeAgentMain.start(
                  new NodeAgentConfig(
                      node.id,
                      node.data,
                      "127.0.0.1",
                      node.port,
                      "127.0.0.1",
                      new NodeCapacity(10, 4096, 2),
                      Duration.ofMillis(500),
                      Duration.ofSeconds(30),
                      Duration.ofSeconds(120),
                      new WriteBehind.Settings(
                          Duration.ofMillis(options.quietMs()),
                          Duration.ofSeconds(5),
                          Duration.ofMillis(200),
                          Duration.ofSeconds(2),
                          Duration.ofMillis(50)),
                      Duration.ofSeconds(5),
                      true,
                      List.of(),
                      AUTH_SECRET,
                      cluster,
                      s3Config,
                      new DockerConfig(null),
                      options.diskMb(),
                      options.runtimes(),
                      options.sessions(),
                      RunnerImages.Settings.NONE,
                      List.of(),
                      replEnv())),
              START);
      return;
    }
    Path jar = repo().resolve("node-agent/target/node-agent.jar");
    if (!Files.exists(jar)) throw new IllegalStateException("build the node-agent first: " + jar);
    List<String> command =
        new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
    command.addAll(
        List.of(
            "-Xmx256m",
            "--add-opens",
            "java.base/java.lang=ALL-UNNAMED",
            "--add-opens",
            "java.base/sun.nio.ch=ALL-UNNAMED",
            "-Dhazelcast.phone.home.enabled=false",
            "-jar",
            jar.toString()));
    Files.createDirectories(node.data);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(
                    node.data.resolveSibling(node.id + ".log").toFile()));
    Map<String, String> env = builder.environment();
    env.putAll(
        Map.of(
            "PIER_NODE_ID",
            node.id,
            "PIER_NODE_DATA",
            node.data.toString(),
            "PIER_NODE_PORT",
            String.valueOf(node.port),
            "PIER_NODE_ADVERTISE_HOST",
            "127.0.0.1",
            "PIER_CLUSTER_NAME",
            cluster.name(),
            "PIER_CLUSTER_MEMBERS",
            "127.0.0.1",
            "PIER_CLUSTER_PORT",
            String.valueOf(cluster.port()),
            "PIER_S3_ENDPOINT",
            s3Config.endpoint().toString(),
            "PIER_S3_ACCESS_KEY",
            S3_KEY,
            "PIER_S3_SECRET_KEY",
            S3_SECRET));
    env.put("PIER_AUTH_SECRET", AUTH_SECRET);
    env.putAll(
        Map.of(
            "PIER_S3_BUCKET",
            "pier",
            "PIER_SYNC_QUIET_MS",
            String.valueOf(options.quietMs()),
            "PIER_NODE_HEARTBEAT_MS",
            "500",
            "PIER_NODE_SLOTS",
            "16",
            "PIER_NODE_MEMORY_MB",
            "8192",
            "PIER_NODE_DISK_MB",
            String.valueOf(options.diskMb())));
    List<String> mapping = new ArrayList<>();
    options.runtimes().forEach((name, runtime) -> mapping.add(name + "=" + runtime));
    env.put("PIER_NODE_RUNTIMES", String.join(",", mapping));
    env.put("PIER_REPL_ENV", REPL_ENV);
    // No spare containers, as in process (the tests find a repl's container by its pier.slug label,
    // which a repl started from a spare does not carry); WarmStartIT covers the pool.
    env.put("PIER_POOL_SIZE", "0");
    node.process = builder.start();
    // A test JVM that ends early (a timeout, a crash) must not leave a root node-agent behind.
    Process started = node.process;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "stop-" + node.id));
    long deadline = System.nanoTime() + START.toNanos();
    HttpClient http = HttpClient.newHttpClient();
    while (true) {
      if (!node.process.isAlive())
        throw new IllegalStateException("node-agent " + node.id + " exited; see its log");
      try {
        HttpResponse<String> ready =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port + "/readyz"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) return;
      } catch (IOException notYet) {
        // still starting
      }
      if (System.nanoTime() > deadline)
        throw new IllegalStateException("node-agent not ready in " + START);
      try {
        node.process.onExit().get(100, TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillRunning) {
        // not ready yet: ask again
      }
    }
  }

  /** SIGKILL of the first node-agent's process: no flush, no goodbye. */
  void killNode() throws Exception {
    killNode(nodes.get(0));
  }

  /** SIGKILL of a node-agent's process. */
  void killNode(Node node) throws Exception {
    if (node.process == null) throw new IllegalStateException("the node-agent runs in this JVM");
    node.process.destroyForcibly().onExit().get(30, TimeUnit.SECONDS);
  }

  /** Stops one scheduler, as if its VM went away. */
  void stopScheduler(int index) {
    schedulers.get(index).close();
  }

  /** Takes the S3 server away, as an outage would. */
  void stopS3() throws Exception {
    s3.close();
  }

  /** Brings the S3 server back on the same port with the same data. */
  void startS3() throws Exception {
    s3 = EmbeddedS3Server.start(dataDir.resolve("s3"), "127.0.0.1", s3Port, S3_KEY, S3_SECRET);
  }

  /** The repository's root folder. */
  static Path repo() {
    return Path.of(System.getProperty("pier.repo.root", "..")).toAbsolutePath().normalize();
  }

  /** The repl's workspace folder on whichever node runs it (the first node's when none does). */
  Path workspace(String slug) {
    for (Node node : nodes) {
      Path ws = node.data.resolve("workspaces").resolve(slug);
      if (Files.exists(ws)) return ws;
    }
    return nodes.get(0).data.resolve("workspaces").resolve(slug);
  }

  /** Containers this run's node-agent made for {@code slug}, running or not. */
  List<Container> containersOf(String slug) {
    List<Container> found = new ArrayList<>();
    for (Node node : nodes) {
      found.addAll(
          docker
              .listContainersCmd()
              .withShowAll(true)
              .withLabelFilter(Map.of("pier.node", node.id, "pier.slug", slug))
              .exec());
    }
    return found;
  }

  /**
   * Stops a node-agent process: SIGTERM, which flushes its repls, then SIGKILL if it has not exited within two minutes,
   * so that no test leaves an agent running as root after it.
   */
  private static void stopProcess(Process process) throws InterruptedException {
    process.destroy();
    try {
      process.onExit().get(120, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly().onExit().join();
    }
  }

  /** Stops every service (the node-agent flushing its repls) but leaves containers of a killed node to {@link #close}. */
  @Override
  public void close() throws Exception {
    try {
      edge.close();
      for (Node node : nodes) {
        if (node.inProcess != null) node.inProcess.close();
        if (node.process != null && node.process.isAlive()) stopProcess(node.process);
      }
      for (SchedulerMain.Running scheduler : schedulers) {
        try {
          scheduler.close();
        } catch (RuntimeException alreadyStopped) {
          // a test stopped it
        }
      }
    } finally {
      try (var runtime = new DockerContainerRuntime(new DockerConfig(null))) {
        for (Node node : nodes) {
          for (var c :
              docker
                  .listContainersCmd()
                  .withShowAll(true)
                  .withLabelFilter(Map.of("pier.node", node.id))
                  .exec()) {
            docker.removeContainerCmd(c.getId()).withForce(true).exec();
          }
          // Each node made its own repl network and firewall rules; a test run leaves none behind.
          runtime.network(node.id, new IptablesReplFirewall()).remove();
          removeWorkspaces(node);
        }
      }
      docker.close();
      store.close();
      s3.close();
    }
  }

  /** The workspace filesystems a killed node-agent left mounted: a test run leaves no mount behind. */
  private static void removeWorkspaces(Node node) {
    var volumes = new LoopVolumes(node.data.resolve("volumes"), 1000, 1000);
    for (String slug : volumes.present()) {
      try {
        volumes.remove(slug, node.data.resolve("workspaces").resolve(slug));
      } catch (RuntimeException e) {
        System.err.println(
            "[pier-on-loopback] cannot remove the workspace of " + slug + ": " + e.getMessage());
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
