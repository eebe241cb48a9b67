package io.pier.common.auth;

import io.vertx.core.http.HttpServerRequest;

/** Where a request carries its token: the {@code pier_token} cookie (browsers) or {@code Authorization: Bearer}. */
public final class Credentials {
  public static final String COOKIE = "pier_token";

  private Credentials() {
  }

  /** The token the request carries, or null. */
  public static String token(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) return header.substring(7).trim();
    var cookie = request.getCookie(COOKIE);
    return cookie == null ? null : cookie.getValue();
  }
}
