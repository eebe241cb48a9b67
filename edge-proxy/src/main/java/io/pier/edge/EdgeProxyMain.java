package io.pier.edge;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.auth.ApiKeyTable;
import io.pier.common.auth.Revocations;
import io.pier.common.auth.TokenSigner;
import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.hazelcast.HazelcastCluster;
import io.pier.common.config.Env;
import io.pier.common.config.Mains;
import io.pier.common.http.OriginPolicy;
import io.pier.common.http.ServiceMetrics;
import io.pier.common.http.UpgradeRelay;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts an edge-proxy from environment variables (see the README's configuration table): the one place where its
 * parts are built and wired.
 */
public final class EdgeProxyMain {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeProxyMain.class);

  /**
   * One event loop per core, as nginx runs one worker per core: the edge only relays and never blocks, and twice as
   * many loops (Vert.x's default) only added thread switches and system time per request (docs/benchmarks.md, "Edge").
   */
  static final int EVENT_LOOPS = Runtime.getRuntime().availableProcessors();

  private EdgeProxyMain() {}

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
    return HazelcastCluster.join(config.cluster(), metrics, EVENT_LOOPS)
        .compose(
            cluster ->
                wire(cluster.vertx(), config, cluster.state(), metrics)
                    .start()
                    .map(p -> new Running(p, cluster))
                    .recover(err -> cluster.close().transform(v -> Future.failedFuture(err))));
  }

  private static EdgeProxy wire(
      Vertx vertx, EdgeConfig config, ClusterState cluster, PrometheusMeterRegistry metrics) {
    Clock clock = Clock.systemUTC();
    // Sign-outs and role changes revoke tokens before they expire, and API keys come and go:
    // both followed through the cluster.
    ApiKeyTable apiKeys = ApiKeyTable.following(vertx, cluster.apiKeys(), clock);
    TokenSigner tokens =
        new TokenSigner(
            config.authSecret(),
            clock,
            Revocations.following(vertx, cluster.revocations(), clock),
            apiKeys);
    Gauge.builder("pier.auth.api_keys", apiKeys, ApiKeyTable::size)
        .description("API keys in this service's table (every account's)")
        .register(metrics);
    EdgeConfig.Capacity capacity = config.capacity();
    RelayLimits sessionLimits =
        new RelayLimits(
            "IDE sessions",
            capacity.sessionsTotal(),
            capacity.sessionsPerUser(),
            capacity.sessionsPerRepl());
    RelayLimits previewSocketLimits =
        new RelayLimits(
            "preview WebSockets",
            capacity.previewSocketsTotal(),
            0,
            capacity.previewSocketsPerRepl());
    // A sandbox port's WebSockets are its app's, as a preview's are: the same limits, counted
    // apart.
    RelayLimits sandboxSocketLimits =
        new RelayLimits(
            "sandbox port WebSockets",
            capacity.previewSocketsTotal(),
            0,
            capacity.previewSocketsPerRepl());
    EdgeClients clients = EdgeClients.open(vertx, capacity, EVENT_LOOPS);
    UpgradeRelay sessionRelay =
        new UpgradeRelay(
            vertx, clients.upgrades(), capacity.connectTimeout(), capacity.upgradeTimeout());
    UpgradeRelay previewSocketRelay =
        new UpgradeRelay(
            vertx, clients.upgrades(), capacity.connectTimeout(), capacity.upgradeTimeout());
    UpgradeRelay sandboxSocketRelay =
        new UpgradeRelay(
            vertx, clients.upgrades(), capacity.connectTimeout(), capacity.upgradeTimeout());
    EdgeMeters meters = new EdgeMeters(metrics);
    meters.registerGauges(
        capacity,
        sessionRelay,
        sessionLimits,
        previewSocketRelay,
        previewSocketLimits,
        sandboxSocketRelay,
        sandboxSocketLimits);
    UpgradeRefusal refusals = new UpgradeRefusal(meters);
    Schedulers schedulers = new Schedulers(vertx, config.schedulerUrls(), cluster);

    PreviewGate gate = new PreviewGate(config, tokens);
    PreviewRoutes routes =
        new PreviewRoutes(
            config,
            cluster,
            gate,
            new ReplWaker(vertx, config, cluster, tokens, clients, schedulers));
    Previews previews =
        new Previews(
            gate,
            routes,
            new PreviewRelay(clients, gate),
            previewSocketLimits,
            previewSocketRelay,
            refusals);
    ApiProxy api = new ApiProxy(clients, schedulers);
    SandboxProxy sandboxes =
        new SandboxProxy(
            config.domain(), cluster, clients, sandboxSocketLimits, sandboxSocketRelay, refusals);
    AtomicBoolean ready = new AtomicBoolean();
    Router apex =
        ApexRoutes.router(
            vertx,
            metrics,
            ready::get,
            tokens,
            new SessionUpgrades(cluster, tokens, sessionLimits, sessionRelay, refusals),
            new ReplApiProxy(clients, cluster),
            api);
    HostDispatch dispatch =
        new HostDispatch(
            config.domain(),
            new OriginPolicy(config.access().publicUrl(), config.access().allowedOrigins()),
            meters,
            previews,
            api,
            sandboxes,
            apex);
    Supplier<EdgeProxy.Load> load =
        () ->
            new EdgeProxy.Load(
                sessionRelay.open(),
                sessionRelay.pending(),
                sessionLimits.open(),
                previewSocketRelay.open(),
                previewSocketRelay.pending(),
                previewSocketLimits.open(),
                sandboxSocketRelay.open(),
                sandboxSocketRelay.pending(),
                sandboxSocketLimits.open(),
                meters.sum("vertx.pool.in.use"),
                meters.sum("vertx.pool.queue.pending"));
    return new EdgeProxy(vertx, config, EVENT_LOOPS, ready, schedulers, clients, dispatch, load);
  }
}
