package io.pier.scheduler.api;

import io.pier.common.auth.AuthToken;
import io.pier.common.auth.PreviewAccess;
import io.pier.common.cluster.ClusterState;
import io.pier.common.http.ApiException;
import io.pier.common.http.HttpErrors;
import io.pier.common.repl.Lifetime;
import io.pier.common.repl.ReplEnvStore;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplRole;
import io.pier.common.repl.Visibility;
import io.pier.common.template.TemplateCatalog;
import io.pier.common.template.TemplateManifest;
import io.pier.scheduler.FleetKeeper;
import io.pier.scheduler.NodeDrain;
import io.pier.scheduler.ReplService;
import io.pier.scheduler.auth.AuthApi;
import io.pier.scheduler.auth.PreviewSignIn;
import io.pier.scheduler.auth.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The public REST API under {@code /api}: JSON in, JSON out, every error as {@code {"error", "message"}}. */
public final class SchedulerApi {
  private static final int MAX_BODY_BYTES = 16 * 1024;

  private final ReplService repls;
  private final OwnedRepls owners;
  private final NodeDrain drains;
  private final TemplateCatalog templates;
  private final ClusterState cluster;
  private final FleetKeeper keeper;
  private final AuthApi auth;
  private final RateLimiter creations;
  private final PreviewSignIn previewSignIn;
  private final ApiViews views;
  private final ReplEnvStore environments;
  private final ApiContract contract;
  private final ApiKeysRoutes apiKeys;
  private final AccountUsageRoutes accountUsage;
  private final AccountDeletion accountDeletion;

  public SchedulerApi(
      ReplService repls,
      NodeDrain drains,
      TemplateCatalog templates,
      ClusterState cluster,
      FleetKeeper keeper,
      AuthApi auth,
      ApiKeysRoutes apiKeys,
      AccountUsageRoutes accountUsage,
      AccountDeletion accountDeletion,
      PreviewSignIn previewSignIn,
      RateLimiter creations,
      Function<String, String> previewUrl,
      Function<String, String> ideUrl,
      ReplEnvStore environments,
      ApiContract contract) {
    this.repls = repls;
    this.owners = new OwnedRepls(repls);
    this.drains = drains;
    this.templates = templates;
    this.cluster = cluster;
    this.keeper = keeper;
    this.auth = auth;
    this.apiKeys = apiKeys;
    this.accountUsage = accountUsage;
    this.accountDeletion = accountDeletion;
    this.previewSignIn = previewSignIn;
    this.creations = creations;
    this.views = new ApiViews(previewUrl, ideUrl);
    this.environments = environments;
    this.contract = contract;
  }

