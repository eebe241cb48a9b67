package io.pier.scheduler.api;

import io.pier.common.auth.AuthToken;
import io.pier.common.http.ApiException;
import io.pier.common.http.HttpErrors;
import io.pier.common.repl.ReplAccess;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.Slugs;
import io.pier.scheduler.ReplService;
import io.pier.scheduler.auth.AuthApi;
import io.pier.scheduler.auth.RateLimiter;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * {@code POST /api/repls/<slug>/fork}: anyone the repl is shared with, or any signed-in account when its owner turned
 * on its "fork me" link ({@link ReplRecord#forkable()}), forks it into a new, stopped repl of their own ({@link
 * ReplService#fork}), optionally named; counted against the account's repls and the rate of new repls as a create is.
 * {@code GET} of the same path answers what the fork link's page shows (title, description, template, owner).
 */
final class ForkRoutes {
  private static final Set<String> FIELDS = Set.of("title", "description");

  private final ReplService repls;
  private final RateLimiter creations;
  private final ApiViews views;

  ForkRoutes(ReplService repls, RateLimiter creations, ApiViews views) {
    this.repls = repls;
    this.creations = creations;
    this.views = views;
  }

  void mount(Router router) {
    router.post("/api/repls/:slug/fork").handler(this::fork);
    router.get("/api/repls/:slug/fork").handler(this::card);
  }

  /** What someone who may fork the repl sees before forking it; nothing of its files or settings. */
  private void card(RoutingContext ctx) {
    String slug = ctx.pathParam("slug");
    if (!Slugs.isValid(slug)) {
      HttpErrors.send(ctx, 404, "unknown_repl", "no repl named '" + slug + "'");
      return;
    }
    AuthToken caller = ctx.get(AuthApi.CALLER);
    OwnedRepls.respond(
        ctx,
        repls
            .get(slug)
            .map(
                original -> {
                  requireMayFork(caller, original);
                  return new JsonObject()
                      .put("slug", original.slug())
                      .put("title", original.title())
                      .put("description", original.description())
                      .put("template", original.template())
                      .put("owner", original.owner())
                      .put("forkable", original.forkable());
                }));
  }

  /**
   * Anyone the repl is shared with may fork it, and anyone at all once its owner turned on its fork link; the fork
   * is theirs alone.
   *
   * @throws ApiException 403 {@code forbidden} otherwise
   */
  private static void requireMayFork(AuthToken caller, ReplRecord original) {
    if (original.forkable() || ReplAccess.roleOf(caller, original).isPresent()) return;
    throw new ApiException(
        403,
        "forbidden",
        "this repl belongs to someone else, and its owner has not turned on its fork link");
  }

  private void fork(RoutingContext ctx) {
    String slug = ctx.pathParam("slug");
    if (!Slugs.isValid(slug)) {
      HttpErrors.send(ctx, 404, "unknown_repl", "no repl named '" + slug + "'");
      return;
    }
    String title;
    String description;
    try {
      JsonObject body = body(ctx);
      ReplSettingsBodies.unknownFields(body, FIELDS);
      title = ReplSettingsBodies.title(body.getValue("title"));
      description = ReplSettingsBodies.description(body.getValue("description"));
    } catch (ApiException e) {
      OwnedRepls.fail(ctx, e);
      return;
    }
    AuthToken caller = ctx.get(AuthApi.CALLER);
    if (!creations.tryAcquire(caller.subject())) {
      HttpErrors.send(ctx, 429, "rate_limited", "too many new repls; wait a minute");
      return;
    }
    repls
        .get(slug)
        .compose(
            original -> {
              requireMayFork(caller, original);
              return repls.fork(
                  slug, caller.subject(), title, description, SchedulerApi.capped(caller));
            })
        .onSuccess(
            r -> {
              ctx.response().setStatusCode(201).putHeader("Location", "/api/repls/" + r.slug());
              ctx.json(views.repl(r, caller));
            })
        .onFailure(err -> OwnedRepls.fail(ctx, err));
  }

  /** The body, or an empty object when there is none; anything but a JSON object is refused. */
  private static JsonObject body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() <= 0) return new JsonObject();
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body != null) return body;
    } catch (DecodeException | ClassCastException e) {
      // answered below
    }
    throw ApiException.badRequest(
        "malformed_json", "the body must be empty or a JSON object such as {\"title\":\"...\"}");
  }
}
