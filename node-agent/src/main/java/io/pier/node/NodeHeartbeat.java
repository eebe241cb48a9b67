package io.pier.node;

import io.pier.common.cluster.ClusterState;
import io.pier.common.concurrent.DaemonThreads;
import io.pier.common.node.NodeInfo;
import io.pier.common.node.NodeLoad;
import io.pier.node.images.RunnerImages;
import io.pier.node.sandbox.ImageStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's entry in the cluster's node list: what it offers, its load, whether it drains, the runner images it
 * holds (read again every {@link #IMAGE_REFRESH}, or at once after a pull), written with each beat.
 */
final class NodeHeartbeat {
  private static final Logger LOG = LoggerFactory.getLogger(NodeHeartbeat.class);
  private static final Duration IMAGE_REFRESH = Duration.ofSeconds(30);

  /**
   * A safety net only: a node that dies is noticed by its cluster member leaving (seconds). A short time to live
   * would make a node that misses a few heartbeats under load look dead, and its repls be moved for nothing.
   */
  private static final Duration NODE_ENTRY_TTL = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final NodeAgentConfig config;
  private final ClusterState cluster;
  private final ImageStore imageStore;
  private final ReplHost host;
  private final RunnerImages runnerImages;
  private final DrainingMark draining;
  private final AtomicReference<NodeLoad> lastLoad = new AtomicReference<>(NodeLoad.EMPTY);
  private final AtomicReference<List<String>> images = new AtomicReference<>(List.of());
  private volatile Instant imagesReadAt = Instant.EPOCH;
  private ScheduledExecutorService beating;

  NodeHeartbeat(
      Vertx vertx,
      NodeAgentConfig config,
      ClusterState cluster,
      ImageStore imageStore,
      ReplHost host,
      RunnerImages runnerImages,
      DrainingMark draining) {
    this.vertx = vertx;
    this.config = config;
    this.cluster = cluster;
    this.imageStore = imageStore;
    this.host = host;
    this.runnerImages = runnerImages;
    this.draining = draining;
  }

  /**
   * Beats every {@code every} from now on, from a thread of its own: all running repls share one event loop (their
   * sessions' traffic), and a beat whose timer or steps waited behind a busy event loop would let the node's entry
   * expire while the node is alive, so that its repls would be started again elsewhere. Its steps block (the image
   * list, the load) and its write is sent to the cluster from that thread; only the write's answer comes back through
   * Vert.x.
   */
  void beatEvery(Duration every) {
    if (beating != null) throw new IllegalStateException("already beating");
    beating = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("node-heartbeat"));
    beating.scheduleWithFixedDelay(
        this::beatFromThisThread, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops the beats {@link #beatEvery} started. */
  void stopBeating() {
    if (beating != null) beating.shutdownNow();
  }

  private void beatFromThisThread() {
    try {
      publish(read()).onFailure(err -> LOG.warn("heartbeat failed: {}", err.getMessage()));
    } catch (RuntimeException e) {
      LOG.warn("heartbeat failed: {}", e.toString());
    }
  }

  /** What a beat reports: the images (read again every {@link #IMAGE_REFRESH}) and the load. Blocks. */
  private NodeLoad read() {
    if (Instant.now().isAfter(imagesReadAt.plus(IMAGE_REFRESH))) {
      images.set(runnerImages.reported(imageStore.images()));
      imagesReadAt = Instant.now();
    }
    NodeLoad load = host.load();
    lastLoad.set(load);
    return load;
  }

  /** The load the last beat reported. */
  NodeLoad lastLoad() {
    return lastLoad.get();
  }

  /** An image a start has just prepared: when it is new here, the next beat reads the images again. */
  void imagePrepared(String image) {
    if (!images.get().contains(image)) imagesReadAt = Instant.EPOCH;
  }

  Future<Void> beat() {
    return vertx
        .executeBlocking(this::read, false)
        .compose(this::publish)
        .onFailure(err -> LOG.warn("heartbeat failed: {}", err.getMessage()));
  }

  /** Writes this node's entry: what it offers and holds now. */
  private Future<Void> publish(NodeLoad load) {
    return cluster
        .nodes()
        .put(
            config.nodeId(),
            new NodeInfo(
                config.nodeId(),
                config.agentUrl(),
                config.capacity(),
                load,
                draining.draining(),
                images.get(),
                Instant.now(),
                cluster.membership().self(),
                host.runtimes()),
            NODE_ENTRY_TTL);
  }

  /**
   * Pulls the image set's images this node lacks, in the background: until one is here, the node does not report it
   * and placement sends its repls elsewhere. Beats once the pulls are over, if the node is {@code ready} by then.
   */
  void pullMissingImages(BooleanSupplier ready) {
    vertx
        .executeBlocking(runnerImages::pullMissing, false)
        .onComplete(
            done -> {
              imagesReadAt = Instant.EPOCH;
              if (done.succeeded() && !done.result().isEmpty()) {
                LOG.warn(
                    "node {} runs without the runner images {}: their pulls failed (repls that need them go elsewhere; "
                        + "a start that needs one pulls it again)",
                    config.nodeId(),
                    done.result());
              }
              if (ready.getAsBoolean()) beat();
            });
  }
}
