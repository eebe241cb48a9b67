package io.pier.scheduler.e2b;

import io.pier.common.http.ApiException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * E2B's error shape, {@code {"code": <HTTP status>, "message": text}}, which the SDKs read the message of; Pier's own
 * error code goes along as E2B's optional {@code error_code}.
 */
final class E2bErrors {
  private static final Logger LOG = LoggerFactory.getLogger(E2bErrors.class);

  private E2bErrors() {}

  static void send(RoutingContext ctx, int status, String errorCode, String message) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) return;
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(
            new JsonObject()
                .put("code", status)
                .put("message", message)
                .put("error_code", errorCode)
                .encode());
  }

  /** An {@link ApiException} as its status and message; anything else as a 500 that hides the internals. */
  static void sendFailure(RoutingContext ctx, Throwable err) {
    if (err instanceof ApiException api) {
      send(ctx, api.status(), api.code(), api.getMessage());
    } else {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), err);
      send(ctx, 500, "internal", "internal error; the service log has the details");
    }
  }
}
