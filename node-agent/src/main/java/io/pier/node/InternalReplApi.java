package io.pier.node;

import io.pier.common.http.ApiException;
import io.pier.common.http.HttpErrors;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Slugs;
import io.pier.node.images.RunnerImages;
import io.pier.node.workspace.PathReports;
import io.pier.node.workspace.WriteBehind;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internal API's handlers for the scheduler: start and stop a repl, its sync status, drain and undrain the node.
 * Each change is followed by a heartbeat, so that the cluster sees it before the call answers.
 */
final class InternalReplApi {
  private static final Logger LOG = LoggerFactory.getLogger(InternalReplApi.class);

  private final Vertx vertx;
  private final NodeAgentConfig config;
  private final ReplHost host;
  private final RunnerImages runnerImages;
  private final NodeHeartbeat heartbeat;
  private final DrainingMark draining;

  InternalReplApi(
      Vertx vertx,
      NodeAgentConfig config,
      ReplHost host,
      RunnerImages runnerImages,
      NodeHeartbeat heartbeat,
      DrainingMark draining) {
    this.vertx = vertx;
    this.config = config;
    this.host = host;
    this.runnerImages = runnerImages;
    this.heartbeat = heartbeat;
    this.draining = draining;
  }

  void startRepl(RoutingContext ctx) {
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
    // The image set's name for an image becomes its digest here (pulled first if the node lacks
    // it).
    vertx
        .executeBlocking(() -> runnerImages.prepare(asked.image()), false)
        .compose(
            image -> {
              heartbeat.imagePrepared(image);
              return host.start(
                  new StartRequest(
                      asked.slug(),
                      image,
                      asked.run(),
                      asked.port(),
                      asked.limits(),
                      asked.open()));
            })
        .compose(route -> heartbeat.beat().map(route))
        .onSuccess(route -> ctx.json(route.toJson()))
        .onFailure(err -> fail(ctx, err));
  }

  void stopRepl(RoutingContext ctx) {
    String slug = ctx.pathParam("slug");
    if (!Slugs.isValid(slug)) {
      HttpErrors.send(ctx, 400, "invalid_slug", "not a valid slug: " + slug);
      return;
    }
    host.stop(slug)
        .compose(unsaved -> heartbeat.beat().map(unsaved))
        .onSuccess(
            unsaved ->
                ctx.json(
                    new JsonObject()
                        .put("slug", slug)
                        .put("stopped", true)
                        .put(
                            "unsaved",
                            new JsonArray(
                                unsaved.entrySet().stream()
                                    .limit(PathReports.MAX_REPORTED)
                                    .map(
                                        e ->
                                            new JsonObject()
                                                .put("path", e.getKey())
                                                .put("reason", e.getValue()))
                                    .toList()))))
        .onFailure(err -> fail(ctx, err));
  }

  void syncStatus(RoutingContext ctx) {
    String slug = ctx.pathParam("slug");
    var status = Slugs.isValid(slug) ? host.syncStatus(slug) : Optional.<WriteBehind.Status>empty();
    if (status.isEmpty()) {
      HttpErrors.send(
          ctx, 404, "not_running", "repl " + slug + " does not run on node " + config.nodeId());
      return;
    }
    var s = status.get();
    ctx.json(
        new JsonObject()
            .put("slug", slug)
            .put("pendingFiles", s.pending())
            .put("lagMs", s.lag().toMillis())
            .put("uploads", s.uploads())
            .put("deletes", s.deletes())
            .put("failures", s.failures())
            .put("lastError", s.lastError())
            .put("unstorable", s.unstorable()));
  }

  /** Stores the repl's pending file changes now; answers once storage has them. */
  void storeNow(RoutingContext ctx) {
    String slug = ctx.pathParam("slug");
    if (!Slugs.isValid(slug)) {
      HttpErrors.send(ctx, 404, "unknown_repl", "no repl named '" + slug + "'");
      return;
    }
    host.storeNow(slug)
        .onSuccess(v -> ctx.json(new JsonObject().put("slug", slug).put("stored", true)))
        .onFailure(err -> fail(ctx, err));
  }

  void setDraining(RoutingContext ctx, boolean drain) {
    vertx
        .executeBlocking(
            () -> {
              draining.set(drain);
              return null;
            },
            false)
        .compose(v -> heartbeat.beat())
        .onSuccess(
            v -> ctx.json(new JsonObject().put("node", config.nodeId()).put("draining", drain)))
        .onFailure(err -> fail(ctx, err));
  }

  private static void fail(RoutingContext ctx, Throwable err) {
    if (err instanceof ApiException) {
      HttpErrors.sendFailure(ctx, err);
    } else {
      LOG.error("request {} failed", ctx.request().path(), err);
      HttpErrors.send(
          ctx, 500, "node_error", err.getMessage() == null ? err.toString() : err.getMessage());
    }
  }
}
