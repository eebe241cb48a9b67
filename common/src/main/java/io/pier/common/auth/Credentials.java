package io.pier.common.auth;

import io.vertx.core.http.HttpServerRequest;

/** Where a request carries its token: the {@code pier_token} cookie (browsers) or {@code Authorization: Bearer}. */
public final class Credentials {
  public static final String COOKIE = "pier_token";

  private Credentials() {}

  /**
   * The token the request carries, or null. The header wins when both are there. An API key counts only in the header:
   * Pier never sets one in a cookie, so a cookie holding one was planted (by a page on a preview subdomain, say).
   */
  public static String token(HttpServerRequest request) {
    String bearer = bearer(request);
    if (bearer != null) return bearer;
    var cookie = request.getCookie(COOKIE);
    return cookie == null || ApiKeyText.looksLikeKey(cookie.getValue()) ? null : cookie.getValue();
  }

  /** The token of an {@code Authorization: Bearer} header, or null. */
  public static String bearer(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7))
      return header.substring(7).trim();
    return null;
  }

  /**
   * True when the token comes from the cookie: the browser attached it by itself, so the request may have been made
   * by another page (CSRF), unlike a bearer header, which only code holding the token can set.
   */
  public static boolean fromCookie(HttpServerRequest request) {
    return bearer(request) == null && request.getCookie(COOKIE) != null;
  }
}
