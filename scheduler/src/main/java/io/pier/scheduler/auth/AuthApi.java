package io.pier.scheduler.auth;

import io.pier.common.auth.AuthToken;
import io.pier.common.auth.Credentials;
import io.pier.common.auth.TokenSigner;
import io.pier.common.http.ApiException;
import io.pier.common.http.HttpErrors;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;

/**
 * Sign-up, sign-in and sign-out under {@code /api/auth}, and the check every other API call passes: a valid token
 * (the {@code pier_token} cookie browsers get, or a bearer token) names the caller. The cookie is host-only, so repls'
 * previews on {@code <slug>.<domain>} never see it.
 */
public final class AuthApi {
  /** The routing-context key under which the caller's {@link AuthToken} is found. */
  public static final String CALLER = "pier.caller";

  private final Accounts accounts;
  private final TokenSigner tokens;
  private final Duration ttl;
  private final boolean secureCookie;
  private final RateLimiter logins;

  public AuthApi(Accounts accounts, TokenSigner tokens, Duration ttl, boolean secureCookie, Clock clock) {
    this.accounts = accounts;
    this.tokens = tokens;
    this.ttl = ttl;
    this.secureCookie = secureCookie;
    this.logins = new RateLimiter(10, Duration.ofMinutes(1), clock);
  }

  /** Mounts the {@code /api/auth} routes (the body handler must already be in place). */
  public void mount(Router router) {
    router.post("/api/auth/signup").handler(ctx -> {
      JsonObject body = credentials(ctx);
      if (body == null) return;
      accounts.signUp(body.getString("username"), body.getString("password"))
          .onSuccess(account -> signedIn(ctx, 201, account))
          .onFailure(err -> HttpErrors.sendFailure(ctx, err));
    });
    router.post("/api/auth/login").handler(ctx -> {
      JsonObject body = credentials(ctx);
      if (body == null) return;
      String who = String.valueOf(body.getString("username")) + "@" + ctx.request().remoteAddress().hostAddress();
      if (!logins.tryAcquire(who)) {
        HttpErrors.send(ctx, 429, "rate_limited", "too many sign-in attempts; wait a minute");
        return;
      }
      accounts.logIn(body.getString("username"), body.getString("password"))
          .onSuccess(account -> signedIn(ctx, 200, account))
          .onFailure(err -> HttpErrors.sendFailure(ctx, err));
    });
    router.post("/api/auth/logout").handler(ctx -> {
      ctx.response().addCookie(cookie("").setMaxAge(0));
      ctx.json(new JsonObject().put("signedOut", true));
    });
    router.get("/api/auth/me").handler(ctx -> {
      AuthToken caller = caller(ctx);
      if (caller == null) {
        HttpErrors.send(ctx, 401, "unauthenticated", "sign in first");
      } else {
        ctx.json(new JsonObject().put("username", caller.subject()).put("admin", caller.admin()));
      }
    });
  }

  /** A route handler that lets only signed-in callers (and Pier's services) through. */
  public void requireCaller(RoutingContext ctx) {
    AuthToken caller = caller(ctx);
    if (caller == null) {
      HttpErrors.send(ctx, 401, "unauthenticated", "sign in first (POST /api/auth/login)");
      return;
    }
    ctx.put(CALLER, caller);
    ctx.next();
  }

  /** The caller a request's token names, or null. */
  public AuthToken caller(RoutingContext ctx) {
    return tokens.verify(Credentials.token(ctx.request())).orElse(null);
  }

  /** @throws ApiException 403 unless the caller owns what belongs to {@code owner}, or is an admin or a service */
  public static void requireOwner(AuthToken caller, String owner) {
    if (caller.admin() || caller.isService() || caller.subject().equals(owner)) return;
    throw new ApiException(403, "forbidden", "this repl belongs to someone else");
  }

  /** @throws ApiException 403 unless the caller is an admin or a service */
  public static void requireAdmin(AuthToken caller) {
    if (caller.admin() || caller.isService()) return;
    throw new ApiException(403, "forbidden", "only an administrator may do that");
  }

  private void signedIn(RoutingContext ctx, int status, Accounts.Account account) {
    String token = tokens.issue(account.username(), account.admin(), ttl);
    ctx.response().setStatusCode(status).addCookie(cookie(token).setMaxAge(ttl.toSeconds()));
    ctx.json(new JsonObject().put("username", account.username()).put("admin", account.admin())
        .put("token", token).put("expiresInSeconds", ttl.toSeconds()));
  }

  private Cookie cookie(String value) {
    return Cookie.cookie(Credentials.COOKIE, value).setPath("/").setHttpOnly(true).setSecure(secureCookie)
        .setSameSite(CookieSameSite.LAX);
  }

  private static JsonObject credentials(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body != null && body.getValue("username") instanceof String && body.getValue("password") instanceof String) {
        return body;
      }
    } catch (DecodeException | ClassCastException malformed) {
      // answered below
    }
    HttpErrors.send(ctx, 400, "invalid_request", "the body must be {\"username\": ..., \"password\": ...}");
    return null;
  }
}
