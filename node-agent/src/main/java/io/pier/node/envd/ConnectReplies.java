package io.pier.node.envd;

import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Unary answers in Connect's JSON form: the message with 200, or an error as its HTTP status and JSON body. */
final class ConnectReplies {
  private ConnectReplies() {}

  static void message(HttpServerResponse response, JsonObject message) {
    if (response.ended() || response.closed()) return;
    response
        .setStatusCode(200)
        .putHeader("Content-Type", "application/json")
        .end(message.toBuffer());
  }

  static void error(HttpServerResponse response, ConnectException error) {
    error(response, error.code().httpStatus(), error);
  }

  /** With another status than the code's own (502 for a sandbox that is not running, as E2B's proxy answers). */
  static void error(HttpServerResponse response, int status, ConnectException error) {
    if (response.ended() || response.closed()) return;
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(
            new JsonObject()
                .put("code", error.code().wireName())
                .put("message", error.getMessage())
                .toBuffer());
  }

  /** A failure a method did not mean to give the caller: its code if it is a Connect error, else {@code internal}. */
  static ConnectException asConnect(Throwable err) {
    if (err instanceof ConnectException connect) return connect;
    return new ConnectException(
        ConnectCode.INTERNAL, "internal error; the node-agent's log has the details");
  }
}
