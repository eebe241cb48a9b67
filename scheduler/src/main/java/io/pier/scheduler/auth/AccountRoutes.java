package io.pier.scheduler.auth;

import io.pier.common.auth.AuthToken;
import io.pier.common.http.ApiException;
import io.pier.common.http.HttpErrors;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a user does to their own account, each confirmed with its password: {@code POST
 * /api/accounts/<username>/password} gives it a new one and signs it out everywhere else; {@code DELETE
 * /api/accounts/<username>} deletes it with its repls and API keys and signs it out. Both are limited like sign-ins
 * (per account), so neither is a way to guess the password. Mounted behind the signed-in check.
 */
public final class AccountRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(AccountRoutes.class);

  private final AuthApi auth;
  private final Accounts accounts;
  private final StoredRevocations revoker;
  private final ApiKeys apiKeys;
  private final RateLimiter attempts;
  private final Function<String, Future<Integer>> deleteReplsOf;

  /**
   * @param attempts      the sign-ins' limiter: a password tried here counts as a sign-in
   * @param deleteReplsOf stops and deletes every repl of an account, with its storage, and takes the account off
   *     every repl shared with it; completes with how many repls were deleted
   */
  AccountRoutes(
      AuthApi auth,
      Accounts accounts,
      StoredRevocations revoker,
      ApiKeys apiKeys,
      RateLimiter attempts,
      Function<String, Future<Integer>> deleteReplsOf) {
    this.auth = auth;
    this.accounts = accounts;
    this.revoker = revoker;
    this.apiKeys = apiKeys;
    this.attempts = attempts;
    this.deleteReplsOf = deleteReplsOf;
  }

  void mount(Router router) {
    router.post("/api/accounts/:username/password").handler(this::changePassword);
    router.delete("/api/accounts/:username").handler(this::delete);
  }

  /**
   * The new password takes effect at once; every token of the account issued until now is revoked (other browsers,
   * other sessions), and the caller gets a new one (and cookie). API keys stay: they are revoked one by one.
   */
  private void changePassword(RoutingContext ctx) {
    String username = ownAccount(ctx);
    if (username == null) return;
    JsonObject body = body(ctx);
    if (body == null
        || !(body.getValue("currentPassword") instanceof String current)
        || !(body.getValue("newPassword") instanceof String replacement)) {
      HttpErrors.send(
          ctx,
          400,
          "invalid_request",
          "the body must be {\"currentPassword\": ..., \"newPassword\": ...}");
      return;
    }
    if (!allowed(ctx, username)) return;
    accounts
        .changePassword(username, current, replacement)
        .compose(
            account ->
                revoker.revoke(username).onSuccess(upTo -> auth.signedIn(ctx, 200, account, upTo)))
        .onFailure(err -> fail(ctx, err));
  }

  /**
   * Signs the account out everywhere first (so no other session makes a repl meanwhile), then revokes its API keys,
   * deletes its repls, takes it off the repls shared with it, and last deletes its record (then looks at the shared
   * repls once more: {@link #sweepAgain}). A failure part way leaves the record, so the owner can sign in and try again;
   * what was already deleted stays deleted.
   */
  private void delete(RoutingContext ctx) {
    String username = ownAccount(ctx);
    if (username == null) return;
    JsonObject body = body(ctx);
    if (body == null || !(body.getValue("password") instanceof String password)) {
      HttpErrors.send(
          ctx,
          400,
          "invalid_request",
          "the body must be {\"password\": ...}: your current password");
      return;
    }
    if (!allowed(ctx, username)) return;
    JsonObject answer = new JsonObject().put("username", username).put("deleted", true);
    accounts
        .confirm(username, password)
        .compose(account -> revoker.revoke(username))
        .compose(upTo -> apiKeys.revokeAllOf(username))
        .compose(
            keys -> {
              answer.put("apiKeysRevoked", keys);
              return deleteReplsOf
                  .apply(username)
                  .recover(
                      err -> {
                        LOG.error("could not delete every repl of {}", username, err);
                        return Future.failedFuture(
                            ApiException.unavailable(
                                "repls_not_deleted",
                                "not every repl of the account could be deleted; the account is"
                                    + " kept: sign in and try again"));
                      });
            })
        .compose(
            repls -> {
              answer.put("replsDeleted", repls);
              return accounts.delete(username);
            })
        .compose(v -> sweepAgain(username))
        .onSuccess(
            v -> {
              LOG.info(
                  "deleted the account {} with {} repls and {} API keys",
                  username,
                  answer.getInteger("replsDeleted"),
                  answer.getInteger("apiKeysRevoked"));
              auth.signedOut(ctx);
              ctx.json(answer);
            })
        .onFailure(err -> fail(ctx, err));
  }

  /**
   * Once the record is gone, takes the account off shared repls once more: an owner's invitation that found the account
   * still there before and was written after the first pass is caught here, or else by the invitation's own check that
   * the account still exists once written (CollaboratorRoutes). Only logged if it fails: the account is deleted
   * already.
   */
  private Future<Void> sweepAgain(String username) {
    return deleteReplsOf
        .apply(username)
        .<Void>mapEmpty()
        .recover(
            err -> {
              LOG.error("could not take the deleted account {} off shared repls", username, err);
              return Future.succeededFuture();
            });
  }

  /** The path's account when it is the caller's own; null after answering 403 otherwise. */
  private static String ownAccount(RoutingContext ctx) {
    AuthToken caller = ctx.get(AuthApi.CALLER);
    String username = ctx.pathParam("username");
    if (caller.isService() || !caller.subject().equals(username)) {
      HttpErrors.send(
          ctx, 403, "forbidden", "only the account itself may change its password or delete it");
      return null;
    }
    return username;
  }

  private boolean allowed(RoutingContext ctx, String username) {
    if (attempts.acquire(username) == RateLimiter.Outcome.ALLOWED) return true;
    ctx.response().putHeader("Retry-After", "60");
    HttpErrors.send(ctx, 429, "rate_limited", "too many password attempts; wait a minute");
    return false;
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      return ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static void fail(RoutingContext ctx, Throwable err) {
    if (!(err instanceof ApiException))
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), err);
    HttpErrors.sendFailure(ctx, err);
  }
}
