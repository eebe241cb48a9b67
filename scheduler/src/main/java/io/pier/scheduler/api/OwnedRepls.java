package io.pier.scheduler.api;

import io.pier.common.auth.AuthToken;
import io.pier.common.http.ApiException;
import io.pier.common.http.HttpErrors;
import io.pier.common.repl.ReplAccess;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplRole;
import io.pier.common.repl.Slugs;
import io.pier.scheduler.ReplService;
import io.pier.scheduler.auth.AuthApi;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate of the routes of one repl ({@code /api/repls/<slug>/...}): a name no repl can have is {@code 404}, a
 * caller without the role a route needs (owner, editor or viewer: {@link ReplAccess}) is refused ({@code 403}) before
 * anything is done to it, and what the action answers (or the error it fails with) is the answer.
 */
final class OwnedRepls {
  private static final Logger LOG = LoggerFactory.getLogger(OwnedRepls.class);

  private final ReplService repls;

  OwnedRepls(ReplService repls) {
    this.repls = repls;
  }

  /** Runs {@code action} on the path's repl if the caller owns it (or administers), and answers its JSON. */
  void answer(RoutingContext ctx, Function<String, Future<JsonObject>> action) {
    answer(ctx, ReplRole.OWNER, action);
  }

  /**
   * Runs {@code action} on the path's repl if the caller's role in it ({@link ReplAccess}) is at least {@code needed}
   * (an owner's, an editor's or a viewer's), and answers its JSON.
   */
  void answer(RoutingContext ctx, ReplRole needed, Function<String, Future<JsonObject>> action) {
    String slug = ctx.pathParam("slug");
    if (!Slugs.isValid(slug)) {
      HttpErrors.send(ctx, 404, "unknown_repl", "no repl named '" + slug + "'");
      return;
    }
    AuthToken caller = ctx.get(AuthApi.CALLER);
    respond(
        ctx,
        repls
            .get(slug)
            .compose(
                record -> {
                  require(caller, record, needed);
                  return action.apply(slug);
                })
            .onSuccess(done -> noteUse(ctx, slug)));
  }

  /**
   * @throws ApiException 403 {@code forbidden} when the caller has no role in {@code record}, or one below {@code
   *     needed} (the message names the role it has)
   */
  static ReplRole require(AuthToken caller, ReplRecord record, ReplRole needed) {
    ReplRole role =
        ReplAccess.roleOf(caller, record)
            .orElseThrow(
                () -> new ApiException(403, "forbidden", "this repl belongs to someone else"));
    if (!role.atLeast(needed))
      throw new ApiException(
          403,
          "forbidden",
          "you are "
              + (role == ReplRole.EDITOR ? "an editor" : "a viewer")
              + " of this repl; only "
              + (needed == ReplRole.OWNER ? "its owner" : "its owner or an editor")
              + " may do that");
    return role;
  }

  /**
   * An owner's call on a repl is use of it (the IDE reads its repl when it opens, and calls these routes while it
   * works): its last-active time moves, at most once a minute. Noted after the action, so the two never race to write
   * {@code repl.json}; a failure to note it only loses a timestamp.
   */
  private void noteUse(RoutingContext ctx, String slug) {
    if (ctx.request().method() == HttpMethod.DELETE) return;
    repls.touch(slug).onFailure(err -> LOG.debug("could not note use of {}", slug, err));
  }

  /** Answers the JSON {@code result} completes with, or its error (logged when it is no API error). */
  static void respond(RoutingContext ctx, Future<JsonObject> result) {
    result.onSuccess(ctx::json).onFailure(err -> fail(ctx, err));
  }

  /** Answers {@code err}: an {@link ApiException} as it says, anything else 500 after a log line. */
  static void fail(RoutingContext ctx, Throwable err) {
    // Errors name keys and routes, never values (a secret's, for one).
    if (!(err instanceof ApiException))
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), err);
    HttpErrors.sendFailure(ctx, err);
  }
}
