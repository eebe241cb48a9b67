package io.pier.node;

import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.auth.EnvCipher;
import io.pier.common.cluster.hazelcast.HazelcastCluster;
import io.pier.common.concurrent.DaemonThreads;
import io.pier.common.config.Env;
import io.pier.common.config.Mains;
import io.pier.common.http.ServiceMetrics;
import io.pier.common.repl.ReplEnvStore;
import io.pier.common.store.s3.S3ObjectStore;
import io.pier.node.runtime.Cidr;
import io.pier.node.runtime.EgressAllow;
import io.pier.node.runtime.EgressPolicy;
import io.pier.node.runtime.HostResolvers;
import io.pier.node.runtime.Runtimes;
import io.pier.node.sandbox.SandboxDriver;
import io.pier.node.sandbox.SandboxHandleStore;
import io.pier.node.workspace.WorkspaceSync;
import io.pier.node.workspace.Workspaces;
import io.pier.node.workspace.loop.LoopVolumes;
import io.vertx.core.Future;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a node-agent from environment variables (see the README's configuration table). */
public final class NodeAgentMain {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAgentMain.class);

  /** The user repls run as, who owns their workspaces. */
  private static final int RUNNER_UID = 1000;

  private NodeAgentMain() {}

  public static void main(String[] args) throws Exception {
    NodeAgentConfig config =
        Mains.configOrExit("node-agent", () -> NodeAgentConfig.fromEnv(Env.system()));
    Mains.nameInLogs("node-agent " + config.nodeId());
    if (!config.isolate()) {
      LOG.warn(
          "repl network isolation is OFF (PIER_NODE_ISOLATE=false): repls can reach this host's services and "
              + "each other; never run a fleet like this");
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      LOG.warn(
          "not running as root: workspaces stay owned by {}, so repls (uid 1000) can write them only if that is"
              + " uid 1000",
          System.getProperty("user.name"));
    }
    Mains.runUntilStopped(LOG, "node-agent", start(config));
  }

  /** A started node-agent with everything it owns, so that it can be stopped as a whole. */
  public record Running(
      NodeAgent agent,
      HazelcastCluster cluster,
      SandboxDriver driver,
      S3ObjectStore store,
      ExecutorService transfers,
      ScheduledExecutorService timer)
      implements AutoCloseable {
    /** Stops every repl (flushing its files), leaves the cluster, releases clients. Call from a non-Vert.x thread. */
    @Override
    public void close() throws Exception {
      try {
        Mains.await(agent.stop(), Duration.ofMinutes(2));
      } finally {
        Mains.await(cluster.close(), Duration.ofSeconds(30));
        timer.shutdownNow();
        transfers.shutdown();
        store.close();
        driver.close();
      }
    }
  }

  /**
   * Where repls may not open connections: private and special address space ({@link EgressPolicy}), every cluster
   * member's and the storage endpoint's address wherever it is (loopback ones need nothing: a container's loopback is
   * its own), plus {@code PIER_NODE_BLOCKED_CIDRS}; except {@code PIER_EGRESS_ALLOW} and DNS to the host's resolvers.
   */
  static EgressPolicy egressPolicy(NodeAgentConfig config, HostResolvers resolvers) {
    List<String> hosts = new ArrayList<>();
    for (String member : config.cluster().members()) {
      hosts.add(member.contains(":") ? member.substring(0, member.indexOf(':')) : member);
    }
    hosts.add(config.cluster().host());
    if (config.s3().endpoint() != null) hosts.add(config.s3().endpoint().getHost());
    Set<Cidr> blocked = new LinkedHashSet<>(config.blocked());
    for (String host : hosts) {
      try {
        for (InetAddress address : InetAddress.getAllByName(host)) {
          if (!address.isLoopbackAddress())
            blocked.add(new Cidr(address, address.getAddress().length * 8));
        }
      } catch (UnknownHostException e) {
        LOG.warn("cannot resolve {} to block it from repls: {}", host, e.getMessage());
      }
    }
    List<EgressAllow> allowed = new ArrayList<>(config.egressAllow());
    allowed.addAll(resolvers.allowances());
    return new EgressPolicy(List.copyOf(blocked), allowed);
  }

  /** The runtimes the driver has, as this node's configuration maps them; a missing default runtime stops the start. */
  static Runtimes runtimes(NodeAgentConfig config, SandboxDriver driver) {
    Runtimes runtimes = new Runtimes(config.runtimes(), driver.runtimes());
    if (runtimes.defaultMissing()) {
      throw new IllegalStateException(
          "PIER_NODE_RUNTIMES: " + String.join("; ", runtimes.problems()));
    }
    for (String problem : runtimes.problems())
      LOG.warn("PIER_NODE_RUNTIMES {}; repls that ask for it go elsewhere", problem);
    LOG.info("{} runtimes repls may ask for here: {}", driver.name(), runtimes.offered());
    return runtimes;
  }

  /**
   * Workspaces with a size of their own when this node can mount them (root, loop devices, mkfs.ext4), checked by
   * making one; plain folders otherwise, with a warning, because then a repl can fill the node's disk.
   */
  static Workspaces workspaces(NodeAgentConfig config) {
    Path folders = config.dataDir().resolve("workspaces");
    if (config.diskMb() == 0) {
      LOG.info("workspace sizes are off (PIER_NODE_DISK_MB=0): repls can fill this node's disk");
      return new Workspaces(folders);
    }
    LoopVolumes volumes =
        new LoopVolumes(config.dataDir().resolve("volumes"), RUNNER_UID, RUNNER_UID);
    long began = System.nanoTime();
    var problem = volumes.problem();
    if (problem.isEmpty()) {
      LOG.info(
          "workspaces get a filesystem of their own, {} MiB unless the template says otherwise (checked in {} ms)",
          config.diskMb(),
          (System.nanoTime() - began) / 1_000_000);
      return new Workspaces(folders, volumes, config.diskMb());
    }
    if (!volumes.present().isEmpty()) {
      // Those workspaces' files are inside images: read as plain folders they would look empty, and
      // saving them
      // would delete the repls' files from storage.
      throw new IllegalStateException(
          "the workspaces of "
              + volumes.present()
              + " are disk images in "
              + config.dataDir().resolve("volumes")
              + ", which this node can no longer mount ("
              + problem.get()
              + "); run the node-agent as root with loop devices, or move them away");
    }
    LOG.warn(
        "workspaces have no size limit, so a repl can fill this node's disk: cannot mount a workspace "
            + "filesystem here ({}). Run the node-agent as root on a machine with loop devices and mkfs.ext4, or set "
            + "PIER_NODE_DISK_MB=0 to run without sizes on purpose",
        problem.get());
    return new Workspaces(folders);
  }

  /** Wires and starts a node-agent with the real runtime, storage and cluster. */
  public static Future<Running> start(NodeAgentConfig config) {
    PrometheusMeterRegistry metrics = ServiceMetrics.create("node-agent");
    S3ObjectStore store = new S3ObjectStore(config.s3());
    ExecutorService transfers = Executors.newFixedThreadPool(8, DaemonThreads.named("s3-transfer"));
    // Restores, flushes and the write-behind queues share it: its queue and busy threads are in the
    // metrics.
    new ExecutorServiceMetrics(transfers, "s3-transfers", List.of()).bindTo(metrics);
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("write-behind"));
    Persistence persistence =
        new Persistence(
            new WorkspaceSync(store, transfers),
            store,
            config.dataDir().resolve("journal"),
            config.sync(),
            timer,
            transfers,
            Clock.systemUTC(),
            config.drainTimeout(),
            new ReplEnvStore(store, new EnvCipher(config.authSecret())));
    SandboxDriver driver;
    Runtimes runtimes;
    Workspaces workspaces;
    try {
      driver = SandboxDrivers.open(config, () -> egressPolicy(config, HostResolvers.system()));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    try {
      runtimes = runtimes(config, driver);
      workspaces = workspaces(config);
    } catch (RuntimeException e) {
      SandboxDrivers.close(driver);
      return Future.failedFuture(e);
    }
    return HazelcastCluster.join(config.cluster(), metrics)
        .compose(
            cluster -> {
              ReplHost host =
                  new ReplHost(
                      cluster.vertx(),
                      new NodeIdentity(
                          config.nodeId(),
                          config.advertiseHost(),
                          config.agentUrl(),
                          cluster.state().membership().self()),
                      driver,
                      new SandboxHandleStore(config.dataDir().resolve("sandboxes")),
                      persistence,
                      workspaces,
                      runtimes,
                      cluster.state().routes(),
                      cluster.state().repls(),
                      config.readyTimeout(),
                      config.terminalLinger(),
                      config.replEnv(),
                      config.pool(),
                      metrics);
              NodeAgent agent =
                  new NodeAgent(
                      cluster.vertx(), config, cluster.state(), driver.images(), host, metrics);
              return agent
                  .start()
                  .map(a -> new Running(a, cluster, driver, store, transfers, timer))
                  .recover(err -> cluster.close().transform(v -> Future.failedFuture(err)));
            })
        .onFailure(err -> SandboxDrivers.close(driver));
  }
}
