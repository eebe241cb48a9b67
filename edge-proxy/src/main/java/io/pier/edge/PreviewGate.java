package io.pier.edge;

import io.pier.common.auth.AuthToken;
import io.pier.common.auth.Credentials;
import io.pier.common.auth.PreviewAccess;
import io.pier.common.auth.TokenSigner;
import io.pier.common.http.HtmlPage;
import io.pier.common.http.HttpErrors;
import io.pier.common.repl.ReplAccess;
import io.pier.common.repl.ReplRecord;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Private previews: who may see one (the preview cookie of its owner or of an account it is shared with, handed
 * over by the redirects of {@link PreviewAccess}, or such an account's bearer token), the end of that hand-over, and keeping those credentials of
 * Pier's from the repl's app.
 */
final class PreviewGate {
  private final EdgeConfig config;
  private final TokenSigner tokens;

  PreviewGate(EdgeConfig config, TokenSigner tokens) {
    this.config = config;
    this.tokens = tokens;
  }

  /**
   * Whether a request may see a private repl's preview: the preview cookie for this slug of its owner, of an account
   * it is shared with (as editor or viewer) or of an administrator, or such an account's API token as a bearer
   * header. Otherwise it is answered here and false is returned: a browser goes to the apex to sign in, other
   * clients get 401, or 403 when their token names someone else. A private repl is not woken for someone who may not
   * see it.
   */
  boolean admitted(HttpServerRequest req, String slug, ReplRecord record) {
    List<AuthToken> callers = previewCallers(req, slug);
    if (callers.stream().anyMatch(c -> ReplAccess.roleOf(c, record).isPresent())) return true;
    req.resume();
    boolean browser =
        (HttpMethod.GET.equals(req.method()) || HttpMethod.HEAD.equals(req.method()))
            && !req.canUpgradeToWebSocket()
            && HtmlPage.wanted(req.getHeader("Accept"));
    if (browser) {
      // The apex has the browser's sign-in cookie: it checks whose it is (and answers a stranger
      // 403) or sends the browser back with a preview token. A preview cookie of another account is
      // sent there too, for the case where the user has switched accounts since.
      String back = PreviewAccess.safeReturnPath(req.uri());
      req.response()
          .setStatusCode(302)
          .putHeader("Cache-Control", "no-store")
          .putHeader(
              "Location",
              apexUrl(req)
                  + PreviewAccess.START
                  + "?slug="
                  + slug
                  + "&return="
                  + URLEncoder.encode(back, StandardCharsets.UTF_8))
          .end();
    } else if (!callers.isEmpty()) {
      HttpErrors.send(
          req.response(),
          403,
          "forbidden",
          "the preview of " + slug + " is private to its owner and those it is shared with");
    } else {
      HttpErrors.send(
          req.response(),
          401,
          "unauthenticated",
          "the preview of "
              + slug
              + " is private: open it in a "
              + "browser signed in to Pier as its owner, or send the owner's token as Authorization: Bearer");
    }
    return false;
  }

  /**
   * Who a preview request comes from, by every credential it carries for this slug: an API token in a bearer header,
   * and each preview cookie. All of them count, because a page on another subdomain may have planted a cookie of the
   * same name for the whole domain, and the browser sends both.
   */
  private List<AuthToken> previewCallers(HttpServerRequest req, String slug) {
    List<AuthToken> callers = new ArrayList<>();
    String bearer = Credentials.bearer(req);
    if (bearer != null) tokens.verify(bearer).ifPresent(callers::add);
    for (String p : cookiePairs(req.headers().getAll("Cookie"))) {
      if (!p.startsWith(PreviewAccess.COOKIE + "=")) continue;
      String value = p.substring(PreviewAccess.COOKIE.length() + 1);
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      tokens.verifyPreview(value, slug).ifPresent(callers::add);
    }
    return callers;
  }

  /**
   * Every {@code name=value} pair of the Cookie headers, in order, duplicates kept: Vert.x's own cookie set keeps one
   * cookie per name and path, and a planted duplicate must not hide the real one.
   */
  private static List<String> cookiePairs(List<String> headers) {
    List<String> pairs = new ArrayList<>();
    for (String header : headers) {
      for (String pair : header.split(";")) {
        String p = pair.trim();
        if (!p.isEmpty()) pairs.add(p);
      }
    }
    return pairs;
  }

  /**
   * The end of the hand-over: a preview token for this slug, fresh from the apex, becomes a host-only cookie on the
   * preview host, and the browser goes on to the path it first asked for.
   */
  void exchange(HttpServerRequest req, String slug) {
    String back = PreviewAccess.safeReturnPath(req.getParam("return"));
    AuthToken granted = tokens.verifyPreview(req.getParam("token"), slug).orElse(null);
    if (granted == null) {
      Pages.linkExpired(req.response(), back);
      return;
    }
    Duration ttl = config.access().previewCookieTtl();
    boolean secure =
        req.isSSL()
            || (config.access().publicUrl() != null
                && "https".equals(config.access().publicUrl().getScheme()));
    req.response()
        .addCookie(
            Cookie.cookie(
                    PreviewAccess.COOKIE,
                    tokens.issuePreview(granted.subject(), granted.admin(), slug, ttl))
                .setPath("/")
                .setHttpOnly(true)
                .setSecure(secure)
                .setSameSite(CookieSameSite.LAX)
                .setMaxAge(ttl.toSeconds()))
        .setStatusCode(302)
        .putHeader("Location", back)
        .putHeader("Cache-Control", "no-store")
        // The token in this URL must not travel on to wherever the page links.
        .putHeader("Referrer-Policy", "no-referrer")
        .end();
  }

  /** The apex as browsers reach it: the public URL if one is set, else the domain at the request's scheme and port. */
  private String apexUrl(HttpServerRequest req) {
    URI publicUrl = config.access().publicUrl();
    if (publicUrl != null) return publicUrl.getScheme() + "://" + publicUrl.getRawAuthority();
    String scheme = RequestScheme.of(req);
    int port = req.authority() == null ? -1 : req.authority().port();
    boolean standard = port < 0 || port == ("https".equals(scheme) ? 443 : 80);
    return scheme + "://" + config.domain() + (standard ? "" : ":" + port);
  }

  /**
   * Removes Pier's credentials from headers going to a repl's app: neither the preview cookie nor an API token a
   * client sent to pass a private preview reaches it; they are Pier's, and the app is the user's code, dependencies
   * included. (A valid bearer token is removed; the preview cookie always.)
   */
  void removePierCredentials(MultiMap headers) {
    String authorization = headers.get("Authorization");
    if (authorization != null
        && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        && tokens.verify(authorization.substring(7).trim()).isPresent()) {
      headers.remove("Authorization");
    }
    if (!headers.contains("Cookie")) return;
    List<String> cookies = headers.getAll("Cookie");
    boolean preview = false;
    for (String cookie : cookies) preview |= cookie.contains(PreviewAccess.COOKIE + "=");
    if (!preview) return;
    List<String> kept = new ArrayList<>();
    for (String pair : cookiePairs(cookies)) {
      if (!pair.startsWith(PreviewAccess.COOKIE + "=")) kept.add(pair);
    }
    headers.remove("Cookie");
    if (!kept.isEmpty()) headers.set("Cookie", String.join("; ", kept));
  }
}