  /** Adds the API's routes to {@code router}. */
  public void mount(Vertx vertx, Router router) {
    router
        .route("/api/*")
        .handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES).setHandleFileUploads(false));
    router.get("/api/openapi.json").handler(ctx -> ctx.json(contract.document()));
    router.route("/api/*").handler(contract::validate);
    router
        .get("/api/templates")
        .handler(
            ctx ->
                ctx.json(
                    new JsonObject()
                        .put(
                            "templates",
                            new JsonArray(
                                templates.all().stream().map(TemplateManifest::toJson).toList()))));
    auth.mount(router);
    router.get(PreviewAccess.START).handler(previewSignIn::handle);
    // Everything below needs a signed-in caller.
    router.route("/api/*").handler(auth::requireCaller);
    router.post("/api/repls").handler(this::create);
    new ReplListingRoutes(repls, views).mount(router);
    router
        .get("/api/repls/:slug")
        .handler(
            ctx -> owners.answer(ctx, ReplRole.VIEWER, slug -> repls.get(slug).map(view(ctx))));
    router.patch("/api/repls/:slug").handler(this::patch);
    router.post("/api/repls/:slug/timeout").handler(this::setTimeout);
    new ForkRoutes(repls, creations, views).mount(router);
    new EnvRoutes(vertx, owners, environments, Clock.systemUTC()).mount(router);
    new CollaboratorRoutes(repls, owners, auth::accountExists).mount(router);
    router
        .post("/api/repls/:slug/start")
        .handler(
            // A viewer may wake it (as a visit to its preview may): it cannot look at a stopped
            // repl.
            ctx ->
                owners.answer(
                    ctx,
                    ReplRole.VIEWER,
                    slug -> repls.start(slug, capped(ctx.get(AuthApi.CALLER))).map(view(ctx))));
    router
        .post("/api/repls/:slug/stop")
        .handler(
            ctx ->
                owners.answer(
                    ctx,
                    ReplRole.EDITOR,
                    slug ->
                        repls
                            .stopReporting(slug)
                            .map(stopped -> views.stopped(stopped, ctx.get(AuthApi.CALLER)))));
    router
        .delete("/api/repls/:slug")
        .handler(
            ctx ->
                withSlug(
                    ctx,
                    slug ->
                        repls
                            .delete(slug)
                            .map(v -> new JsonObject().put("slug", slug).put("deleted", true))));
    router.patch("/api/accounts/:username").handler(auth::changeAdmin);
    accountUsage.mount(router);
    auth.mountAccounts(router, accountDeletion::deleteReplsOf);
    apiKeys.mount(router);
    new FleetRoutes(cluster, drains, keeper).mount(router);
    router
        .route("/api/*")
        .handler(
            ctx ->
                HttpErrors.send(
                    ctx,
                    404,
                    "not_found",
                    "no API at " + ctx.request().method() + " " + ctx.request().path()));
    router.route("/api/*").failureHandler(this::failure);
  }

  private void create(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      HttpErrors.send(
          ctx,
          400,
          "malformed_json",
          "the body must be a JSON object such as {\"template\":\"node\"}");
      return;
    }
    if (body == null) {
      HttpErrors.send(
          ctx,
          400,
          "malformed_json",
          "the body must be a JSON object such as {\"template\":\"node\"}");
      return;
    }
    Object template = body.getValue("template");
    if (!(template instanceof String name) || name.isBlank()) {
      HttpErrors.send(
          ctx, 400, "invalid_request", "\"template\" must name a template; see GET /api/templates");
      return;
    }
    if (!TemplateManifest.isValidName(name)) {
      HttpErrors.send(ctx, 400, "unknown_template", "no template named '" + name + "'");
      return;
    }
    ReplService.NewRepl settings;
    try {
      settings = ReplSettingsBodies.newRepl(body);
    } catch (ApiException e) {
      fail(ctx, e);
      return;
    }
    AuthToken caller = ctx.get(AuthApi.CALLER);
    if (!creations.tryAcquire(caller.subject())) {
      HttpErrors.send(ctx, 429, "rate_limited", "too many new repls; wait a minute");
      return;
    }
    repls
        .create(name, caller.subject(), settings, capped(caller))
        .onSuccess(
            r -> {
              ctx.response().setStatusCode(201).putHeader("Location", "/api/repls/" + r.slug());
              ctx.json(views.repl(r, caller));
            })
        .onFailure(err -> fail(ctx, err));
  }

  /**
   * Whether the caps per account apply to what the caller asks: they do for users and for Pier's services (a preview
   * that wakes a repl acts for whoever opens the preview); administrators are exempt.
   */
  static boolean capped(AuthToken caller) {
    return !caller.admin() || caller.isService();
  }

  /**
   * {@code PATCH /api/repls/<slug>}: changes what may be changed of a repl: its preview's visibility, its labels, its
   * title and description, whether anyone may fork it.
   */
  private void patch(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null) {
      HttpErrors.send(
          ctx,
          400,
          "malformed_json",
          "the body must be a JSON object such as {\"visibility\":\"private\"}");
      return;
    }
    if (body.isEmpty()) {
      HttpErrors.send(
          ctx,
          400,
          "invalid_request",
          "nothing to change; send {\"visibility\":\"public\"|\"private\"}, {\"labels\":{...}},"
              + " {\"title\":\"...\"}, {\"description\":\"...\"} or {\"forkable\":true}");
      return;
    }
    Visibility visibility;
    Map<String, String> labels;
    Boolean forkable;
    boolean newTitle = body.containsKey("title");
    boolean newDescription = body.containsKey("description");
    String title;
    String description;
    try {
      ReplSettingsBodies.unknownFields(body, ReplSettingsBodies.PATCH_FIELDS);
      visibility =
          body.containsKey("visibility")
              ? ReplSettingsBodies.visibility(body.getValue("visibility"))
              : null;
      labels =
          body.containsKey("labels") ? ReplSettingsBodies.labels(body.getValue("labels")) : null;
      forkable =
          body.containsKey("forkable")
              ? ReplSettingsBodies.forkable(body.getValue("forkable"))
              : null;
      title = ReplSettingsBodies.title(body.getValue("title"));
      description = ReplSettingsBodies.description(body.getValue("description"));
    } catch (ApiException e) {
      fail(ctx, e);
      return;
    }
    withSlug(
        ctx,
        slug ->
            (visibility == null ? repls.get(slug) : repls.setVisibility(slug, visibility))
                .compose(
                    r -> labels == null ? Future.succeededFuture(r) : repls.setLabels(slug, labels))
                .compose(
                    r ->
                        forkable == null
                            ? Future.succeededFuture(r)
                            : repls.setForkable(slug, forkable))
                .compose(
                    r ->
                        !newTitle && !newDescription
                            ? Future.succeededFuture(r)
                            : repls.setNames(
                                slug,
                                newTitle ? title : r.title(),
                                newDescription ? description : r.description()))
                .map(view(ctx)));
  }

  /**
   * {@code POST /api/repls/<slug>/timeout}: {@code {"timeoutS": n}} gives the repl n seconds from now (and from each
   * start) before it is stopped, or deleted with {@code "onTimeout": "delete"}; {@code {"timeoutS": null}} removes it.
   */
  private void setTimeout(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null || !body.containsKey("timeoutS")) {
      HttpErrors.send(
          ctx,
          400,
          "malformed_json",
          "the body must be a JSON object such as {\"timeoutS\":600,\"onTimeout\":\"delete\"}");
      return;
    }
    Duration timeout;
    Lifetime.OnTimeout onTimeout;
    try {
      ReplSettingsBodies.unknownFields(body, Set.of("timeoutS", "onTimeout"));
      timeout =
          body.getValue("timeoutS") == null
              ? null
              : ReplSettingsBodies.timeout(body.getValue("timeoutS"));
      onTimeout = ReplSettingsBodies.onTimeout(body.getValue("onTimeout"));
    } catch (ApiException e) {
      fail(ctx, e);
      return;
    }
    withSlug(ctx, slug -> repls.setTimeout(slug, timeout, onTimeout).map(view(ctx)));
  }

  /** Repls as the request's caller sees them. */
  private Function<ReplRecord, JsonObject> view(RoutingContext ctx) {
    AuthToken caller = ctx.get(AuthApi.CALLER);
    return record -> views.repl(record, caller);
  }

  private void withSlug(RoutingContext ctx, Function<String, Future<JsonObject>> action) {
    owners.answer(ctx, action);
  }

  private void fail(RoutingContext ctx, Throwable err) {
    OwnedRepls.fail(ctx, err);
  }

  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (ctx.failure() != null) {
      fail(ctx, ctx.failure());
    } else if (status == 413) {
      HttpErrors.send(
          ctx, 413, "too_large", "the body is larger than " + MAX_BODY_BYTES + " bytes");
    } else if (status == 405) {
      HttpErrors.send(
          ctx,
          405,
          "method_not_allowed",
          ctx.request().method() + " is not allowed on " + ctx.request().path());
    } else {
      HttpErrors.send(
          ctx, status < 400 ? 500 : status, "error", "request failed with status " + status);
    }
  }
}
