package io.pier.scheduler.e2b;

import io.pier.common.auth.AuthToken;
import io.pier.common.auth.Credentials;
import io.pier.common.auth.SandboxAccessTokens;
import io.pier.common.auth.TokenSigner;
import io.pier.common.http.ApiException;
import io.pier.common.repl.Lifetime;
import io.pier.common.repl.ReplEnvStore;
import io.pier.common.template.TemplateCatalog;
import io.pier.scheduler.ReplService;
import io.pier.scheduler.auth.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * E2B's control plane ({@code spec/openapi.yml} of e2b-dev/E2B), served under {@code /e2b}: the edge-proxy sends
 * {@code https://api.<domain>/X} here as {@code /e2b/X}, so the E2B SDKs create, list, pause, resume and kill Pier's
 * repls as sandboxes (docs/e2b.md). The caller is named by a Pier API key in {@code X-API-KEY} (either form, see
 * {@link E2bKeys}) or any Pier token as a bearer; never by the sign-in cookie, so no other page can call this in a
 * user's name. Every answer, errors included, has E2B's shape.
 */
public final class E2bApi {
  /** Where the routes are mounted; E2B's own spec describes them, not Pier's openapi.yaml. */
  public static final String PREFIX = "/e2b";

  /** Metadata and environment variables make create bodies larger than Pier's own. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  private static final String CALLER = "pier.e2b.caller";

  private final TokenSigner tokens;
  private final RateLimiter creations;
  private final Sandboxes sandboxes;
  private final SandboxViews views;

  /**
   * @param creations the limit of new repls per account and minute that Pier's own API applies too
   * @param domain    {@code PIER_DOMAIN}, under which sandboxes' hosts are
   */
  public E2bApi(
      Vertx vertx,
      ReplService repls,
      TemplateCatalog templates,
      ReplEnvStore environments,
      TokenSigner tokens,
      SandboxAccessTokens access,
      RateLimiter creations,
      String domain,
      Clock clock) {
    this.tokens = tokens;
    this.creations = creations;
    this.sandboxes = new Sandboxes(vertx, repls, templates, environments, clock);
    this.views = new SandboxViews(access, domain);
  }

  /** Mounts the routes on a router of their own under {@link #PREFIX}. */
  public void mount(Vertx vertx, Router router) {
    Router e2b = Router.router(vertx);
    e2b.route()
        .handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES).setHandleFileUploads(false));
    e2b.get("/health").handler(ctx -> ctx.response().setStatusCode(200).end());
    e2b.route().handler(this::authenticate);
    Unsupported.mount(e2b);
    e2b.post("/sandboxes").handler(this::create);
    SandboxLists lists = new SandboxLists(sandboxes, views);
    e2b.get("/sandboxes").handler(ctx -> lists.running(ctx, caller(ctx)));
    e2b.get("/v2/sandboxes").handler(ctx -> lists.page(ctx, caller(ctx)));
    e2b.get("/sandboxes/:sandboxID")
        .handler(ctx -> answer(ctx, id -> sandboxes.owned(caller(ctx), id).map(views::detail)));
    e2b.delete("/sandboxes/:sandboxID")
        .handler(ctx -> noContent(ctx, id -> sandboxes.kill(caller(ctx), id)));
    e2b.post("/sandboxes/:sandboxID/pause")
        .handler(ctx -> noContent(ctx, id -> sandboxes.pause(caller(ctx), id)));
    e2b.post("/sandboxes/:sandboxID/timeout").handler(this::setTimeout);
    e2b.post("/sandboxes/:sandboxID/refreshes").handler(this::refresh);
    e2b.post("/sandboxes/:sandboxID/connect").handler(this::connect);
    e2b.post("/sandboxes/:sandboxID/resume").handler(this::resume);
    e2b.route()
        .handler(
            ctx ->
                E2bErrors.send(
                    ctx,
                    404,
                    "not_found",
                    "no E2B API at " + ctx.request().method() + " " + ctx.request().path()));
    e2b.route().failureHandler(this::failure);
    router.route(PREFIX + "/*").subRouter(e2b);
  }

  private void authenticate(RoutingContext ctx) {
    String presented = ctx.request().getHeader("X-API-KEY");
    if (presented == null || presented.isBlank()) presented = Credentials.bearer(ctx.request());
    if (presented == null || presented.isBlank()) {
      E2bErrors.send(
          ctx, 401, "unauthenticated", "no API key: send a Pier API key in the X-API-KEY header");
      return;
    }
    Optional<AuthToken> caller = tokens.verify(E2bKeys.toPier(presented.trim()));
    if (caller.isEmpty()) {
      E2bErrors.send(ctx, 401, "unauthenticated", "invalid, expired or revoked API key");
      return;
    }
    ctx.put(CALLER, caller.get());
    ctx.next();
  }

  private static AuthToken caller(RoutingContext ctx) {
    return ctx.get(CALLER);
  }

  /** Caps per account apply as in Pier's own API: to users and services, not to administrators. */
  private static boolean capped(AuthToken caller) {
    return !caller.admin() || caller.isService();
  }

  private void create(RoutingContext ctx) {
    SandboxBodies.NewSandbox wanted;
    try {
      wanted = SandboxBodies.newSandbox(body(ctx, true));
    } catch (ApiException e) {
      E2bErrors.sendFailure(ctx, e);
      return;
    }
    AuthToken caller = caller(ctx);
    if (!creations.tryAcquire(caller.subject())) {
      E2bErrors.send(ctx, 429, "rate_limited", "too many new sandboxes; wait a minute");
      return;
    }
    sandboxes
        .create(caller, wanted, capped(caller))
        .onSuccess(
            r ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Content-Type", "application/json")
                    .end(views.sandbox(r).encode()))
        .onFailure(err -> E2bErrors.sendFailure(ctx, err));
  }

  private void setTimeout(RoutingContext ctx) {
    Duration timeout;
    try {
      timeout = SandboxBodies.timeout(body(ctx, true), null);
    } catch (ApiException e) {
      E2bErrors.sendFailure(ctx, e);
      return;
    }
    noContent(ctx, id -> sandboxes.setTimeout(caller(ctx), id, timeout));
  }

  /** {@code POST /sandboxes/<id>/refreshes} {@code {"duration": s}}: keeps a running sandbox at least that long. */
  private void refresh(RoutingContext ctx) {
    Duration duration;
    try {
      JsonObject body = body(ctx, false);
      Object value = body == null ? null : body.getValue("duration");
      duration =
          SandboxBodies.timeout(
              value == null ? null : new JsonObject().put("timeout", value),
              SandboxBodies.DEFAULT_TIMEOUT);
    } catch (ApiException e) {
      E2bErrors.sendFailure(ctx, e);
      return;
    }
    noContent(ctx, id -> sandboxes.refresh(caller(ctx), id, duration));
  }

  /** {@code POST /sandboxes/<id>/connect}: 200 if it ran, 201 if it had to be resumed. */
  private void connect(RoutingContext ctx) {
    Duration timeout;
    try {
      timeout = SandboxBodies.timeout(body(ctx, true), null);
    } catch (ApiException e) {
      E2bErrors.sendFailure(ctx, e);
      return;
    }
    AuthToken caller = caller(ctx);
    sandboxes
        .connect(caller, ctx.pathParam("sandboxID"), timeout, capped(caller))
        .onSuccess(
            c ->
                ctx.response()
                    .setStatusCode(c.resumed() ? 201 : 200)
                    .putHeader("Content-Type", "application/json")
                    .end(views.sandbox(c.sandbox()).encode()))
        .onFailure(err -> E2bErrors.sendFailure(ctx, err));
  }

  /** {@code POST /sandboxes/<id>/resume} (deprecated by E2B for connect): 201, or 409 if it runs. */
  private void resume(RoutingContext ctx) {
    Duration timeout;
    Lifetime.OnTimeout onTimeout;
    try {
      JsonObject body = body(ctx, false);
      timeout = SandboxBodies.timeout(body, SandboxBodies.DEFAULT_TIMEOUT);
      Object autoPause = body == null ? null : body.getValue("autoPause");
      onTimeout =
          autoPause == null
              ? null
              : Boolean.TRUE.equals(autoPause)
                  ? Lifetime.OnTimeout.STOP
                  : Lifetime.OnTimeout.DELETE;
    } catch (ApiException e) {
      E2bErrors.sendFailure(ctx, e);
      return;
    }
    AuthToken caller = caller(ctx);
    sandboxes
        .resume(caller, ctx.pathParam("sandboxID"), timeout, onTimeout, capped(caller))
        .onSuccess(
            r ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Content-Type", "application/json")
                    .end(views.sandbox(r).encode()))
        .onFailure(err -> E2bErrors.sendFailure(ctx, err));
  }

  /**
   * The JSON object of the body. @param required whether an empty body is refused (else it reads as null)
   * @throws ApiException 400 for a body that is not a JSON object
   */
  private static JsonObject body(RoutingContext ctx, boolean required) {
    String text = ctx.body().asString();
    if (text == null || text.isBlank()) {
      if (!required) return null;
      throw ApiException.badRequest("malformed_json", "the body must be a JSON object");
    }
    try {
      JsonObject json = ctx.body().asJsonObject();
      if (json != null) return json;
    } catch (DecodeException | ClassCastException e) {
      // answered below
    }
    throw ApiException.badRequest("malformed_json", "the body must be a JSON object");
  }

  private void answer(RoutingContext ctx, Function<String, Future<JsonObject>> action) {
    action
        .apply(ctx.pathParam("sandboxID"))
        .onSuccess(
            json -> ctx.response().putHeader("Content-Type", "application/json").end(json.encode()))
        .onFailure(err -> E2bErrors.sendFailure(ctx, err));
  }

  private void noContent(RoutingContext ctx, Function<String, Future<Void>> action) {
    action
        .apply(ctx.pathParam("sandboxID"))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(err -> E2bErrors.sendFailure(ctx, err));
  }

  private void failure(RoutingContext ctx) {
    if (ctx.statusCode() == 413) {
      E2bErrors.send(ctx, 413, "too_large", "the body is larger than " + MAX_BODY_BYTES + " bytes");
    } else if (ctx.failure() != null) {
      E2bErrors.sendFailure(ctx, ctx.failure());
    } else {
      int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
      E2bErrors.send(ctx, status, "error", "request failed with status " + status);
    }
  }
}
