package io.pier.edge;

import io.pier.common.http.ServiceMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.cluster.hazelcast.HazelcastCluster;
import io.pier.common.config.Env;
import io.pier.common.config.Mains;
import io.vertx.core.Future;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts an edge-proxy from environment variables (see the README's configuration table). */
public final class EdgeProxyMain {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeProxyMain.class);

  private EdgeProxyMain() {
  }

  public static void main(String[] args) throws Exception {
    Mains.nameInLogs("edge-proxy");
    EdgeConfig config = Mains.configOrExit("edge-proxy", () -> EdgeConfig.fromEnv(Env.system()));
    Mains.runUntilStopped(LOG, "edge-proxy", start(config));
  }

  /** A started edge-proxy with its cluster membership. */
  public record Running(EdgeProxy proxy, HazelcastCluster cluster) implements AutoCloseable {
    /** Stops listening and leaves the cluster. Call from a non-Vert.x thread. */
    @Override
    public void close() {
      try {
        Mains.await(proxy.stop(), Duration.ofSeconds(20));
      } finally {
        Mains.await(cluster.close(), Duration.ofSeconds(30));
      }
    }
  }

  public static Future<Running> start(EdgeConfig config) {
    PrometheusMeterRegistry metrics = ServiceMetrics.create("edge-proxy");
    return HazelcastCluster.join(config.cluster(), metrics).compose(cluster ->
        new EdgeProxy(cluster.vertx(), config, cluster.state(), metrics).start()
            .map(p -> new Running(p, cluster))
            .recover(err -> cluster.close().transform(v -> Future.failedFuture(err))));
  }
}
