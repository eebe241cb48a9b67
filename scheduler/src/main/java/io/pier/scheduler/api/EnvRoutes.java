package io.pier.scheduler.api;

import io.pier.common.http.ApiException;
import io.pier.common.http.HttpErrors;
import io.pier.common.repl.EnvVar;
import io.pier.common.repl.ReplEnvStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Set;

/**
 * A repl's environment variables and secrets ({@code /api/repls/<slug>/env}): its owner sets them, every process
 * started in the repl afterwards gets them. A secret's value is never answered once set, nor logged: listings give its
 * name, and a change answers with the name only.
 */
final class EnvRoutes {
  private static final Set<String> FIELDS = Set.of("value", "secret");

  private final Vertx vertx;
  private final OwnedRepls owners;
  private final ReplEnvStore environments;
  private final Clock clock;

  EnvRoutes(Vertx vertx, OwnedRepls owners, ReplEnvStore environments, Clock clock) {
    this.vertx = vertx;
    this.owners = owners;
    this.environments = environments;
    this.clock = clock;
  }

  void mount(Router router) {
    router
        .get("/api/repls/:slug/env")
        .handler(
            ctx ->
                owned(
                    ctx,
                    slug ->
                        new JsonObject()
                            .put(
                                "env",
                                new JsonArray(
                                    environments.list(slug).stream()
                                        .map(EnvRoutes::view)
                                        .toList()))));
    router.put("/api/repls/:slug/env/:name").handler(this::put);
    router
        .delete("/api/repls/:slug/env/:name")
        .handler(
            ctx -> {
              String name = ctx.pathParam("name");
              owned(
                  ctx,
                  slug -> {
                    if (!environments.delete(slug, name)) {
                      throw new ApiException(
                          404, "unknown_variable", slug + " has no variable named '" + name + "'");
                    }
                    return new JsonObject().put("name", name).put("deleted", true);
                  });
            });
  }

  /** {@code PUT /api/repls/<slug>/env/<NAME>} with {@code {"value": "...", "secret": true}}; a secret by default. */
  private void put(RoutingContext ctx) {
    String name = ctx.pathParam("name");
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
          "the body must be a JSON object such as {\"value\":\"...\",\"secret\":true}");
      return;
    }
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        HttpErrors.send(
            ctx, 400, "invalid_request", "unknown field \"" + field + "\": value, secret");
        return;
      }
    }
    if (!(body.getValue("value") instanceof String value)) {
      HttpErrors.send(ctx, 400, "invalid_variable", "\"value\" must be a string");
      return;
    }
    Object secretField = body.getValue("secret", true);
    if (!(secretField instanceof Boolean secret)) {
      HttpErrors.send(ctx, 400, "invalid_variable", "\"secret\" must be true or false");
      return;
    }
    EnvVar variable = new EnvVar(name, value, secret, clock.instant());
    try {
      EnvVar.checkName(name);
      EnvVar.checkValue(value);
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, "invalid_variable", e.getMessage());
      return;
    }
    owned(
        ctx,
        slug -> {
          if (environments.read(slug, name).isEmpty()
              && environments.count(slug) >= EnvVar.MAX_VARS) {
            throw new ApiException(
                409,
                "too_many_variables",
                slug + " has " + EnvVar.MAX_VARS + " variables already; delete one first");
          }
          environments.put(slug, variable);
          return view(variable);
        });
  }

  /** What the API shows of a variable: a secret's value never. */
  private static JsonObject view(EnvVar variable) {
    JsonObject json =
        new JsonObject()
            .put("name", variable.name())
            .put("secret", variable.secret())
            .put("updatedAt", variable.updatedAt().toString());
    if (!variable.secret()) json.put("value", variable.value());
    return json;
  }

  /** Runs {@code action} (blocking, on a worker) for the repl of the path, if the caller owns it. */
  private void owned(RoutingContext ctx, SlugAction action) {
    owners.answer(ctx, slug -> vertx.executeBlocking(() -> action.apply(slug), false));
  }

  @FunctionalInterface
  private interface SlugAction {
    JsonObject apply(String slug);
  }
}
