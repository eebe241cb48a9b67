package io.pier.node;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.cluster.ClusterState;
import io.pier.common.http.ApiException;
import io.pier.common.http.HttpErrors;
import io.pier.common.http.OpsRoutes;
import io.pier.common.node.NodeInfo;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Slugs;
import io.pier.node.images.RunnerImages;
import io.pier.node.sandbox.ImageStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.pier.node.limits.SessionSlots;
import io.pier.node.session.SessionHub;
import io.pier.node.session.SessionSocket;
import io.pier.node.workspace.WorkspaceSync;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node-agent: its internal HTTP API (start/stop repls, for the scheduler), its heartbeat into the cluster,
 * and reconciliation of its containers at start-up.
 */
public final class NodeAgent {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
  private static final Duration IMAGE_REFRESH = Duration.ofSeconds(30);
  /**
   * A safety net only: a node that dies is noticed by its cluster member leaving (seconds). A short time to live
   * would make a node that misses a few heartbeats under load look dead, and its repls be moved for nothing.
   */
  private static final Duration NODE_ENTRY_TTL = Duration.ofSeconds(30);
  /** A session frame carries at most a 2 MiB file, JSON-escaped. */
  private static final int SESSION_FRAME_BYTES = 8 * 1024 * 1024;
  /** What a refused session upgrade is told to wait before it tries again: a tab of the same repl may close soon. */
  static final int RETRY_AFTER_REPL_S = 10;
  /** Likewise when the whole node is full: placement and other nodes take longer to help. */
  static final int RETRY_AFTER_NODE_S = 30;

  private final Vertx vertx;
  private final NodeAgentConfig config;
  private final ClusterState cluster;
  private final ImageStore imageStore;
  private final ReplHost host;
  private final PrometheusMeterRegistry metrics;
  private final SessionHub sessions;
  private final RunnerImages runnerImages;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicReference<io.pier.common.node.NodeLoad> lastLoad = new AtomicReference<>(io.pier.common.node.NodeLoad.EMPTY);
  /** A draining node takes no new repls; kept in its data folder so a restart does not undo it. */
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicReference<List<String>> images = new AtomicReference<>(List.of());
  private volatile Instant imagesReadAt = Instant.EPOCH;
  private HttpServer server;
  private final io.pier.common.auth.TokenSigner tokens;
  private long heartbeatTimer = -1;
  private long activityTimer = -1;
  /** An open IDE session counts as use: the idle stop leaves such a repl alone. */
  private static final Duration ACTIVITY_EVERY = Duration.ofSeconds(10);

  public NodeAgent(Vertx vertx, NodeAgentConfig config, ClusterState cluster, ImageStore imageStore, ReplHost host,
                   PrometheusMeterRegistry metrics) {
    this(vertx, config, cluster, imageStore, host, new RunnerImages(config.images(), imageStore, metrics), metrics);
  }

  public NodeAgent(Vertx vertx, NodeAgentConfig config, ClusterState cluster, ImageStore imageStore, ReplHost host,
                   RunnerImages runnerImages, PrometheusMeterRegistry metrics) {
    this.vertx = vertx;
    this.runnerImages = runnerImages;
    this.config = config;
    this.cluster = cluster;
    this.imageStore = imageStore;
    this.host = host;
    this.metrics = metrics;
    this.sessions = new SessionHub(vertx, config.sessions(), metrics);
    // Sign-outs and role changes revoke tokens before they expire: followed through the cluster.
    this.tokens = new io.pier.common.auth.TokenSigner(config.authSecret(), java.time.Clock.systemUTC(),
        io.pier.common.auth.Revocations.following(vertx, cluster.revocations(), java.time.Clock.systemUTC()));
  }

