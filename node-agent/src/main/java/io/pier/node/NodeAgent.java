package io.pier.node;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.auth.ApiKeyTable;
import io.pier.common.auth.Credentials;
import io.pier.common.auth.Revocations;
import io.pier.common.auth.SandboxAccessTokens;
import io.pier.common.auth.TokenSigner;
import io.pier.common.cluster.ClusterState;
import io.pier.common.http.HttpErrors;
import io.pier.common.http.OpsRoutes;
import io.pier.node.api.NodeApiContract;
import io.pier.node.envd.EnvdGate;
import io.pier.node.envd.EnvdRoutes;
import io.pier.node.envd.filesystem.EnvdFiles;
import io.pier.node.envd.filesystem.FilesystemService;
import io.pier.node.exec.ExecLimits;
import io.pier.node.exec.ExecRoutes;
import io.pier.node.files.FileApiSettings;
import io.pier.node.files.FileRoutes;
import io.pier.node.images.RunnerImages;
import io.pier.node.ports.PortAccess;
import io.pier.node.ports.PortProxy;
import io.pier.node.ports.SandboxAddresses;
import io.pier.node.sandbox.ImageStore;
import io.pier.node.session.SessionHub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node-agent: its internal HTTP API (start/stop repls, for the scheduler), its heartbeat into the cluster,
 * and reconciliation of its containers at start-up.
 */
public final class NodeAgent {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

  /** A session frame carries at most a 2 MiB file, JSON-escaped. */
  private static final int SESSION_FRAME_BYTES = 8 * 1024 * 1024;

  /** An open IDE session counts as use: the idle stop leaves such a repl alone. */
  private static final Duration ACTIVITY_EVERY = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final NodeAgentConfig config;
  private final ClusterState cluster;
  private final ReplHost host;
  private final PrometheusMeterRegistry metrics;
  private final SessionHub sessions;
  private final RunnerImages runnerImages;
  private final TokenSigner tokens;
  private final DrainingMark draining;
  private final NodeHeartbeat heartbeat;
  private final InternalReplApi internalApi;
  private final ReplCallers replCallers;
  private final SessionUpgrades sessionUpgrades;
  private final FileApiSettings fileApi;
  private final FileRoutes fileRoutes;
  private final NodeApiContract apiContract;
  private final FilesystemService envdFilesystem;
  private final AtomicBoolean ready = new AtomicBoolean();
  private HttpServer server;
  private long activityTimer = -1;

  public NodeAgent(
      Vertx vertx,
      NodeAgentConfig config,
      ClusterState cluster,
      ImageStore imageStore,
      ReplHost host,
      PrometheusMeterRegistry metrics) {
    this(
        vertx,
        config,
        cluster,
        imageStore,
        host,
        new RunnerImages(config.images(), imageStore, metrics),
        metrics);
  }

  public NodeAgent(
      Vertx vertx,
      NodeAgentConfig config,
      ClusterState cluster,
      ImageStore imageStore,
      ReplHost host,
      RunnerImages runnerImages,
      PrometheusMeterRegistry metrics) {
    this.vertx = vertx;
    this.runnerImages = runnerImages;
    this.config = config;
    this.cluster = cluster;
    this.host = host;
    this.metrics = metrics;
    this.sessions = new SessionHub(vertx, config.sessions(), metrics);
    // Sign-outs and role changes revoke tokens before they expire, and API keys come and go:
    // both followed through the cluster.
    ApiKeyTable apiKeys = ApiKeyTable.following(vertx, cluster.apiKeys(), Clock.systemUTC());
    Gauge.builder("pier.auth.api_keys", apiKeys, ApiKeyTable::size)
        .description("API keys in this service's table (every account's)")
        .register(metrics);
    this.tokens =
        new TokenSigner(
            config.authSecret(),
            Clock.systemUTC(),
            Revocations.following(vertx, cluster.revocations(), Clock.systemUTC()),
            apiKeys);
    this.draining = new DrainingMark(config.dataDir());
    this.heartbeat =
        new NodeHeartbeat(vertx, config, cluster, imageStore, host, runnerImages, draining);
    this.internalApi = new InternalReplApi(vertx, config, host, runnerImages, heartbeat, draining);
    this.apiContract = new NodeApiContract(vertx);
    this.replCallers = new ReplCallers(config, cluster, host, tokens, apiContract);
    this.sessionUpgrades = new SessionUpgrades(config, sessions, cluster.repls());
    this.fileApi = FileApiSettings.fromSystemEnv();
    this.fileRoutes = new FileRoutes(vertx, sessions.files(), fileApi, metrics, ReplCallers::live);
    this.envdFilesystem = new FilesystemService(vertx, sessions.files(), metrics);
  }

