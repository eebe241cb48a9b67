package io.pier.node;

import io.pier.common.http.ServiceMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.cluster.hazelcast.HazelcastCluster;
import io.pier.common.config.Env;
import io.pier.common.config.Mains;
import io.pier.common.store.s3.S3ObjectStore;
import io.pier.node.runtime.docker.DockerContainerRuntime;
import io.pier.node.workspace.IgnoreList;
import io.pier.node.workspace.WorkspaceSync;
import io.pier.node.workspace.Workspaces;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a node-agent from environment variables (see the README's configuration table). */
public final class NodeAgentMain {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAgentMain.class);
  private static final String LINK_LOCAL = "169.254.0.0/16";

  private NodeAgentMain() {
  }

  public static void main(String[] args) throws Exception {
    NodeAgentConfig config = Mains.configOrExit("node-agent", () -> NodeAgentConfig.fromEnv(Env.system()));
    Mains.nameInLogs("node-agent " + config.nodeId());
    if (!config.isolate()) {
      LOG.warn("repl network isolation is OFF (PIER_NODE_ISOLATE=false): repls can reach this host's services and "
          + "each other; never run a fleet like this");
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      LOG.warn("not running as root: workspaces stay owned by {}, so repls (uid 1000) can write them only if that is"
          + " uid 1000", System.getProperty("user.name"));
    }
    Mains.runUntilStopped(LOG, "node-agent", start(config));
  }

  /** A started node-agent with everything it owns, so that it can be stopped as a whole. */
  public record Running(NodeAgent agent, HazelcastCluster cluster, DockerContainerRuntime runtime,
                        S3ObjectStore store, ExecutorService transfers, ScheduledExecutorService timer)
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
        runtime.close();
      }
    }
  }

  /**
   * What repls must not reach off the node: every cluster member's and the storage endpoint's address (loopback
   * ones need nothing: a container's loopback is its own), link-local addresses (the clouds' instance metadata
   * services hand out the VM's credentials at 169.254.169.254), plus the configured extras.
   */
  static java.util.List<String> blockedDestinations(NodeAgentConfig config) {
    java.util.List<String> hosts = new java.util.ArrayList<>();
    for (String member : config.cluster().members()) hosts.add(member.contains(":") ? member.substring(0, member.indexOf(':')) : member);
    hosts.add(config.cluster().host());
    if (config.s3().endpoint() != null) hosts.add(config.s3().endpoint().getHost());
    java.util.Set<String> blocked = new java.util.TreeSet<>(config.blocked());
    blocked.add(LINK_LOCAL);
    for (String host : hosts) {
      try {
        for (java.net.InetAddress address : java.net.InetAddress.getAllByName(host)) {
          if (!address.isLoopbackAddress() && address instanceof java.net.Inet4Address) {
            blocked.add(address.getHostAddress() + "/32");
          }
        }
      } catch (java.net.UnknownHostException e) {
        LOG.warn("cannot resolve {} to block it from repls: {}", host, e.getMessage());
      }
    }
    return java.util.List.copyOf(blocked);
  }

  /** Wires and starts a node-agent with the real runtime, storage and cluster. */
  public static Future<Running> start(NodeAgentConfig config) {
    PrometheusMeterRegistry metrics = ServiceMetrics.create("node-agent");
    DockerContainerRuntime runtime = new DockerContainerRuntime(config.docker());
    S3ObjectStore store = new S3ObjectStore(config.s3());
    ExecutorService transfers = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "s3-transfer");
      t.setDaemon(true);
      return t;
    });
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "write-behind");
      t.setDaemon(true);
      return t;
    });
    Persistence persistence = new Persistence(new WorkspaceSync(store, transfers), store,
        config.dataDir().resolve("journal"), config.sync(), timer, transfers, java.time.Clock.systemUTC(),
        config.drainTimeout());
    String network;
    try {
      runtime.ping();
      network = config.isolate() ? runtime.network(config.nodeId()).ensure(blockedDestinations(config)) : null;
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return HazelcastCluster.join(config.cluster(), metrics).compose(cluster -> {
      ReplHost host = new ReplHost(cluster.vertx(),
          new NodeIdentity(config.nodeId(), config.advertiseHost(), config.agentUrl(), network), runtime,
          persistence, new Workspaces(config.dataDir().resolve("workspaces")),
          cluster.state().routes(), cluster.state().repls(), config.readyTimeout(), config.terminalLinger(), metrics);
      NodeAgent agent = new NodeAgent(cluster.vertx(), config, cluster.state(), runtime, host, metrics);
      return agent.start().map(a -> new Running(a, cluster, runtime, store, transfers, timer))
          .recover(err -> cluster.close().transform(v -> Future.failedFuture(err)));
    });
  }
}
