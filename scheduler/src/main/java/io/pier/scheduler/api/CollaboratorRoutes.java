package io.pier.scheduler.api;

import io.pier.common.auth.AuthToken;
import io.pier.common.http.ApiException;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplRole;
import io.pier.scheduler.ReplService;
import io.pier.scheduler.auth.AuthApi;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * Sharing a repl (docs/security.md#sharing): its owner gives other accounts the role of {@code editor} or {@code
 * viewer} and takes it back; everyone who can see the repl can see who else can; a collaborator can leave.
 */
final class CollaboratorRoutes {
  private final ReplService repls;
  private final OwnedRepls owners;
  private final Function<String, Future<Boolean>> accountExists;

  /** @param accountExists whether an account of that name exists */
  CollaboratorRoutes(
      ReplService repls, OwnedRepls owners, Function<String, Future<Boolean>> accountExists) {
    this.repls = repls;
    this.owners = owners;
    this.accountExists = accountExists;
  }

  void mount(Router router) {
    router
        .get("/api/repls/:slug/collaborators")
        .handler(
            ctx ->
                owners.answer(
                    ctx, ReplRole.VIEWER, slug -> repls.get(slug).map(CollaboratorRoutes::list)));
    router.put("/api/repls/:slug/collaborators/:account").handler(this::share);
    router.delete("/api/repls/:slug/collaborators/:account").handler(this::unshare);
  }

  static JsonObject list(ReplRecord record) {
    return new JsonObject()
        .put("owner", record.owner())
        .put("collaborators", record.collaboratorsJson());
  }

  private void share(RoutingContext ctx) {
    String account = ctx.pathParam("account");
    ReplRole role;
    try {
      role = role(ctx);
    } catch (ApiException e) {
      OwnedRepls.fail(ctx, e);
      return;
    }
    owners.answer(
        ctx,
        ReplRole.OWNER,
        slug ->
            repls
                .get(slug)
                .compose(
                    record -> {
                      if (account.equals(record.owner()))
                        throw ApiException.badRequest(
                            "invalid_collaborator", account + " owns " + slug + " already");
                      return accountExists.apply(account);
                    })
                .compose(
                    exists -> {
                      if (!exists)
                        throw ApiException.notFound(
                            "unknown_account", "no account named '" + account + "'");
                      return repls.setCollaborator(slug, account, role);
                    })
                .compose(r -> accountExists.apply(account))
                .compose(
                    stillExists -> {
                      if (stillExists) return Future.succeededFuture(role);
                      // Deleted while this was written, after its deletion's sweep of the
                      // repls: whoever signs up with the name next must not get this role.
                      return unshareGone(slug, account);
                    })
                .map(r -> new JsonObject().put("account", account).put("role", role.wire())));
  }

  /** Takes a deleted account back off the repl, then answers as if it had been gone when asked. */
  private Future<ReplRole> unshareGone(String slug, String account) {
    return repls
        .setCollaborator(slug, account, null)
        .<ReplRole>mapEmpty()
        .recover(
            err ->
                err instanceof ApiException e && e.status() == 404
                    ? Future.succeededFuture()
                    : Future.failedFuture(err))
        .compose(
            v ->
                Future.failedFuture(
                    ApiException.notFound(
                        "unknown_account", "no account named '" + account + "'")));
  }

  /** The owner takes a collaborator's role back, or a collaborator leaves. */
  private void unshare(RoutingContext ctx) {
    String account = ctx.pathParam("account");
    AuthToken caller = ctx.get(AuthApi.CALLER);
    ReplRole needed = account.equals(caller.subject()) ? ReplRole.VIEWER : ReplRole.OWNER;
    owners.answer(
        ctx,
        needed,
        slug ->
            repls
                .setCollaborator(slug, account, null)
                .map(r -> new JsonObject().put("account", account).put("removed", true)));
  }

  private static ReplRole role(RoutingContext ctx) {
    JsonObject body = null;
    try {
      body = ctx.body() == null ? null : ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      // answered below
    }
    if (body == null)
      throw ApiException.badRequest(
          "malformed_json", "the body must be a JSON object such as {\"role\":\"editor\"}");
    for (String field : body.fieldNames()) {
      if (!"role".equals(field))
        throw ApiException.badRequest("invalid_request", "unknown field '" + field + "'");
    }
    Object role = body.getValue("role");
    try {
      return ReplRole.collaborator(role instanceof String s ? s : null);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "invalid_role", "role must be \"editor\" or \"viewer\", got " + body.getValue("role"));
    }
  }
}
