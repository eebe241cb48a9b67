package io.pier.scheduler.auth;

import io.pier.common.auth.AuthToken;
import io.pier.common.auth.Credentials;
import io.pier.common.auth.TokenSigner;
import io.pier.common.http.ApiException;
import io.pier.common.http.HttpErrors;
import io.pier.common.http.OriginPolicy;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * Sign-up, sign-in and sign-out under {@code /api/auth}, and the check every other API call passes: a valid token
 * (the {@code pier_token} cookie browsers get, or a bearer token) names the caller. The cookie is host-only, so repls'
 * previews on {@code <slug>.<domain>} never see it; but they are the same site, so the browser does attach it to
 * their pages' requests to the apex, and a cookie-carrying call that changes state must come from Pier's own origin
 * (the edge-proxy checks the same; this is the second line).
 */
public final class AuthApi {
  /** The routing-context key under which the caller's {@link AuthToken} is found. */
  public static final String CALLER = "pier.caller";

  private final Accounts accounts;
  private final TokenSigner tokens;
  private final StoredRevocations revoker;
  private final ApiKeys apiKeys;
  private final Duration ttl;
  private final boolean secureCookie;
  private final RateLimiter logins;
  private final OriginPolicy origins;

  /**
   * @param revoker revokes a user's tokens at sign-out and when its administrator flag changes; {@code tokens} must
   *                consult the same revocations
   * @param apiKeys the accounts' API keys, which take on an account's new role when it changes
   * @param logins  limits sign-in attempts per username
   */
  public AuthApi(
      Accounts accounts,
      TokenSigner tokens,
      StoredRevocations revoker,
      ApiKeys apiKeys,
      Duration ttl,
      boolean secureCookie,
      OriginPolicy origins,
      RateLimiter logins) {
    this.accounts = accounts;
    this.tokens = tokens;
    this.revoker = revoker;
    this.apiKeys = apiKeys;
    this.ttl = ttl;
    this.secureCookie = secureCookie;
    this.origins = origins;
    this.logins = logins;
  }

  /** Mounts the {@code /api/auth} routes (the body handler must already be in place). */
  public void mount(Router router) {
    router
        .post("/api/auth/signup")
        .handler(
            ctx -> {
              JsonObject body = credentials(ctx);
              if (body == null) return;
              Object setup = body.getValue("setupToken");
              if (setup != null && !(setup instanceof String)) {
                HttpErrors.send(ctx, 400, "invalid_request", "\"setupToken\" must be a string");
                return;
              }
              accounts
                  .signUp(body.getString("username"), body.getString("password"), (String) setup)
                  .onSuccess(account -> signedIn(ctx, 201, account))
                  .onFailure(err -> HttpErrors.sendFailure(ctx, err));
            });
    router
        .post("/api/auth/login")
        .handler(
            ctx -> {
              JsonObject body = credentials(ctx);
              if (body == null) return;
              // Per account, not per address: behind the edge-proxy every caller has the edge's
              // address.
              RateLimiter.Outcome allowed = logins.acquire(body.getString("username"));
              if (allowed != RateLimiter.Outcome.ALLOWED) {
                ctx.response().putHeader("Retry-After", "60");
                HttpErrors.send(
                    ctx,
                    429,
                    "rate_limited",
                    allowed == RateLimiter.Outcome.FULL
                        ? "too many sign-in attempts under too many names; wait a minute"
                        : "too many sign-in attempts; wait a minute");
                return;
              }
              accounts
                  .logIn(body.getString("username"), body.getString("password"))
                  .onSuccess(account -> signedIn(ctx, 200, account))
                  .onFailure(err -> HttpErrors.sendFailure(ctx, err));
            });
    // Signs the user out everywhere: every token of theirs issued until now stops working on every
    // service at once.
    router
        .post("/api/auth/logout")
        .handler(
            ctx -> {
              AuthToken caller = caller(ctx);
              if (caller != null && !originAllowed(ctx.request())) {
                HttpErrors.send(
                    ctx,
                    403,
                    "forbidden_origin",
                    "a page of " + ctx.request().getHeader("Origin") + " may not sign you out");
                return;
              }
              ctx.response().addCookie(cookie("").setMaxAge(0));
              if (caller == null || caller.isService()) {
                ctx.json(new JsonObject().put("signedOut", true).put("revoked", false));
                return;
              }
              revoker
                  .revoke(caller.subject())
                  .onSuccess(
                      upTo ->
                          ctx.json(new JsonObject().put("signedOut", true).put("revoked", true)))
                  .onFailure(err -> HttpErrors.sendFailure(ctx, err));
            });
    router
        .get("/api/auth/me")
        .handler(
            ctx -> {
              AuthToken caller = caller(ctx);
              if (caller == null) {
                HttpErrors.send(ctx, 401, "unauthenticated", "sign in first");
              } else {
                ctx.json(
                    new JsonObject()
                        .put("username", caller.subject())
                        .put("admin", caller.admin())
                        .put("apiKey", caller.apiKeyId()));
              }
            });
  }

