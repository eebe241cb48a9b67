package io.pier.common.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The one shape of every API error: {@code {"error": code, "message": text}} with a fitting status. */
public final class HttpErrors {
  private HttpErrors() {}

  public static void send(RoutingContext ctx, int status, String code, String message) {
    send(ctx.response(), status, code, message);
  }

  public static void send(HttpServerResponse response, int status, String code, String message) {
    if (response.ended() || response.closed()) return;
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", code).put("message", message).encode());
  }

  /** Sends {@code err} as JSON if it is an {@link ApiException}, else a 500 that hides the internals. */
  public static void sendFailure(RoutingContext ctx, Throwable err) {
    if (err instanceof ApiException api) {
      send(ctx, api.status(), api.code(), api.getMessage());
    } else {
      send(ctx, 500, "internal", "internal error; the service log has the details");
    }
  }
}