  /** Listens, reconciles its containers with the registry, then starts publishing its heartbeat. */
  public Future<NodeAgent> start() {
    NodeGauges.register(metrics, config, heartbeat, draining);
    draining.load();
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, "node-agent", metrics, ready::get, tokens);
    // Only Pier's own services may call the internal API: a short-lived service token signed with
    // the shared secret.
    router
        .route("/internal/*")
        .handler(
            ctx -> {
              var caller = tokens.verify(Credentials.token(ctx.request()));
              if (caller.isEmpty() || !caller.get().isService()) {
                HttpErrors.send(
                    ctx, 401, "unauthenticated", "the internal API answers Pier's services only");
              } else {
                ctx.next();
              }
            });
    router.route("/internal/*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
    router.post("/internal/repls/:slug/start").handler(internalApi::startRepl);
    router.post("/internal/repls/:slug/stop").handler(internalApi::stopRepl);
    // A repl's user-facing routes (the IDE session, the programs' API), relayed by the edge-proxy:
    // its owner only.
    ReplApiRoutes.mount(
        router,
        replCallers::admit,
        new ExecRoutes(vertx, ExecLimits.defaults(), metrics, ReplCallers::live, apiContract),
        fileRoutes,
        sessionUpgrades::session);
    // The in-sandbox API E2B's SDKs speak (docs/e2b.md), gated by each repl's access token.
    EnvdRoutes envd =
        EnvdRoutes.forNode(
                vertx, config.nodeId(), host::live, cluster.repls(), config.authSecret(), metrics)
            .register(envdFilesystem);
    envd.mount(router);
    router
        .route("/envd/:slug/files")
        .handler(envd.gate()::admit)
        .handler(
            new EnvdFiles(
                vertx, fileRoutes.transfers(), fileApi, ctx -> EnvdGate.call(ctx).repl()));
    // Any port of a repl's sandbox (E2B's <port>-<slug> hosts, relayed by the edge-proxy).
    new PortProxy(
            vertx,
            cluster.repls(),
            new SandboxAddresses(vertx, host::sandboxOf, host::sandboxAddress),
            new PortAccess(tokens, SandboxAccessTokens.forTraffic(config.authSecret())),
            PortProxy.Settings.defaults(),
            metrics)
        .mount(router);
    router.get("/internal/repls/:slug/sync").handler(internalApi::syncStatus);
    router.post("/internal/repls/:slug/sync").handler(internalApi::storeNow);
    router.post("/internal/drain").handler(ctx -> internalApi.setDraining(ctx, true));
    router.post("/internal/undrain").handler(ctx -> internalApi.setDraining(ctx, false));
    router
        .get("/internal/repls")
        .handler(
            ctx -> ctx.json(new JsonArray(host.routes().stream().map(r -> r.toJson()).toList())));
    router.route().failureHandler(ctx -> HttpErrors.sendFailure(ctx, ctx.failure()));
    HttpServerOptions options =
        new HttpServerOptions()
            .setMaxWebSocketFrameSize(SESSION_FRAME_BYTES)
            .setMaxWebSocketMessageSize(SESSION_FRAME_BYTES);
    return apiContract
        .loaded()
        .compose(
            loaded ->
                vertx
                    .createHttpServer(options)
                    .requestHandler(router)
                    .listen(config.port(), config.bindHost()))
        .compose(
            s -> {
              server = s;
              return host.reconcile();
            })
        .compose(v -> heartbeat.beat())
        .map(
            v -> {
              heartbeat.beatEvery(config.heartbeatInterval());
              activityTimer =
                  vertx.setPeriodic(
                      ACTIVITY_EVERY.toMillis(),
                      t -> host.recordSessionActivity(cluster.activity()));
              ready.set(true);
              LOG.info("node-agent {} ready at {}", config.nodeId(), config.agentUrl());
              if (runnerImages.pinned()) heartbeat.pullMissingImages(ready::get);
              return this;
            });
  }

  /** Stops taking work, stops every repl (flushing its files), leaves the cluster's node list. */
  public Future<Void> stop() {
    ready.set(false);
    if (activityTimer >= 0) vertx.cancelTimer(activityTimer);
    heartbeat.stopBeating();
    return host.stopAll()
        .eventually(() -> cluster.nodes().remove(config.nodeId()))
        .eventually(() -> server == null ? Future.succeededFuture() : server.close())
        .eventually(
            () -> {
              envdFilesystem.close();
              sessions.close();
              return Future.succeededFuture();
            });
  }

  /** The IDE sessions' shared state: limits, slots, file pool. */
  public SessionHub sessions() {
    return sessions;
  }

  public int port() {
    return server.actualPort();
  }
}
