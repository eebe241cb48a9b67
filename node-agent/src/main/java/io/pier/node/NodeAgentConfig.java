package io.pier.node;

import com.sun.management.OperatingSystemMXBean;
import io.pier.common.cluster.ClusterConfig;
import io.pier.common.config.Env;
import io.pier.common.image.ImageSet;
import io.pier.common.node.NodeCapacity;
import io.pier.common.repl.Limits;
import io.pier.common.store.s3.S3Config;
import io.pier.node.images.RunnerImages;
import io.pier.node.limits.SessionLimits;
import io.pier.node.pool.PoolSettings;
import io.pier.node.runtime.Cidr;
import io.pier.node.runtime.EgressAllow;
import io.pier.node.runtime.docker.DockerConfig;
import io.pier.node.workspace.WriteBehind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The node-agent's settings.
 *
 * @param nodeId        stable id of this node; containers carry it so a restarted agent finds its own
 * @param dataDir       where workspaces live
 * @param bindHost      address the agent's HTTP API listens on
 * @param advertiseHost address other parts reach this node on (API and published repl ports)
 * @param readyTimeout  how long a start waits for the repl's app to answer
 * @param terminalLinger how long a terminal that no tab shows lives on
 * @param sync           the write-behind queue's timing
 * @param drainTimeout   how long a stop waits for storage to take a repl's pending files
 * @param isolate        run repls on the node's own network behind firewall rules (needs root and iptables)
 * @param blocked        destinations off the node repls must not reach, besides private address space, the cluster
 *                       members and storage
 * @param authSecret     the secret Pier's tokens are signed with (the same on every service)
 * @param diskMb         the size of a workspace whose repl's limits name none, in MiB; 0 turns workspace sizes off
 * @param runtimes       container runtime a repl asks for → the engine's runtime it runs in on this node, with
 *                       {@code default} for repls that ask for none (see {@link io.pier.node.runtime.Runtimes})
 * @param sessions       how many IDE sessions and terminals this node takes, and what each session may hold
 * @param images         the fleet's pinned runner images and how long a pull may take; without a set, the node's
 *                       own images
 * @param egressAllow    destinations repls may reach although private or blocked (a package mirror, say)
 * @param replEnv        environment variables given to every repl, besides those Pier sets
 * @param driver         the sandbox driver repls run in ({@link SandboxDrivers#NAMES})
 * @param pool           how many spare sandboxes the node keeps ready for starts ({@code PIER_POOL_*})
 */
public record NodeAgentConfig(
    String nodeId,
    Path dataDir,
    String bindHost,
    int port,
    String advertiseHost,
    NodeCapacity capacity,
    Duration heartbeatInterval,
    Duration readyTimeout,
    Duration terminalLinger,
    WriteBehind.Settings sync,
    Duration drainTimeout,
    boolean isolate,
    List<Cidr> blocked,
    String authSecret,
    ClusterConfig cluster,
    S3Config s3,
    DockerConfig docker,
    long diskMb,
    Map<String, String> runtimes,
    SessionLimits sessions,
    RunnerImages.Settings images,
    List<EgressAllow> egressAllow,
    Map<String, String> replEnv,
    String driver,
    PoolSettings pool) {
  private static final Pattern NODE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern RUNTIME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** A workspace's size when neither the template nor PIER_NODE_DISK_MB names one. */
  public static final int DEFAULT_DISK_MB = 1024;

  public NodeAgentConfig {
    runtimes = Map.copyOf(runtimes);
    Objects.requireNonNull(sessions, "sessions");
    Objects.requireNonNull(images, "images");
    blocked = List.copyOf(blocked);
    egressAllow = List.copyOf(egressAllow);
    replEnv = Map.copyOf(replEnv);
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(pool, "pool");
  }

  /** A configuration without spare sandboxes. */
  public NodeAgentConfig(
      String nodeId,
      Path dataDir,
      String bindHost,
      int port,
      String advertiseHost,
      NodeCapacity capacity,
      Duration heartbeatInterval,
      Duration readyTimeout,
      Duration terminalLinger,
      WriteBehind.Settings sync,
      Duration drainTimeout,
      boolean isolate,
      List<Cidr> blocked,
      String authSecret,
      ClusterConfig cluster,
      S3Config s3,
      DockerConfig docker,
      long diskMb,
      Map<String, String> runtimes,
      SessionLimits sessions,
      RunnerImages.Settings images,
      List<EgressAllow> egressAllow,
      Map<String, String> replEnv,
      String driver) {
    this(
        nodeId,
        dataDir,
        bindHost,
        port,
        advertiseHost,
        capacity,
        heartbeatInterval,
        readyTimeout,
        terminalLinger,
        sync,
        drainTimeout,
        isolate,
        blocked,
        authSecret,
        cluster,
        s3,
        docker,
        diskMb,
        runtimes,
        sessions,
        images,
        egressAllow,
        replEnv,
        driver,
        PoolSettings.OFF);
  }

  /** A configuration of repls in Docker containers. */
  public NodeAgentConfig(
      String nodeId,
      Path dataDir,
      String bindHost,
      int port,
      String advertiseHost,
      NodeCapacity capacity,
      Duration heartbeatInterval,
      Duration readyTimeout,
      Duration terminalLinger,
      WriteBehind.Settings sync,
      Duration drainTimeout,
      boolean isolate,
      List<Cidr> blocked,
      String authSecret,
      ClusterConfig cluster,
      S3Config s3,
      DockerConfig docker,
      long diskMb,
      Map<String, String> runtimes,
      SessionLimits sessions,
      RunnerImages.Settings images,
      List<EgressAllow> egressAllow,
      Map<String, String> replEnv) {
    this(
        nodeId,
        dataDir,
        bindHost,
        port,
        advertiseHost,
        capacity,
        heartbeatInterval,
        readyTimeout,
        terminalLinger,
        sync,
        drainTimeout,
        isolate,
        blocked,
        authSecret,
        cluster,
        s3,
        docker,
        diskMb,
        runtimes,
        sessions,
        images,
        egressAllow,
        replEnv,
        SandboxDrivers.DEFAULT);
  }

  /** A configuration without an image set (repls run the node's own images), allowing nothing extra, with no extra environment. */
  public NodeAgentConfig(
      String nodeId,
      Path dataDir,
      String bindHost,
      int port,
      String advertiseHost,
      NodeCapacity capacity,
      Duration heartbeatInterval,
      Duration readyTimeout,
      Duration terminalLinger,
      WriteBehind.Settings sync,
      Duration drainTimeout,
      boolean isolate,
      List<Cidr> blocked,
      String authSecret,
      ClusterConfig cluster,
      S3Config s3,
      DockerConfig docker,
      long diskMb,
      Map<String, String> runtimes,
      SessionLimits sessions) {
    this(
        nodeId,
        dataDir,
        bindHost,
        port,
        advertiseHost,
        capacity,
        heartbeatInterval,
        readyTimeout,
        terminalLinger,
        sync,
        drainTimeout,
        isolate,
        blocked,
        authSecret,
        cluster,
        s3,
        docker,
        diskMb,
        runtimes,
        sessions,
        RunnerImages.Settings.NONE,
        List.of(),
        Map.of());
  }

  /** A configuration with the default session limits ({@link SessionLimits#DEFAULT}). */
  public NodeAgentConfig(
      String nodeId,
      Path dataDir,
      String bindHost,
      int port,
      String advertiseHost,
      NodeCapacity capacity,
      Duration heartbeatInterval,
      Duration readyTimeout,
      Duration terminalLinger,
      WriteBehind.Settings sync,
      Duration drainTimeout,
      boolean isolate,
      List<Cidr> blocked,
      String authSecret,
      ClusterConfig cluster,
      S3Config s3,
      DockerConfig docker,
      long diskMb,
      Map<String, String> runtimes) {
    this(
        nodeId,
        dataDir,
        bindHost,
        port,
        advertiseHost,
        capacity,
        heartbeatInterval,
        readyTimeout,
        terminalLinger,
        sync,
        drainTimeout,
        isolate,
        blocked,
        authSecret,
        cluster,
        s3,
        docker,
        diskMb,
        runtimes,
        SessionLimits.DEFAULT);
  }

  public String agentUrl() {
    return "http://" + advertiseHost + ":" + port;
  }

  public static NodeAgentConfig fromEnv(Env env) {
    Path data = env.path("PIER_NODE_DATA", "data/node");
    String advertise = env.string("PIER_NODE_ADVERTISE_HOST", "127.0.0.1");
    String nodeId = env.string("PIER_NODE_ID", null);
    if (nodeId != null && !NODE_ID.matcher(nodeId).matches()) {
      env.problem(
          "PIER_NODE_ID must be lower-case letters, digits and '-' (at most 40), got '"
              + nodeId
              + "'");
    }
    long hostMemoryMb = hostMemoryMb();
    NodeCapacity capacity =
        new NodeCapacity(
            env.integer("PIER_NODE_SLOTS", 50),
            env.integer("PIER_NODE_MEMORY_MB", (int) Math.max(512, hostMemoryMb - 2048)),
            env.decimal("PIER_NODE_CPUS", Runtime.getRuntime().availableProcessors()));
    NodeAgentConfig config =
        new NodeAgentConfig(
            nodeId,
            data,
            env.string("PIER_NODE_BIND_HOST", advertise),
            env.port("PIER_NODE_PORT", 8082),
            advertise,
            capacity,
            Duration.ofMillis(env.integer("PIER_NODE_HEARTBEAT_MS", 2000)),
            Duration.ofSeconds(env.integer("PIER_NODE_READY_TIMEOUT_S", 30)),
            Duration.ofSeconds(env.integer("PIER_TERMINAL_LINGER_S", 300)),
            new WriteBehind.Settings(
                Duration.ofMillis(env.integer("PIER_SYNC_QUIET_MS", 1000)),
                Duration.ofMillis(env.integer("PIER_SYNC_MAX_DELAY_MS", 5000)),
                Duration.ofMillis(500),
                Duration.ofSeconds(30),
                Duration.ofMillis(100)),
            Duration.ofSeconds(env.integer("PIER_SYNC_DRAIN_TIMEOUT_S", 60)),
            !"false".equalsIgnoreCase(env.string("PIER_NODE_ISOLATE", "true")),
            blocked(env),
            env.secret("PIER_AUTH_SECRET"),
            ClusterConfig.fromEnv(env, false),
            S3Config.fromEnv(env),
            new DockerConfig(
                env.string("PIER_DOCKER_HOST", env.string("DOCKER_HOST", null)), cpuBurst(env)),
            diskMb(env),
            runtimes(env),
            SessionLimits.fromEnv(env),
            new RunnerImages.Settings(
                ImageSet.fromEnv(env),
                Duration.ofSeconds(env.atLeast("PIER_IMAGE_PULL_TIMEOUT_S", 600, 1))),
            egressAllow(env),
            replEnv(env),
            driver(env),
            pool(env, capacity.memoryMb()));
    config.cluster().checkNotAJoinPort(env, "PIER_NODE_PORT", config.port());
    env.check();
    return nodeId != null ? config : config.withNodeId(persistentNodeId(data));
  }

  public NodeAgentConfig withNodeId(String id) {
    return new NodeAgentConfig(
        id,
        dataDir,
        bindHost,
        port,
        advertiseHost,
        capacity,
        heartbeatInterval,
        readyTimeout,
        terminalLinger,
        sync,
        drainTimeout,
        isolate,
        blocked,
        authSecret,
        cluster,
        s3,
        docker,
        diskMb,
        runtimes,
        sessions,
        images,
        egressAllow,
        replEnv,
        driver,
        pool);
  }

  /**
   * {@code PIER_POOL_SIZE} spares at most of each kind (template image, port and limits), 0 for none;
   * {@code PIER_POOL_TOTAL} at most on the node; {@code PIER_POOL_DEMAND_WINDOW_S}: starts this far back count as
   * demand. Spares only take the memory running repls leave.
   */
  private static PoolSettings pool(Env env, long capacityMb) {
    // Out of range values are reported by env.check(), with every other problem; until then they
    // are clamped.
    return new PoolSettings(
        Math.max(0, env.atLeast("PIER_POOL_SIZE", 2, 0)),
        Math.max(0, env.atLeast("PIER_POOL_TOTAL", 8, 0)),
        Duration.ofSeconds(Math.max(1, env.atLeast("PIER_POOL_DEMAND_WINDOW_S", 600, 1))),
        capacityMb);
  }

  /** {@code PIER_NODE_DRIVER}: the name of one of this agent's sandbox drivers. */
  private static String driver(Env env) {
    String name = env.string("PIER_NODE_DRIVER", SandboxDrivers.DEFAULT);
    if (!SandboxDrivers.NAMES.contains(name)) {
      env.problem(
          "PIER_NODE_DRIVER must name a sandbox driver this node-agent has, one of "
              + SandboxDrivers.NAMES
              + ", got '"
              + name
              + "'");
    }
    return name;
  }

  /** {@code PIER_NODE_BLOCKED_CIDRS}: comma-separated CIDRs (or single addresses). */
  private static List<Cidr> blocked(Env env) {
    return entries(env, "PIER_NODE_BLOCKED_CIDRS", Cidr::parse, "PIER_NODE_BLOCKED_CIDRS: ");
  }

  /** {@code PIER_EGRESS_ALLOW}: comma-separated {@link EgressAllow#FORM}. */
  private static List<EgressAllow> egressAllow(Env env) {
    return entries(
        env,
        "PIER_EGRESS_ALLOW",
        EgressAllow::parse,
        "PIER_EGRESS_ALLOW entries are " + EgressAllow.FORM + ": ");
  }

  /** The entries of a comma-separated list as {@code parse} reads them; one it refuses is a problem, left out. */
  private static <T> List<T> entries(
      Env env, String name, Function<String, T> parse, String problemPrefix) {
    List<T> parsed = new ArrayList<>();
    for (String entry : env.list(name, "")) {
      try {
        parsed.add(parse.apply(entry));
      } catch (IllegalArgumentException e) {
        env.problem(problemPrefix + e.getMessage());
      }
    }
    return parsed;
  }

  /** {@code PIER_REPL_ENV}: comma-separated {@code NAME=value} pairs (a value holds no comma). */
  private static Map<String, String> replEnv(Env env) {
    Map<String, String> vars = new TreeMap<>();
    for (String pair : env.list("PIER_REPL_ENV", "")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if (eq < 0 || !ENV_NAME.matcher(name).matches()) {
        env.problem(
            "PIER_REPL_ENV must be NAME=value pairs such as PIP_INDEX_URL=https://mirror/simple, got '"
                + pair
                + "'");
      } else if (name.equals("PORT")) {
        env.problem("PIER_REPL_ENV may not set PORT: Pier sets it to the template's port");
      } else if (vars.put(name, pair.substring(eq + 1)) != null) {
        env.problem("PIER_REPL_ENV sets " + name + " twice");
      }
    }
    return vars;
  }

  /** PIER_NODE_CPU_BURST: the CPU burst of a sandbox, a part of its quota from 0 (none) to 1. */
  private static double cpuBurst(Env env) {
    double burst = env.decimal("PIER_NODE_CPU_BURST", DockerConfig.DEFAULT_CPU_BURST);
    if (DockerConfig.isCpuBurst(burst)) return burst;
    env.problem(
        "PIER_NODE_CPU_BURST must be between 0 and 1 (a part of a repl's CPU quota), got " + burst);
    return DockerConfig.DEFAULT_CPU_BURST;
  }

  private static long diskMb(Env env) {
    int mb = env.integer("PIER_NODE_DISK_MB", DEFAULT_DISK_MB);
    if (mb != 0 && (mb < Limits.MIN_DISK_MB || mb > Limits.MAX_DISK_MB)) {
      env.problem(
          "PIER_NODE_DISK_MB must be 0 (no workspace sizes) or in ["
              + Limits.MIN_DISK_MB
              + ", "
              + Limits.MAX_DISK_MB
              + "], got "
              + mb);
    }
    return mb;
  }

  /** {@code PIER_NODE_RUNTIMES}: comma-separated {@code name=engine-runtime} pairs. */
  private static Map<String, String> runtimes(Env env) {
    Map<String, String> mapping = new TreeMap<>();
    for (String pair : env.list("PIER_NODE_RUNTIMES", "")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? "" : pair.substring(0, eq).strip();
      String target = eq < 0 ? "" : pair.substring(eq + 1).strip();
      if (!RUNTIME.matcher(name).matches() || !RUNTIME.matcher(target).matches()) {
        env.problem(
            "PIER_NODE_RUNTIMES must be name=runtime pairs such as default=runsc or runsc=runsc-kvm, got '"
                + pair
                + "'");
      } else if (mapping.put(name, target) != null) {
        env.problem("PIER_NODE_RUNTIMES maps '" + name + "' twice");
      }
    }
    return mapping;
  }

  /** The id kept in {@code <data>/node-id}, made once, so a restarted agent recognises its own containers. */
  static String persistentNodeId(Path dataDir) {
    Path file = dataDir.resolve("node-id");
    try {
      if (Files.exists(file)) return Files.readString(file).strip();
      Files.createDirectories(dataDir);
      byte[] random = new byte[3];
      new SecureRandom().nextBytes(random);
      String id = "node-" + HexFormat.of().formatHex(random);
      Files.writeString(file, id + "\n");
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the node id in " + file, e);
    }
  }

  private static long hostMemoryMb() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof OperatingSystemMXBean sun) return sun.getTotalMemorySize() / (1024 * 1024);
    return 4096;
  }
}