  /** Listens, reconciles its containers with the registry, then starts publishing its heartbeat. */
  /** The node's own gauges: what it offers, what its repls reserve and use, the room left on its disk. */
  private void registerNodeGauges() {
    Gauge.builder("pier.node.capacity.slots", config, c -> c.capacity().slots()).register(metrics);
    Gauge.builder("pier.node.capacity.memory.mb", config, c -> c.capacity().memoryMb()).register(metrics);
    Gauge.builder("pier.node.capacity.cpus", config, c -> c.capacity().cpus()).register(metrics);
    Gauge.builder("pier.node.reserved.memory.mb", lastLoad, l -> l.get().reservedMemoryMb()).register(metrics);
    Gauge.builder("pier.node.cpu.usage", lastLoad, l -> l.get().cpuUsage())
        .description("CPUs this node's repls use").register(metrics);
    Gauge.builder("pier.node.memory.used.mb", lastLoad, l -> l.get().memoryUsedMb()).register(metrics);
    Gauge.builder("pier.node.disk.free.bytes", config, c -> {
      try {
        return java.nio.file.Files.getFileStore(java.nio.file.Files.createDirectories(c.dataDir())).getUsableSpace();
      } catch (java.io.IOException e) {
        return Double.NaN;
      }
    }).description("Free space on the data folder's filesystem").register(metrics);
    Gauge.builder("pier.node.draining", draining, d -> d.get() ? 1 : 0).register(metrics);
  }

  public Future<NodeAgent> start() {
    registerNodeGauges();
    draining.set(java.nio.file.Files.exists(drainingMark()));
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, "node-agent", metrics, ready::get, tokens);
    // Only Pier's own services may call the internal API: a short-lived service token signed with the shared secret.
    router.route("/internal/*").handler(ctx -> {
      var caller = tokens.verify(io.pier.common.auth.Credentials.token(ctx.request()));
      if (caller.isEmpty() || !caller.get().isService()) {
        HttpErrors.send(ctx, 401, "unauthenticated", "the internal API answers Pier's services only");
      } else {
        ctx.next();
      }
    });
    router.route("/internal/*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
    router.post("/internal/repls/:slug/start").handler(this::startRepl);
    router.post("/internal/repls/:slug/stop").handler(this::stopRepl);
    router.get("/api/repls/:slug/session").handler(this::session);
    router.get("/internal/repls/:slug/sync").handler(this::syncStatus);
    router.post("/internal/drain").handler(ctx -> setDraining(ctx, true));
    router.post("/internal/undrain").handler(ctx -> setDraining(ctx, false));
    router.get("/internal/repls").handler(ctx -> ctx.json(new JsonArray(host.routes().stream().map(r -> r.toJson()).toList())));
    router.route().failureHandler(ctx -> HttpErrors.sendFailure(ctx, ctx.failure()));
    HttpServerOptions options = new HttpServerOptions()
        .setMaxWebSocketFrameSize(SESSION_FRAME_BYTES).setMaxWebSocketMessageSize(SESSION_FRAME_BYTES);
    return vertx.createHttpServer(options).requestHandler(router).listen(config.port(), config.bindHost())
        .compose(s -> {
          server = s;
          return host.reconcile();
        })
        .compose(v -> heartbeat())
        .map(v -> {
          heartbeatTimer = vertx.setPeriodic(config.heartbeatInterval().toMillis(), t -> heartbeat());
          activityTimer = vertx.setPeriodic(ACTIVITY_EVERY.toMillis(), t -> host.recordSessionActivity(cluster.activity()));
          ready.set(true);
          LOG.info("node-agent {} ready at {}", config.nodeId(), config.agentUrl());
          if (runnerImages.pinned()) pullMissingImages();
          return this;
        });
  }

