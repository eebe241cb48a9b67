package io.pier.edge;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.cluster.hazelcast.HazelcastCluster;
import io.pier.common.config.Env;
import io.pier.common.config.Mains;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts an edge-proxy from environment variables (see the README's configuration table). */
public final class EdgeProxyMain {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeProxyMain.class);

  private EdgeProxyMain() {
  }

  public static void main(String[] args) throws Exception {
    EdgeConfig config = Mains.configOrExit("edge-proxy", () -> EdgeConfig.fromEnv(Env.system()));
    AtomicReference<Running> running = new AtomicReference<>();
    Mains.runUntilStopped(LOG, "edge-proxy", start(config).onSuccess(running::set),
        () -> running.get() == null ? Future.succeededFuture() : running.get().stop(), Duration.ofSeconds(20));
  }

  /** A started edge-proxy with its cluster membership. */
  public record Running(EdgeProxy proxy, HazelcastCluster cluster) {
    public Future<Void> stop() {
      return proxy.stop().eventually(cluster::close);
    }
  }

  public static Future<Running> start(EdgeConfig config) {
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return HazelcastCluster.join(config.cluster(), metrics).compose(cluster ->
        new EdgeProxy(cluster.vertx(), config, cluster.state(), metrics).start()
            .map(p -> new Running(p, cluster))
            .recover(err -> cluster.close().transform(v -> Future.failedFuture(err))));
  }
}
