package io.pier.scheduler.api;

import io.pier.common.auth.ApiKeyEntry;
import io.pier.common.auth.AuthToken;
import io.pier.common.http.ApiException;
import io.pier.common.http.HttpErrors;
import io.pier.scheduler.auth.ApiKeys;
import io.pier.scheduler.auth.AuthApi;
import io.pier.scheduler.e2b.E2bKeys;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/keys}: the caller's API keys. {@code POST} makes one and is the only answer that holds the key;
 * {@code GET} lists them without it; {@code DELETE /api/keys/<id>} revokes one on every service. Mounted behind the
 * signed-in check, so a key may manage its own account's keys.
 */
public final class ApiKeysRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeysRoutes.class);
  private static final Set<String> FIELDS = Set.of("name", "expiresInDays");

  private final ApiKeys keys;
  private final Clock clock;

  public ApiKeysRoutes(ApiKeys keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
  }

  void mount(Router router) {
    router.post("/api/keys").handler(this::create);
    router.get("/api/keys").handler(this::list);
    router.delete("/api/keys/:id").handler(this::revoke);
  }

  private void create(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null) {
      HttpErrors.send(
          ctx, 400, "malformed_json", "the body must be a JSON object such as {\"name\":\"ci\"}");
      return;
    }
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        HttpErrors.send(
            ctx,
            400,
            "invalid_request",
            "unknown field \""
                + field
                + "\"; a key has \"name\" and, optionally, \"expiresInDays\"");
        return;
      }
    }
    Object name = body.getValue("name");
    if (!(name instanceof String)) {
      HttpErrors.send(ctx, 400, "invalid_name", "\"name\" must be a string");
      return;
    }
    Object days = body.getValue("expiresInDays");
    if (days != null && !(days instanceof Integer || days instanceof Long)) {
      HttpErrors.send(
          ctx,
          400,
          "invalid_expiry",
          "\"expiresInDays\" must be a whole number of days, or null for a key that does not expire");
      return;
    }
    Integer expiresInDays =
        days == null
            ? null
            : (int)
                Math.max(
                    Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, ((Number) days).longValue()));
    AuthToken caller = ctx.get(AuthApi.CALLER);
    keys.create(caller, (String) name, expiresInDays)
        .onSuccess(
            created ->
                ctx.response()
                    .setStatusCode(201)
                    // The only answer that holds the key: no cache may keep it.
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("Location", "/api/keys/" + created.entry().id())
                    .putHeader("Content-Type", "application/json")
                    .end(
                        view(created.entry())
                            .put("key", created.key())
                            .put("e2bKey", E2bKeys.fromPier(created.key()).orElseThrow())
                            .encode()))
        .onFailure(err -> fail(ctx, err));
  }

  private void list(RoutingContext ctx) {
    AuthToken caller = ctx.get(AuthApi.CALLER);
    JsonArray all = new JsonArray();
    for (ApiKeyEntry key : keys.of(caller.subject())) all.add(view(key));
    ctx.json(new JsonObject().put("keys", all));
  }

  private void revoke(RoutingContext ctx) {
    AuthToken caller = ctx.get(AuthApi.CALLER);
    keys.revoke(caller, ctx.pathParam("id"))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(err -> fail(ctx, err));
  }

  /** A key as its owner sees it: never the key or its hash. */
  private JsonObject view(ApiKeyEntry key) {
    return new JsonObject()
        .put("id", key.id())
        .put("name", key.name())
        .put("owner", key.owner())
        .put("createdAt", key.createdAt().toString())
        .put("expiresAt", key.expiresAt() == null ? null : key.expiresAt().toString())
        .put("expired", key.expired(clock.instant()))
        .put("lastUsedAt", key.lastUsedAt() == null ? null : key.lastUsedAt().toString());
  }

  private static void fail(RoutingContext ctx, Throwable err) {
    if (!(err instanceof ApiException))
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), err);
    HttpErrors.sendFailure(ctx, err);
  }
}