  /** Stops taking work, stops every repl (flushing its files), leaves the cluster's node list. */
  public Future<Void> stop() {
    ready.set(false);
    if (heartbeatTimer >= 0) vertx.cancelTimer(heartbeatTimer);
    if (activityTimer >= 0) vertx.cancelTimer(activityTimer);
    return host.stopAll()
        .eventually(() -> cluster.nodes().remove(config.nodeId()))
        .eventually(() -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> {
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

  /**
   * Pulls the image set's images this node lacks, in the background: until one is here, the node does not report it
   * and placement sends its repls elsewhere.
   */
  private void pullMissingImages() {
    vertx.executeBlocking(runnerImages::pullMissing, false).onComplete(done -> {
      imagesReadAt = Instant.EPOCH;
      if (done.succeeded() && !done.result().isEmpty()) {
        LOG.warn("node {} runs without the runner images {}: their pulls failed (repls that need them go elsewhere; "
            + "a start that needs one pulls it again)", config.nodeId(), done.result());
      }
      if (ready.get()) heartbeat();
    });
  }

  private Future<Void> heartbeat() {
    Future<List<String>> imageList = Instant.now().isAfter(imagesReadAt.plus(IMAGE_REFRESH))
        ? vertx.executeBlocking(() -> runnerImages.reported(imageStore.images()), false).onSuccess(list -> {
          images.set(list);
          imagesReadAt = Instant.now();
        })
        : Future.succeededFuture(images.get());
    return imageList.compose(list -> vertx.executeBlocking(host::load, false).onSuccess(lastLoad::set).compose(load ->
            cluster.nodes().put(config.nodeId(), new NodeInfo(config.nodeId(), config.agentUrl(), config.capacity(),
                load, draining.get(), list, Instant.now(), cluster.membership().self(), host.runtimes()),
                NODE_ENTRY_TTL)))
        .onFailure(err -> LOG.warn("heartbeat failed: {}", err.getMessage()));
  }

  private void startRepl(RoutingContext ctx) {
    String slug = ctx.pathParam("slug");
    if (!Slugs.isValid(slug)) {
      HttpErrors.send(ctx, 400, "invalid_slug", "not a valid slug: " + slug);
      return;
    }
    StartRequest request;
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) throw new IllegalArgumentException("the body must be a JSON start request");
      request = StartRequest.fromJson(body.put("slug", slug));
    } catch (DecodeException | IllegalArgumentException | ClassCastException e) {
      HttpErrors.send(ctx, 400, "invalid_request", e.getMessage());
      return;
    }
    StartRequest asked = request;
    // The image set's name for an image becomes its digest here (pulled first if the node lacks it).
    vertx.executeBlocking(() -> runnerImages.prepare(asked.image()), false)
        .compose(image -> {
          if (!images.get().contains(image)) imagesReadAt = Instant.EPOCH;
          return host.start(new StartRequest(asked.slug(), image, asked.run(), asked.port(), asked.limits(),
              asked.open()));
        })
        .compose(route -> heartbeat().map(route))
        .onSuccess(route -> ctx.json(route.toJson()))
        .onFailure(err -> fail(ctx, err));
  }

  /** An IDE tab's WebSocket (docs/protocol.md), relayed here by the edge-proxy. */
  private void session(RoutingContext ctx) {
    String slug = ctx.pathParam("slug");
    var live = Slugs.isValid(slug) ? host.live(slug) : java.util.Optional.<io.pier.node.session.LiveRepl>empty();
    if (live.isEmpty()) {
      HttpErrors.send(ctx, 404, "not_running", "repl " + slug + " does not run on node " + config.nodeId());
      return;
    }
    var caller = tokens.verify(io.pier.common.auth.Credentials.token(ctx.request()));
    if (caller.isEmpty()) {
      HttpErrors.send(ctx, 401, "unauthenticated", "sign in first");
      return;
    }
    ctx.request().pause();
    cluster.repls().get(slug).onComplete(found -> {
      ctx.request().resume();
      var who = caller.get();
      String owner = found.succeeded() && found.result() != null ? found.result().owner() : null;
      if (!who.admin() && !who.isService() && (owner == null || !owner.equals(who.subject()))) {
        HttpErrors.send(ctx, 403, "forbidden", "this repl belongs to someone else");
        return;
      }
      upgrade(ctx, slug, live.get());
    });
  }

  /**
   * Takes a session slot, or refuses the upgrade at once with 429 (the repl's limit) or 503 (the node's), a JSON
   * body naming the limit and {@code Retry-After}; never a wait. The slot is given back however the session ends.
   */
  private void upgrade(RoutingContext ctx, String slug, io.pier.node.session.LiveRepl live) {
    SessionSlots.Slot slot;
    try {
      slot = sessions.slots().acquire(slug);
    } catch (SessionSlots.Refused refused) {
      boolean repl = refused.scope() == SessionSlots.Scope.REPL;
      LOG.info("refused a session of {}: {}", slug, refused.getMessage());
      var response = ctx.response();
      if (response.ended() || response.closed()) return;
      response.setStatusCode(repl ? 429 : 503).putHeader("Content-Type", "application/json")
          .putHeader("Retry-After", String.valueOf(repl ? RETRY_AFTER_REPL_S : RETRY_AFTER_NODE_S))
          .end(new JsonObject().put("error", "too_many_sessions").put("limit", refused.scope().label())
              .put("max", refused.max())
              .put("message", repl ? "repl " + slug + " has " + refused.max() + " IDE sessions open, its limit; "
                  + "close a tab or try again later"
                  : "node " + config.nodeId() + " has " + refused.max() + " IDE sessions open, its limit; "
                  + "try again later").encode());
      return;
    }
    var connection = ctx.request().connection();
    ctx.request().toWebSocket()
        .onSuccess(ws -> SessionSocket.serve(sessions, ws, connection, live, slot))
        .onFailure(err -> {
          slot.release();
          LOG.debug("session upgrade for {} failed: {}", slug, err.getMessage());
        });
  }

  private java.nio.file.Path drainingMark() {
    return config.dataDir().resolve("draining");
  }

  private void setDraining(RoutingContext ctx, boolean drain) {
    vertx.executeBlocking(() -> {
      if (drain) {
        java.nio.file.Files.createDirectories(config.dataDir());
        java.nio.file.Files.writeString(drainingMark(), "draining\n");
      } else {
        java.nio.file.Files.deleteIfExists(drainingMark());
      }
      draining.set(drain);
      return null;
    }, false).compose(v -> heartbeat())
        .onSuccess(v -> ctx.json(new JsonObject().put("node", config.nodeId()).put("draining", drain)))
        .onFailure(err -> fail(ctx, err));
  }

  private void syncStatus(RoutingContext ctx) {
    String slug = ctx.pathParam("slug");
    var status = Slugs.isValid(slug) ? host.syncStatus(slug) : java.util.Optional.<io.pier.node.workspace.WriteBehind.Status>empty();
    if (status.isEmpty()) {
      HttpErrors.send(ctx, 404, "not_running", "repl " + slug + " does not run on node " + config.nodeId());
      return;
    }
    var s = status.get();
    ctx.json(new JsonObject().put("slug", slug).put("pendingFiles", s.pending()).put("lagMs", s.lag().toMillis())
        .put("uploads", s.uploads()).put("deletes", s.deletes()).put("failures", s.failures())
        .put("lastError", s.lastError()).put("unstorable", s.unstorable()));
  }

  private void stopRepl(RoutingContext ctx) {
    String slug = ctx.pathParam("slug");
    if (!Slugs.isValid(slug)) {
      HttpErrors.send(ctx, 400, "invalid_slug", "not a valid slug: " + slug);
      return;
    }
    host.stop(slug).compose(unsaved -> heartbeat().map(unsaved))
        .onSuccess(unsaved -> ctx.json(new JsonObject().put("slug", slug).put("stopped", true)
            .put("unsaved", new io.vertx.core.json.JsonArray(unsaved.entrySet().stream()
                .limit(WorkspaceSync.MAX_REPORTED)
                .map(e -> new JsonObject().put("path", e.getKey()).put("reason", e.getValue())).toList()))))
        .onFailure(err -> fail(ctx, err));
  }

  private static void fail(RoutingContext ctx, Throwable err) {
    if (err instanceof ApiException) {
      HttpErrors.sendFailure(ctx, err);
    } else {
      LOG.error("request {} failed", ctx.request().path(), err);
      HttpErrors.send(ctx, 500, "node_error", err.getMessage() == null ? err.toString() : err.getMessage());
    }
  }
}
