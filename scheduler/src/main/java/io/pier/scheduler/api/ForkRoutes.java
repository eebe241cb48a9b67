package io.pier.scheduler.api;

import io.pier.common.auth.AuthToken;
import io.pier.common.http.ApiException;
import io.pier.common.http.HttpErrors;
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
 * {@code POST /api/repls/<slug>/fork}: the owner forks a repl into a new, stopped one ({@link ReplService#fork}),
 * optionally named; counted against the account's repls and the rate of new repls as a create is.
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
              AuthApi.requireOwner(caller, original.owner());
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