  /**
   * A route handler that lets only signed-in callers (and Pier's services) through, and refuses a call that changes
   * state with the cookie from a page of another origin ({@code 403 forbidden_origin}).
   */
  public void requireCaller(RoutingContext ctx) {
    AuthToken caller = caller(ctx);
    if (caller == null) {
      HttpErrors.send(ctx, 401, "unauthenticated", "sign in first (POST /api/auth/login)");
      return;
    }
    if (!originAllowed(ctx.request())) {
      HttpErrors.send(
          ctx,
          403,
          "forbidden_origin",
          "a page of "
              + ctx.request().getHeader("Origin")
              + " may not call this API with your sign-in cookie");
      return;
    }
    ctx.put(CALLER, caller);
    ctx.next();
  }

  /** Behind the edge-proxy, the Host is the one the browser used and X-Forwarded-Proto its scheme. */
  private boolean originAllowed(HttpServerRequest request) {
    if (!Credentials.fromCookie(request) || !OriginPolicy.changesState(request.method()))
      return true;
    String forwarded = request.getHeader("X-Forwarded-Proto");
    String scheme =
        "https".equalsIgnoreCase(forwarded)
            ? "https"
            : forwarded != null ? "http" : request.scheme();
    return origins.allows(request.getHeader("Origin"), scheme, request.authority());
  }

  /** The caller a request's token names, or null. */
  public AuthToken caller(RoutingContext ctx) {
    return tokens.verify(Credentials.token(ctx.request())).orElse(null);
  }

  /**
   * {@code PATCH /api/accounts/<username>} with {@code {"admin": true|false}}, for administrators (and the operator's
   * {@code ./pier admin}): sets the account's administrator flag and revokes its tokens, which carry the old one; the
   * user signs in again with the new one.
   */
  public void changeAdmin(RoutingContext ctx) {
    AuthToken caller = ctx.get(CALLER);
    requireAdmin(caller);
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null || body.size() != 1 || !(body.getValue("admin") instanceof Boolean admin)) {
      HttpErrors.send(
          ctx, 400, "invalid_request", "the body must be {\"admin\": true} or {\"admin\": false}");
      return;
    }
    String username = ctx.pathParam("username");
    accounts
        .setAdmin(username, admin)
        .compose(account -> revoker.revoke(username).map(account))
        .compose(account -> apiKeys.setRole(username, account.admin()).map(account))
        .onSuccess(
            account ->
                ctx.json(
                    new JsonObject()
                        .put("username", account.username())
                        .put("admin", account.admin())
                        .put("listedInPierAdmins", accounts.listedAdmin(username))))
        .onFailure(err -> HttpErrors.sendFailure(ctx, err));
  }

  /** @throws ApiException 403 unless the caller owns what belongs to {@code owner}, or is an admin or a service */
  public static void requireOwner(AuthToken caller, String owner) {
    if (caller.admin() || caller.isService() || caller.subject().equals(owner)) return;
    throw new ApiException(403, "forbidden", "this repl belongs to someone else");
  }

  /** Whether an account named {@code username} exists (a repl can be shared with it). */
  public Future<Boolean> accountExists(String username) {
    return accounts.lookUp(username).map(account -> account != null);
  }

  /** @throws ApiException 403 unless the caller is an admin or a service */
  public static void requireAdmin(AuthToken caller) {
    if (caller.admin() || caller.isService()) return;
    throw new ApiException(403, "forbidden", "only an administrator may do that");
  }

  /**
   * Mounts what a user does to their own account ({@link AccountRoutes}); behind the signed-in check.
   *
   * @param deleteReplsOf stops and deletes every repl of an account and takes it off every repl shared with it;
   *     completes with how many repls were deleted
   */
  public void mountAccounts(Router router, Function<String, Future<Integer>> deleteReplsOf) {
    new AccountRoutes(this, accounts, revoker, apiKeys, logins, deleteReplsOf).mount(router);
  }

  private void signedIn(RoutingContext ctx, int status, Account account) {
    answerSignedIn(ctx, status, account, tokens.issue(account.username(), account.admin(), ttl));
  }

  /** Signs the account in again after every token of it up to {@code revokedUpTo} was revoked. */
  void signedIn(RoutingContext ctx, int status, Account account, Instant revokedUpTo) {
    answerSignedIn(
        ctx,
        status,
        account,
        tokens.issueAfter(account.username(), account.admin(), ttl, revokedUpTo));
  }

  /** Clears the browser's cookie (the tokens are revoked by the caller). */
  void signedOut(RoutingContext ctx) {
    ctx.response().addCookie(cookie("").setMaxAge(0));
  }

  private void answerSignedIn(RoutingContext ctx, int status, Account account, String token) {
    ctx.response().setStatusCode(status).addCookie(cookie(token).setMaxAge(ttl.toSeconds()));
    ctx.json(
        new JsonObject()
            .put("username", account.username())
            .put("admin", account.admin())
            .put("token", token)
            .put("expiresInSeconds", ttl.toSeconds()));
  }

  private Cookie cookie(String value) {
    return Cookie.cookie(Credentials.COOKIE, value)
        .setPath("/")
        .setHttpOnly(true)
        .setSecure(secureCookie)
        .setSameSite(CookieSameSite.LAX);
  }

  private static JsonObject credentials(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body != null
          && body.getValue("username") instanceof String
          && body.getValue("password") instanceof String) {
        return body;
      }
    } catch (DecodeException | ClassCastException malformed) {
      // answered below
    }
    HttpErrors.send(
        ctx, 400, "invalid_request", "the body must be {\"username\": ..., \"password\": ...}");
    return null;
  }
}
